import { ArgumentError, type Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, type AdamOptions, AdamW } from './adam.js';
import { casesOf, expectExactResume, expectMatchesTorch } from './test-helpers.js';

/** The fixture spells betas as beta1/beta2, like the state dict. */
function optionsOf(o: Record<string, number | boolean>): AdamOptions {
  const { beta1, beta2, ...rest } = o;
  return { ...rest, betas: [beta1 as number, beta2 as number] } as AdamOptions;
}

describe('Adam', () => {
  it.each(casesOf('Adam').map((c) => [c.name, c] as const))('matches torch.optim.Adam: %s', (_, c) => {
    expectMatchesTorch(c, (params) => new Adam(params, optionsOf(c.options)));
  });

  it('follows the update rule by hand (bias correction)', () => {
    const p = tensor([1], undefined, 'float64');
    const opt = new Adam([p], { lr: 0.1, betas: [0.5, 0.75], eps: 0 });
    p.grad = tensor([2], undefined, 'float64');
    opt.step(); // m = 1, v = 1; mhat = 2, vhat = 4: p = 1 - 0.1
    expect(p.data[0]).toBeCloseTo(0.9, 15);
    p.grad = tensor([-1], undefined, 'float64');
    opt.step(); // m = 0, so p does not move
    expect(p.data[0]).toBeCloseTo(0.9, 15);
  });

  it('defaults to torch values', () => {
    const opt = new Adam([tensor([1])]);
    expect(opt.hyperparameters()).toEqual({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    expect(new AdamW([tensor([1])]).hyperparameters().weightDecay).toBe(0.01);
  });

  it.each(['float32', 'float64'] as const)('resumes bitwise from a saved state (%s)', (dtype) => {
    expectExactResume((ps: Tensor[], other) => new Adam(ps, other ? {} : { lr: 0.01, amsgrad: true, weightDecay: 0.01 }), dtype);
    expectExactResume((ps: Tensor[]) => new Adam(ps, { lr: 0.01 }), dtype);
  });

  it('rejects bad options with an ArgumentError naming Adam and the value', () => {
    const p = [tensor([1])];
    expect(() => new Adam(p, { lr: -1 })).toThrow(ArgumentError);
    expect(() => new Adam(p, { lr: -1 })).toThrow(/Adam: lr .*-1/);
    expect(() => new Adam(p, { betas: [1, 0.9] })).toThrow(/Adam: beta1 must be in \[0, 1\), got 1/);
    expect(() => new Adam(p, { betas: [0.9, -0.1] })).toThrow(/beta2 .*-0.1/);
    expect(() => new Adam(p, { weightDecay: -1 })).toThrow(/weightDecay .*-1/);
  });
});

describe('AdamW', () => {
  it.each(casesOf('AdamW').map((c) => [c.name, c] as const))('matches torch.optim.AdamW: %s', (_, c) => {
    expectMatchesTorch(c, (params) => new AdamW(params, optionsOf(c.options)));
  });

  it('decays the parameter before the Adam step', () => {
    const p = tensor([1], undefined, 'float64');
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5, eps: 0 });
    p.grad = tensor([3], undefined, 'float64');
    opt.step(); // p = 1 * (1 - 0.05) - 0.1
    expect(p.data[0]).toBeCloseTo(0.85, 15);
  });

  it.each(['float32', 'float64'] as const)('resumes bitwise from a saved state (%s)', (dtype) => {
    expectExactResume((ps: Tensor[], other) => new AdamW(ps, other ? { weightDecay: 0 } : { lr: 0.01, amsgrad: true }), dtype);
  });

  it('names AdamW in errors and state', () => {
    expect(() => new AdamW([tensor([1])], { lr: -1 })).toThrow(/^AdamW: lr/);
    expect(new AdamW([tensor([1])]).stateDict().type).toBe('AdamW');
  });
});
