import { ArgumentError, type Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad, type AdagradOptions } from './adagrad.js';
import { casesOf, expectExactResume, expectMatchesTorch } from './test-helpers.js';

describe('Adagrad', () => {
  it.each(casesOf('Adagrad').map((c) => [c.name, c] as const))('matches torch.optim.Adagrad: %s', (_, c) => {
    expectMatchesTorch(c, (params) => new Adagrad(params, c.options as AdagradOptions));
  });

  it('follows the update rule by hand, with lrDecay and initialAccumulatorValue', () => {
    const p = tensor([1], undefined, 'float64');
    const opt = new Adagrad([p], { lr: 0.5, lrDecay: 1, initialAccumulatorValue: 5, eps: 0 });
    p.grad = tensor([2], undefined, 'float64');
    opt.step(); // sum = 9, clr = 0.5: p = 1 - 0.5 * 2/3
    expect(p.data[0]).toBeCloseTo(1 - 1 / 3, 15);
    opt.step(); // sum = 13, clr = 0.25
    expect(p.data[0]).toBeCloseTo(1 - 1 / 3 - (0.25 * 2) / Math.sqrt(13), 15);
  });

  it.each(['float32', 'float64'] as const)('resumes bitwise from a saved state (%s)', (dtype) => {
    expectExactResume((ps: Tensor[], other) => new Adagrad(ps, other ? {} : { lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1 }), dtype);
  });

  it('rejects bad options with an ArgumentError naming Adagrad and the value', () => {
    const p = [tensor([1])];
    expect(() => new Adagrad(p, { lr: -0.1 })).toThrow(ArgumentError);
    expect(() => new Adagrad(p, { lr: -0.1 })).toThrow(/Adagrad: lr .*-0.1/);
    expect(() => new Adagrad(p, { lrDecay: -1 })).toThrow(/Adagrad: lrDecay .*-1/);
    expect(() => new Adagrad(p, { initialAccumulatorValue: -2 })).toThrow(/initialAccumulatorValue .*-2/);
    expect(() => new Adagrad(p, { eps: Number.NaN })).toThrow(/eps .*NaN/);
  });
});
