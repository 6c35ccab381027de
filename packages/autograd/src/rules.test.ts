import {
  abs, add, astype, broadcastTo, clip, concat, div, exp, Generator, gather, gemm, gt, indexAdd,
  indexSelect, log, logSoftmax, logsumexp, matmul, max, maximum, mean, min, minimum, mul, neg, OP_NAMES, pad,
  permute, pow, rand, randn, relu, reshape, scatterAdd, sigmoid, slice, softmax, split, sqrt, square,
  stack, sub, sum, type Tensor, tanh, tensor, transpose, variance, where,
} from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { gradcheck } from './gradcheck.js';
import { RULES } from './rules.js';
import './index.js';

const g = new Generator(7);
const r = (shape: number[], scale = 1): Tensor => randn(shape, { dtype: 'float64', generator: g, std: scale });
const pos = (shape: number[]): Tensor => rand(shape, { dtype: 'float64', generator: g, low: 0.5, high: 2 });
const ids = (v: number[], shape?: number[]): Tensor => tensor(v, shape, 'int32');

function check(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const report = gradcheck(f, inputs, { atol: 1e-6, rtol: 1e-5 });
  expect(report.checked).toBeGreaterThan(0);
  expect(report.ok, JSON.stringify(report.worst)).toBe(true);
}

// One entry per differentiable op: the test fails if an op gains a rule without a gradcheck case.
const cases: Record<string, () => void> = {
  add: () => check((a, b) => add(a!, b!), [r([2, 3]), r([3])]),
  sub: () => check((a, b) => sub(a!, b!), [r([2, 1]), r([1, 4])]),
  mul: () => check((a, b) => mul(a!, b!), [r([2, 3]), r([2, 1])]),
  div: () => check((a, b) => div(a!, b!), [r([3, 2]), pos([2])]),
  maximum: () => check((a, b) => maximum(a!, b!), [r([4, 3]), r([3])]),
  minimum: () => check((a, b) => minimum(a!, b!), [r([4, 3]), r([4, 1])]),
  where: () => check((a, b) => where(gt(a!, 0), a!, b!), [r([3, 3]), r([3])]),
  neg: () => check((a) => neg(a!), [r([5])]),
  abs: () => check((a) => abs(a!), [r([5])]),
  exp: () => check((a) => exp(a!), [r([5])]),
  log: () => check((a) => log(a!), [pos([5])]),
  sqrt: () => check((a) => sqrt(a!), [pos([5])]),
  square: () => check((a) => square(a!), [r([5])]),
  tanh: () => check((a) => tanh(a!), [r([2, 5])]),
  sigmoid: () => check((a) => sigmoid(a!), [r([2, 5])]),
  relu: () => check((a) => relu(a!), [r([2, 5])]),
  pow: () => check((a) => pow(a!, 2.5), [pos([5])]),
  clip: () => check((a) => clip(a!, -0.5, 0.5), [r([8])]),
  astype: () => check((a) => astype(a!, 'float64').mul(2), [r([3])]),
  sum: () => check((a) => sum(a!, [0, 2], false), [r([2, 3, 4])]),
  max: () => check((a) => max(a!, 1, true), [r([3, 4])]),
  min: () => check((a) => min(a!, [0, 2]), [r([3, 2, 4])]),
  logsumexp: () => check((a) => logsumexp(a!, -1), [r([3, 5])]),
  matmul: () => {
    check((a, b) => matmul(a!, b!), [r([2, 3, 4]), r([4, 5])]);
    check((a, b) => matmul(a!, b!), [r([4]), r([2, 4, 3])]);
    check((a, b) => matmul(a!, b!), [r([3, 4]), r([4])]);
  },
  gemm: () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = transA ? r([4, 3]) : r([3, 4]);
        const b = transB ? r([5, 4]) : r([4, 5]);
        check((x, y, c) => gemm(x!, y!, { transA, transB, alpha: 0.7, beta: 1.3, c }), [a, b, r([3, 5])]);
      }
    }
    // a bias row (5) or (1,5) broadcast over the rows: its gradient sums over them
    check((x, y, c) => gemm(x!, y!, { transB: true, beta: 1.3, c }), [r([3, 4]), r([5, 4]), r([5])]);
    check((x, y, c) => gemm(x!, y!, { beta: 0.5, c }), [r([3, 4]), r([4, 5]), r([1, 5])]);
  },
  softmax: () => check((a) => softmax(a!, 0), [r([3, 4])]),
  logSoftmax: () => check((a) => logSoftmax(a!, -1), [r([3, 4])]),
  reshape: () => { const w = r([3, 4]); check((a) => reshape(a!, [3, -1]).mul(w), [r([2, 6])]); },
  permute: () => { const w = r([4, 2, 3]); check((a) => permute(a!, [2, 0, 1]).mul(w), [r([2, 3, 4])]); },
  slice: () => check((a) => slice(a!, [[null, null, -2], [1, 3]]), [r([5, 4])]),
  broadcastTo: () => check((a) => broadcastTo(a!, [3, 2, 4]), [r([2, 1])]),
  pad: () => check((a) => pad(a!, [[1, 2], [0, 1]], 3), [r([2, 3])]),
  concat: () => check((a, b) => concat([a!, b!], 1), [r([2, 3]), r([2, 2])]),
  indexSelect: () => check((a) => indexSelect(a!, 0, ids([2, 0, 2, 1], [2, 2])), [r([3, 4])]),
  indexAdd: () => check((a, b) => indexAdd(a!, 0, ids([1, 1, 0]), b!), [r([3, 2]), r([3, 2])]),
  gather: () => check((a) => gather(a!, 1, ids([0, 2, 2, 1], [2, 2])), [r([2, 3])]),
  scatterAdd: () => check((a, b) => scatterAdd(a!, 1, ids([0, 0, 2, 1], [2, 2]), b!), [r([2, 3]), r([2, 2])]),
};

describe('gradient rules', () => {
  it('has exactly one entry (a rule or null) per dispatched op name', () => {
    expect(Object.keys(RULES).sort()).toEqual([...OP_NAMES].sort());
  });
  it('every differentiable rule has a gradcheck case', () => {
    const differentiable = Object.entries(RULES).filter(([, rule]) => rule !== null).map(([name]) => name);
    expect(differentiable.filter((n) => !(n in cases))).toEqual([]);
  });
  for (const [name, run] of Object.entries(cases)) it(`${name} passes gradcheck`, run);

  it('composites built from rules pass gradcheck (mean, variance, stack, split, transpose)', () => {
    check((a) => mean(a!, 0).mul(variance(a!, 1).sum()), [r([3, 4])]);
    const w = r([2, 2, 3]);
    check((a, b) => stack([a!, b!], 1).mul(w), [r([2, 3]), r([2, 3])]);
    check((a) => split(a!, [1, 2], 1)[1]!.mul(transpose(a!).slice([1, 3]).transpose()), [r([2, 3])]);
  });

  it('accumulates gradients when a value feeds several ops', () => {
    const x = tensor([2], undefined, 'float64').requiresGrad_();
    const y = add(mul(x, x), mul(x, 3)); // x^2 + 3x
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(7, 12);
  });
});
