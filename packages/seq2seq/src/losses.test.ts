import { crossEntropy } from '@unroll/autograd';
import { Generator, randn, ShapeError, Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { sequenceLoss } from './losses.js';

describe('sequenceLoss', () => {
  const logits = randn([2, 3, 5], { dtype: 'float64', generator: new Generator(1) });
  const targets = tensor([[1, 2, 3], [4, 0, 0]], undefined, 'int32');
  const mask = tensor([[1, 1, 1], [1, 0, 0]], undefined, 'float64');

  it('is the mean over the real tokens only, with and without label smoothing', () => {
    for (const labelSmoothing of [0, 0.2]) {
      const real = new Tensor(Float64Array.from([0, 1, 2, 3].flatMap((r) => Array.from(logits.data.slice(r * 5, r * 5 + 5)))), [4, 5]);
      const expected = crossEntropy(real, tensor([1, 2, 3, 4], undefined, 'int32'), { labelSmoothing }).item();
      expect(sequenceLoss(logits, targets, mask, { labelSmoothing }).item()).toBeCloseTo(expected, 12);
    }
  });

  it('ShapeError for logits that are not (B,T,V) or targets and mask that do not match them', () => {
    expect(() => sequenceLoss(tensor([[1, 2]]), targets, mask)).toThrow(ShapeError);
    expect(() => sequenceLoss(logits, tensor([[1, 2]], undefined, 'int32'), mask)).toThrow(/targets must be \(2,3\)/);
    expect(() => sequenceLoss(logits, targets, tensor([1, 1, 1]))).toThrow(/mask must be \(2,3\)/);
  });
});
