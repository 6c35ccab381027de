import { ArgumentError, Tensor, tensor, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { StateDictError } from '../errors.js';
import { Parameter } from '../module.js';
import { Adam } from './adam.js';
import type { OptimizerState } from './optimizer.js';
import { SGD } from './sgd.js';

const f64 = (v: number[], shape = [v.length]) => new Tensor(new Float64Array(v), shape);

/** An Adam over a (2,) and a (3,) parameter, stepped twice; the second parameter gets a grad once. */
function stepped(): { opt: Adam; a: Tensor; b: Tensor } {
  const a = f64([1, 2]);
  const b = f64([3, 4, 5]);
  const opt = new Adam([a, b], { lr: 0.1, amsgrad: true });
  a.grad = f64([0.5, -0.5]);
  b.grad = f64([1, 1, 1]);
  opt.step();
  b.grad = null;
  opt.step();
  return { opt, a, b };
}

function expectStateError(fn: () => void, ...parts: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StateDictError);
  const msg = (caught as Error).message;
  expect(msg.startsWith('Adam.loadStateDict: ')).toBe(true);
  for (const p of parts) expect(msg).toContain(p);
}

describe('Optimizer', () => {
  it('rejects missing, repeated and non-float parameters with an ArgumentError naming the optimizer', () => {
    expect(() => new Adam([])).toThrow(ArgumentError);
    expect(() => new Adam([])).toThrow('Adam: got no parameters to optimize');
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/^SGD: got no parameters/);
    expect(() => new Adam(tensor([1]) as unknown as Tensor[])).toThrow('Adam: params must be an iterable of tensors, got a single Tensor');
    expect(() => new Adam([1 as unknown as Tensor])).toThrow('Adam: parameter 0 is not a Tensor');
    const p = tensor([1]);
    expect(() => new Adam([p, p])).toThrow('Adam: parameter 1 appears more than once');
    expect(() => new Adam([tensor([1], undefined, 'int32')])).toThrow(/Adam: parameter 0 has dtype int32/);
  });

  it('accepts any iterable of tensors, e.g. a generator', () => {
    function* gen() {
      yield tensor([1]);
      yield tensor([2]);
    }
    expect(new Adam(gen()).params.length).toBe(2);
  });

  it('rejects a negative or NaN lr, also when set after construction', () => {
    expect(() => new Adam([tensor([1])], { lr: -0.001 })).toThrow('Adam: lr must be >= 0, got -0.001');
    expect(() => new Adam([tensor([1])], { lr: Number.NaN })).toThrow('Adam: lr must be a finite number, got NaN');
    const p = tensor([1]);
    const opt = new Adam([p]);
    opt.lr = -1;
    p.grad = tensor([1]);
    expect(() => opt.step()).toThrow('Adam.step: lr must be >= 0, got -1');
    expect(p.data[0]).toBe(1);
  });

  it('skips parameters whose grad is null and keeps no state for them', () => {
    const a = f64([1]);
    const b = f64([2]);
    const opt = new SGD([a, b], { lr: 0.5, momentum: 0.9 });
    a.grad = f64([1]);
    opt.step();
    expect(Array.from(a.data)).toEqual([0.5]);
    expect(Array.from(b.data)).toEqual([2]);
    expect(Object.keys(opt.stateDict().tensors).sort()).toEqual(['0.momentumBuffer', '0.step']);
    expect(opt.stepCount).toBe(1);
  });

  it('throws before changing anything when a grad has the wrong shape', () => {
    const a = f64([1]);
    const b = f64([2, 3]);
    const opt = new SGD([a, b], { lr: 0.5 });
    a.grad = f64([1]);
    b.grad = f64([1, 1, 1]);
    expect(() => opt.step()).toThrow('SGD.step: parameter 1 has shape (2) but its grad has shape (3)');
    expect(a.data[0]).toBe(1);
    expect(opt.stepCount).toBe(0);
  });

  it('updates in place without recording anything on the tape', () => {
    const w = new Parameter(tensor([1, 2]));
    const data = w.data;
    const opt = new Adam([w], { lr: 0.1 });
    w.grad = tensor([1, 1]);
    opt.step();
    expect(w.data).toBe(data);
    expect(w.gradNode).toBeUndefined();
    expect(w.requiresGrad).toBe(true);
  });

  it('zeroGrad sets every grad to null', () => {
    const a = tensor([1]);
    const b = tensor([2]);
    const opt = new SGD([a, b], { lr: 1 });
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it('stateDict holds hyperparameters, counters and copies of per-parameter buffers', () => {
    const { opt, a } = stepped();
    const s = opt.stateDict();
    expect(s.type).toBe('Adam');
    expect(s.stepCount).toBe(2);
    expect(s.numParams).toBe(2);
    expect(s.hyper).toEqual({ lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false });
    expect(Object.keys(s.tensors).sort()).toEqual([
      '0.expAvg', '0.expAvgSq', '0.maxExpAvgSq', '0.step', '1.expAvg', '1.expAvgSq', '1.maxExpAvgSq', '1.step',
    ]);
    expect(s.tensors['0.step']!.item()).toBe(2);
    expect(s.tensors['1.step']!.item()).toBe(1);
    expect(s.tensors['0.step']!.shape).toEqual([]);
    expect(s.tensors['0.expAvg']!.shape).toEqual(a.shape);
    const before = Array.from(s.tensors['0.expAvg']!.data);
    a.grad = f64([3, 3]);
    opt.step();
    expect(Array.from(s.tensors['0.expAvg']!.data)).toEqual(before);
  });

  it('loadStateDict restores lr and hyperparameters from the state', () => {
    const { opt } = stepped();
    const other = new Adam([f64([0, 0]), f64([0, 0, 0])], { lr: 5, betas: [0.5, 0.5] });
    other.loadStateDict(opt.stateDict());
    expect(other.lr).toBe(0.1);
    expect(other.hyperparameters()).toEqual(opt.hyperparameters());
    expect(other.stepCount).toBe(2);
  });

  it('casts buffers to the parameter dtype on load', () => {
    const { opt } = stepped();
    const f32 = new Adam([tensor([0, 0]), tensor([0, 0, 0])]);
    f32.loadStateDict(opt.stateDict());
    const t = f32.stateDict().tensors['0.expAvgSq']!;
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual(Array.from(Float32Array.from(opt.stateDict().tensors['0.expAvgSq']!.data)));
  });

  it('loadStateDict validates type, parameter count, hyperparameters and tensors, naming the key', () => {
    const { opt } = stepped();
    const fresh = () => new Adam([f64([0, 0]), f64([0, 0, 0])]);
    const good = () => opt.stateDict();
    const withTensors = (edit: (t: Record<string, Tensor>) => void): OptimizerState => {
      const s = good();
      edit(s.tensors);
      return s;
    };
    expectStateError(() => fresh().loadStateDict({ ...good(), type: 'SGD' }), '"SGD"', '"Adam"');
    expectStateError(() => new Adam([f64([0, 0])]).loadStateDict(good()), 'numParams', '2 parameters', 'has 1');
    expectStateError(() => fresh().loadStateDict({ ...good(), stepCount: -1 }), 'stepCount', '-1');
    expectStateError(() => fresh().loadStateDict({ ...good(), hyper: { ...good().hyper, lr: -2 } }), 'hyper.lr', '-2');
    expectStateError(() => fresh().loadStateDict({ ...good(), hyper: { ...good().hyper, beta1: 1.5 } }), 'hyper.beta1', '1.5');
    expectStateError(() => fresh().loadStateDict({ ...good(), hyper: { ...good().hyper, momentum: 0.9 } }), 'hyper.momentum is not a hyperparameter of Adam');
    const { eps: _, ...noEps } = good().hyper;
    expectStateError(() => fresh().loadStateDict({ ...good(), hyper: noEps }), 'hyper.eps is missing');
    expectStateError(() => fresh().loadStateDict(withTensors((t) => { t['0.expAvg'] = f64([1, 2, 3]); })), 'tensor 0.expAvg has shape (3), parameter 0 has shape (2)');
    expectStateError(() => fresh().loadStateDict(withTensors((t) => { t['2.expAvg'] = f64([1]); })), 'tensor 2.expAvg', 'out of range');
    expectStateError(() => fresh().loadStateDict(withTensors((t) => { t['0.velocity'] = f64([1, 2]); })), 'tensor 0.velocity', 'no buffer named "velocity"');
    expectStateError(() => fresh().loadStateDict(withTensors((t) => { t.junk = f64([1]); })), '"junk"');
    expectStateError(() => fresh().loadStateDict(withTensors((t) => { delete t['1.expAvgSq']; })), 'tensor 1.expAvgSq is missing');
    expectStateError(() => fresh().loadStateDict(withTensors((t) => { delete t['1.step']; })), 'tensor 1.step is missing');
    expectStateError(() => fresh().loadStateDict(withTensors((t) => { t['0.step'] = f64([1.5], []); })), 'tensor 0.step', 'non-negative integer');
    expectStateError(() => fresh().loadStateDict(null as unknown as OptimizerState), 'state must be an object');
  });

  it('leaves the optimizer unchanged when loading fails', () => {
    const { opt } = stepped();
    const target = new Adam([f64([0, 0]), f64([0, 0, 0])], { lr: 7 });
    const bad = opt.stateDict();
    bad.tensors['1.expAvg'] = f64([1]);
    expect(() => target.loadStateDict(bad)).toThrow(StateDictError);
    expect(target.lr).toBe(7);
    expect(target.stepCount).toBe(0);
    expect(target.stateDict().tensors).toEqual({});
  });

  it('checkStateDict validates without loading', () => {
    const { opt } = stepped();
    const target = new Adam([f64([0, 0]), f64([0, 0, 0])], { lr: 7 });
    target.checkStateDict(opt.stateDict());
    expect(target.lr).toBe(7);
    expect(() => new SGD([zeros([1])], { lr: 1 }).checkStateDict(opt.stateDict())).toThrow(StateDictError);
  });
});
