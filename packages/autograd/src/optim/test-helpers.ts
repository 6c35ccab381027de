/**
 * Shared by the optimizer tests (not exported from the package): the PyTorch golden values in
 * `fixtures/optim.json` (made by `fixtures/make_optim_fixtures.py`) and a save/restore check.
 */
import { readFileSync } from 'node:fs';
import { type DType, Tensor } from '@unroll/tensor';
import { expect } from 'vitest';
import type { Optimizer } from './optimizer.js';

/** One optimizer case of the fixture: options, initial parameters, then per step grads and params. */
export interface OptimizerCase {
  name: string;
  type: string;
  options: Record<string, number | boolean>;
  init: { w: number[]; b: number[] };
  shapes: { w: number[]; b: number[] };
  steps: { grads: { w: number[]; b: number[] | null }; params: { w: number[]; b: number[] } }[];
}

export interface Fixture {
  torch: string;
  optimizers: OptimizerCase[];
  schedulers: { name: string; type: string; options: Record<string, unknown>; lr: number; lrs: number[] }[];
  clipGradNorm: { maxNorm: number; normType: number | 'Infinity'; grads: number[][]; totalNorm: number; clipped: number[][] }[];
}

/** The parsed fixture. */
export const fixture: Fixture = JSON.parse(readFileSync(new URL('../../fixtures/optim.json', import.meta.url), 'utf8'));

/** The fixture's cases for one optimizer type (at least one, or the test fails). */
export function casesOf(type: string): OptimizerCase[] {
  const cases = fixture.optimizers.filter((c) => c.type === type);
  expect(cases.length).toBeGreaterThan(0);
  return cases;
}

const f64 = (values: number[], shape: number[]) => new Tensor(new Float64Array(values), shape);

/** Runs a fixture case in float64, injecting PyTorch's gradients, and compares params after each step. */
export function expectMatchesTorch(c: OptimizerCase, make: (params: Tensor[]) => Optimizer, tol = 1e-9): void {
  const w = f64(c.init.w, c.shapes.w);
  const b = f64(c.init.b, c.shapes.b);
  const opt = make([w, b]);
  c.steps.forEach((s, k) => {
    w.grad = f64(s.grads.w, c.shapes.w);
    b.grad = s.grads.b === null ? null : f64(s.grads.b, c.shapes.b);
    opt.step();
    for (const [name, p] of [['w', w], ['b', b]] as const) {
      const want = s.params[name];
      Array.from(p.data).forEach((v, j) => {
        if (Math.abs(v - want[j]!) > tol) throw new Error(`${c.name}: step ${k + 1}, ${name}[${j}] = ${v}, PyTorch has ${want[j]}`);
      });
    }
  });
  expect(opt.stepCount).toBe(c.steps.length);
}

/** Deterministic gradients of a non-quadratic loss, so that every step differs. */
function setGrads(params: Tensor[], k: number): void {
  params.forEach((p, i) => {
    if (i === 1 && k === 1) {
      p.grad = null; // a skipped step: per-parameter step counts differ
      return;
    }
    const g = new Tensor(p.data.slice().fill(0), p.shape);
    for (let j = 0; j < p.size; j++) {
      const x = p.data[j]!;
      g.data[j] = Math.sin(3 * x + j + i) + 0.1 * x * x * x - 0.05 * (k + 1);
    }
    p.grad = g;
  });
}

function makeParams(dtype: DType): Tensor[] {
  const arr = (n: number, seed: number) => {
    const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = Math.cos(seed * 7.1 + j * 1.3) * 1.5;
    return out;
  };
  return [new Tensor(arr(6, 1), [2, 3]), new Tensor(arr(4, 2), [4]), new Tensor(arr(1, 3), [])];
}

const bitsOf = (p: Tensor) => Array.from(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));

/**
 * Save at step `k`, restore into fresh parameters and a fresh optimizer built with other
 * hyperparameters (the state must bring its own), continue: the parameters must be bitwise
 * equal to an uninterrupted run's.
 */
export function expectExactResume(make: (params: Tensor[], other: boolean) => Optimizer, dtype: DType, steps = 7, k = 3): void {
  const straight = makeParams(dtype);
  const a = make(straight, false);
  for (let t = 0; t < steps; t++) {
    setGrads(straight, t);
    a.step();
  }

  const first = makeParams(dtype);
  const b = make(first, false);
  for (let t = 0; t < k; t++) {
    setGrads(first, t);
    b.step();
  }
  const saved = b.stateDict();
  const resumed = first.map((p) => new Tensor(p.data.slice(), p.shape));
  // Keep stepping the live optimizer: the saved state must be a copy, unaffected.
  setGrads(first, k);
  b.step();
  const c = make(resumed, true);
  c.loadStateDict(saved);
  expect(c.stepCount).toBe(k);
  for (let t = k; t < steps; t++) {
    setGrads(resumed, t);
    c.step();
  }
  expect(c.stepCount).toBe(steps);
  expect(c.hyperparameters()).toEqual(a.hyperparameters());
  straight.forEach((p, i) => {
    expect(bitsOf(resumed[i]!)).toEqual(bitsOf(p));
  });
  expect(Object.keys(c.stateDict().tensors).sort()).toEqual(Object.keys(a.stateDict().tensors).sort());
}
