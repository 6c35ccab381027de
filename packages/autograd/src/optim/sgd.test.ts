import { ArgumentError, type Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { SGD, type SGDOptions } from './sgd.js';
import { casesOf, expectExactResume, expectMatchesTorch } from './test-helpers.js';

describe('SGD', () => {
  it.each(casesOf('SGD').map((c) => [c.name, c] as const))('matches torch.optim.SGD: %s', (_, c) => {
    expectMatchesTorch(c, (params) => new SGD(params, c.options as unknown as SGDOptions));
  });

  it('follows the update rule by hand: momentum buffer starts at the gradient, then nesterov', () => {
    const p = tensor([1], undefined, 'float64');
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5, nesterov: true });
    p.grad = tensor([2], undefined, 'float64');
    opt.step(); // b = 2; d = 2 + 0.5*2 = 3; p = 1 - 0.3
    expect(p.data[0]).toBeCloseTo(0.7, 15);
    opt.step(); // b = 0.5*2 + 2 = 3; d = 2 + 1.5 = 3.5; p = 0.7 - 0.35
    expect(p.data[0]).toBeCloseTo(0.35, 15);
  });

  it.each(['float32', 'float64'] as const)('resumes bitwise from a saved state (%s)', (dtype) => {
    expectExactResume((ps: Tensor[], other) => new SGD(ps, other ? { lr: 1 } : { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }), dtype);
    expectExactResume((ps: Tensor[], other) => new SGD(ps, other ? { lr: 1, momentum: 0.2 } : { lr: 0.05, momentum: 0.9, nesterov: true }), dtype);
    expectExactResume((ps: Tensor[]) => new SGD(ps, { lr: 0.05 }), dtype);
  });

  it('rejects bad options with an ArgumentError naming SGD and the value', () => {
    const p = [tensor([1])];
    expect(() => new SGD(p, { lr: -1 })).toThrow(ArgumentError);
    expect(() => new SGD(p, { lr: -1 })).toThrow(/SGD: lr .*-1/);
    expect(() => new SGD(p, { lr: Number.NaN })).toThrow(/SGD: lr .*NaN/);
    expect(() => new SGD(p, {} as SGDOptions)).toThrow(/SGD: lr .*undefined/);
    expect(() => new SGD(p, { lr: 0.1, momentum: -0.5 })).toThrow(/SGD: momentum .*-0.5/);
    expect(() => new SGD(p, { lr: 0.1, nesterov: true })).toThrow(/SGD: nesterov needs momentum > 0/);
    expect(() => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/dampening 0.1/);
  });
});
