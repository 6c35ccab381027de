import { ArgumentError, type Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { casesOf, expectExactResume, expectMatchesTorch } from './test-helpers.js';

describe('RMSprop', () => {
  it.each(casesOf('RMSprop').map((c) => [c.name, c] as const))('matches torch.optim.RMSprop: %s', (_, c) => {
    expectMatchesTorch(c, (params) => new RMSprop(params, c.options as RMSpropOptions));
  });

  it('follows the update rule by hand (centered, momentum)', () => {
    const p = tensor([1], undefined, 'float64');
    const opt = new RMSprop([p], { lr: 0.1, alpha: 0.5, eps: 0, momentum: 0.5, centered: true });
    p.grad = tensor([2], undefined, 'float64');
    opt.step(); // v = 2, m = 1, avg = 1, b = 2, p = 0.8
    expect(p.data[0]).toBeCloseTo(0.8, 15);
    opt.step(); // v = 3, m = 1.5, avg = sqrt(0.75), b = 1 + 2/sqrt(0.75)
    expect(p.data[0]).toBeCloseTo(0.8 - 0.1 * (1 + 2 / Math.sqrt(0.75)), 15);
  });

  it.each(['float32', 'float64'] as const)('resumes bitwise from a saved state (%s)', (dtype) => {
    expectExactResume((ps: Tensor[], other) => new RMSprop(ps, other ? {} : { lr: 0.01, momentum: 0.9, centered: true, weightDecay: 0.01 }), dtype);
    expectExactResume((ps: Tensor[]) => new RMSprop(ps, { lr: 0.01 }), dtype);
  });

  it('rejects bad options with an ArgumentError naming RMSprop and the value', () => {
    const p = [tensor([1])];
    expect(() => new RMSprop(p, { lr: -1 })).toThrow(ArgumentError);
    expect(() => new RMSprop(p, { lr: -1 })).toThrow(/RMSprop: lr .*-1/);
    expect(() => new RMSprop(p, { alpha: -0.5 })).toThrow(/RMSprop: alpha .*-0.5/);
    expect(() => new RMSprop(p, { centered: 1 as unknown as boolean })).toThrow(/centered must be a boolean, got 1/);
  });
});
