import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type BinaryKernel, getBackend, type ReduceKernel, setBackend, type UnaryKernel } from '../backend.js';
import { tensor } from '../creation.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import * as ops from '../ops/index.js';
import { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { expectClose } from './expect-close.js';
import { recurrentLoopCases } from './recurrent-cases.js';

function assertionError(message: string): Error {
  const e = new Error(message);
  e.name = 'AssertionError';
  return e;
}

/** Checks |actual[i] - expected[i]| <= bound[i] (NaN and infinities must match exactly). */
function expectWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, bound: ArrayLike<number>, label: string): void {
  if (actual.length !== expected.length) throw assertionError(`${label}: length ${actual.length} differs from ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= bound[i]! : Number.isNaN(e) ? Number.isNaN(a) : a === e;
    if (!ok) throw assertionError(`${label}: at [${i}] got ${a}, expected ${e} (allowed error ${bound[i]})`);
  }
}

/**
 * The tolerances the conformance suite holds a backend to. References are computed in float64 by
 * naive loops from the very inputs the backend receives (float32 inputs are exactly representable),
 * so float64 results must be near-exact and float32 results may only differ by float32 rounding.
 * gemm and sums use error bounds scaled by the problem instead: see the entries.
 */
export const CONFORMANCE_TOLERANCES = {
  /** unary, binary, activationBackward, LSTM/GRU forward (elementwise, one or a few roundings). */
  elementwise: { float32: { atol: 1e-6, rtol: 1e-5 }, float64: { atol: 1e-12, rtol: 1e-12 } },
  /** softmax and log-softmax (max-shifted; outputs in [0, 1] or log-probabilities). */
  softmax: { float32: { atol: 1e-6, rtol: 1e-5 }, float64: { atol: 1e-13, rtol: 1e-12 } },
  /**
   * Reductions over n elements (any summation order): atol is `perElement * n`, so a float32 sum of
   * 1000 values in [-1, 1] may be 1e-3 off; max/min/argmax/argmin must be exact.
   */
  reduce: { float32: { perElement: 1e-6, rtol: 1e-5 }, float64: { perElement: 1e-14, rtol: 1e-12 } },
  /**
   * gemm, per element of C: |C - ref| <= 2 (k + 4) u (sum_p |alpha a_ip b_pj| + |beta c_ij|) + 1e-30,
   * the classic forward error bound of a dot product, u = 2^-24 (float32) or 2^-53 (float64).
   */
  gemmUnitRoundoff: { float32: 2 ** -24, float64: 2 ** -53 },
  /** LSTM/GRU backward against central finite differences (eps 1e-6) of a float64 reference forward. */
  recurrentBackward: { float32: { atol: 1e-5, rtol: 1e-4 }, float64: { atol: 1e-7, rtol: 1e-6 } },
  /**
   * The time loops (`recurrentForward`, `recurrentBackward`, or the reference loops over the
   * backend's kernels) against the reference loops over the JS kernels in float64, over a few steps.
   */
  recurrentLoop: { float32: { atol: 1e-5, rtol: 1e-4 }, float64: { atol: 1e-12, rtol: 1e-12 } },
  /** copyStrided and where move data: exact. */
  movement: { atol: 0, rtol: 0 },
} as const;

type FloatDType = 'float32' | 'float64';
const FLOAT_DTYPES: readonly FloatDType[] = ['float32', 'float64'];

// ---------------------------------------------------------------------------------------------
// Naive float64 references
// ---------------------------------------------------------------------------------------------

/** @internal Number of elements of a shape (naive). */
export function prod(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]!; }
  return s;
}

/** @internal Calls f with every multi-index of `shape` in row-major order. */
export function forEachIndex(shape: readonly number[], f: (idx: readonly number[], flat: number) => void): void {
  const total = prod(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < total; k++) {
    f(idx, k);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** @internal Flat index into a contiguous array of `shape` read through broadcasting at output index `idx`. */
export function broadcastIndex(shape: readonly number[], idx: readonly number[]): number {
  const off = idx.length - shape.length;
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + (shape[d] === 1 ? 0 : idx[off + d]!);
  return flat;
}

/** The broadcast strides the caller of `binary`/`where` passes (0 on broadcast dims). */
function callerStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const s = contiguousStrides(shape);
  const out = new Array<number>(outShape.length).fill(0);
  const off = outShape.length - shape.length;
  for (let d = 0; d < shape.length; d++) out[off + d] = shape[d] === 1 ? 0 : s[d]!;
  return out;
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

function refUnary(op: UnaryKernel, v: number, p0: number, p1: number): number {
  switch (op) {
    case 'neg': return -v;
    case 'abs': return Math.abs(v);
    case 'exp': return Math.exp(v);
    case 'log': return Math.log(v);
    case 'sqrt': return Math.sqrt(v);
    case 'tanh': return Math.tanh(v);
    case 'sigmoid': return sig(v);
    case 'relu': return v > 0 ? v : 0;
    case 'sign': return v > 0 ? 1 : v < 0 ? -1 : 0;
    case 'square': return v * v;
    case 'reciprocal': return 1 / v;
    case 'pow': return v ** p0;
    case 'clip': return Math.min(Math.max(v, p0), p1);
    case 'sin': return Math.sin(v);
    case 'cos': return Math.cos(v);
    case 'floor': return Math.floor(v);
    case 'copy': return v;
    case 'step': return v > 0 ? 1 : 0;
  }
}

function refBinary(op: BinaryKernel, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'maximum': return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
    case 'minimum': return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b);
    case 'pow': return a ** b;
    case 'eq': return a === b ? 1 : 0;
    case 'ne': return a !== b ? 1 : 0;
    case 'lt': return a < b ? 1 : 0;
    case 'le': return a <= b ? 1 : 0;
    case 'gt': return a > b ? 1 : 0;
    case 'ge': return a >= b ? 1 : 0;
  }
}

/** Reference reduce of the (outer, n, inner) view; NaN propagates, arg-reductions pick the first NaN or the first extremum. */
function refReduce(op: ReduceKernel, x: ArrayLike<number>, outer: number, n: number, inner: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const row: number[] = [];
      for (let i = 0; i < n; i++) row.push(x[(o * n + i) * inner + j]!);
      const hasNaN = row.some(Number.isNaN);
      switch (op) {
        case 'sum': out.push(row.reduce((p, v) => p + v, 0)); break;
        case 'max': out.push(hasNaN ? Number.NaN : Math.max(...row)); break;
        case 'min': out.push(hasNaN ? Number.NaN : Math.min(...row)); break;
        case 'argmax':
        case 'argmin': {
          if (hasNaN) { out.push(row.findIndex(Number.isNaN)); break; }
          let best = 0;
          for (let i = 1; i < n; i++) if (op === 'argmax' ? row[i]! > row[best]! : row[i]! < row[best]!) best = i;
          out.push(best);
          break;
        }
        case 'logsumexp': {
          if (hasNaN) { out.push(Number.NaN); break; }
          const m = Math.max(...row);
          if (!Number.isFinite(m)) { out.push(m); break; }
          out.push(m + Math.log(row.reduce((p, v) => p + Math.exp(v - m), 0)));
          break;
        }
      }
    }
  }
  return out;
}

function refSoftmaxRows(x: ArrayLike<number>, rows: number, cols: number, log: boolean): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, (_, j) => x[r * cols + j]!);
    const m = Math.max(...row);
    const s = row.reduce((p, v) => p + Math.exp(v - m), 0);
    for (const v of row) out.push(log ? v - m - Math.log(s) : Math.exp(v - m) / s);
  }
  return out;
}

/** op(X)[i][j] of a stored matrix with leading dimension ld at offset. */
function opAt(x: ArrayLike<number>, off: number, ld: number, trans: boolean, i: number, j: number): number {
  return trans ? x[off + j * ld + i]! : x[off + i * ld + j]!;
}

function lstmRef(B: number, H: number, pre: ArrayLike<number>, cPrev: ArrayLike<number>) {
  const gates = new Float64Array(4 * B * H);
  const c = new Float64Array(B * H);
  const h = new Float64Array(B * H);
  const tanhC = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const at = (g: number): number => pre[b * 4 * H + g * H + j]!;
      const i = sig(at(0)), f = sig(at(1)), g = Math.tanh(at(2)), o = sig(at(3));
      gates[b * 4 * H + j] = i;
      gates[b * 4 * H + H + j] = f;
      gates[b * 4 * H + 2 * H + j] = g;
      gates[b * 4 * H + 3 * H + j] = o;
      const cv = f * cPrev[b * H + j]! + i * g;
      c[b * H + j] = cv;
      tanhC[b * H + j] = Math.tanh(cv);
      h[b * H + j] = o * Math.tanh(cv);
    }
  }
  return { gates, c, h, tanhC };
}

function gruRef(B: number, H: number, gi: ArrayLike<number>, gh: ArrayLike<number>, hPrev: ArrayLike<number>) {
  const act = new Float64Array(3 * B * H);
  const h = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      const at = (x: ArrayLike<number>, g: number): number => x[b * 3 * H + g * H + j]!;
      const r = sig(at(gi, 0) + at(gh, 0));
      const z = sig(at(gi, 1) + at(gh, 1));
      const n = Math.tanh(at(gi, 2) + r * at(gh, 2));
      act[b * 3 * H + j] = r;
      act[b * 3 * H + H + j] = z;
      act[b * 3 * H + 2 * H + j] = n;
      h[b * H + j] = (1 - z) * n + z * hPrev[b * H + j]!;
    }
  }
  return { act, h };
}

/** Central finite differences of a scalar function with respect to every element of `x`. */
function numericGrad(x: Float64Array, f: () => number, eps = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v + eps;
    const fp = f();
    x[i] = v - eps;
    const fm = f();
    x[i] = v;
    g[i] = (fp - fm) / (2 * eps);
  }
  return g;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

function uniform(dtype: DType, n: number, g: Generator, lo = -1, hi = 1): TypedArray {
  const a = allocArray(dtype, n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * g.random();
  return a;
}

/** Values from a small set (so comparisons see ties), or rounded to 2 decimals. */
function gridValues(dtype: DType, n: number, g: Generator, ties: boolean): TypedArray {
  const a = allocArray(dtype, n);
  for (let i = 0; i < n; i++) a[i] = ties ? g.randint(-3, 4) : g.randint(-300, 301) / 100;
  return a;
}

const toF64 = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);

const UNARY_CASES: readonly { op: UnaryKernel; lo: number; hi: number; p0?: number; p1?: number }[] = [
  { op: 'neg', lo: -5, hi: 5 }, { op: 'abs', lo: -5, hi: 5 }, { op: 'exp', lo: -20, hi: 20 },
  { op: 'log', lo: 1e-3, hi: 100 }, { op: 'sqrt', lo: 0, hi: 100 }, { op: 'tanh', lo: -10, hi: 10 },
  { op: 'sigmoid', lo: -30, hi: 30 }, { op: 'relu', lo: -5, hi: 5 }, { op: 'sign', lo: -5, hi: 5 },
  { op: 'square', lo: -10, hi: 10 }, { op: 'reciprocal', lo: 0.1, hi: 10 }, { op: 'pow', lo: 0.01, hi: 4, p0: 2.5 },
  { op: 'pow', lo: -3, hi: 3, p0: 3 }, { op: 'pow', lo: 0.1, hi: 4, p0: -1 }, { op: 'clip', lo: -3, hi: 3, p0: -0.5, p1: 0.75 },
  { op: 'sin', lo: -6, hi: 6 }, { op: 'cos', lo: -6, hi: 6 }, { op: 'floor', lo: -5, hi: 5 }, { op: 'copy', lo: -5, hi: 5 },
  { op: 'step', lo: -5, hi: 5 },
];

const BINARY_OPS: readonly BinaryKernel[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const COMPARISONS = new Set<BinaryKernel>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** [a shape, b shape]: equal shapes, scalars, size-1 and missing dimensions, empty tensors. */
const BROADCAST_CASES: readonly (readonly [number[], number[]])[] = [
  [[], []], [[7], []], [[], [5]], [[2, 3], [2, 3]], [[2, 3], [3]], [[2, 3], [2, 1]], [[1, 3], [4, 1]],
  [[5, 1, 4], [3, 1]], [[2, 1, 3, 1], [1, 4, 1, 5]], [[3, 1], [3, 17]], [[1], [2, 2, 2, 2, 3]], [[0, 3], [3]], [[4, 0], [1, 1]],
  [[6, 33], [6, 33]],
];

/**
 * Registers a vitest suite that holds a {@link Backend} to the reference semantics of every kernel
 * (unary, binary and where with broadcast strides, reduce incl. arg-reductions, logsumexp and NaN
 * propagation, gemm with every transpose, offsets, padded leading dimensions, alpha/beta and large
 * blocked sizes, copyStrided, softmax, activationBackward, LSTM and GRU steps and their backward
 * passes) in float32 and float64, against naive float64 loops written here, with the tolerances
 * in {@link CONFORMANCE_TOLERANCES}. It then selects the backend with `setBackend` and runs a few
 * high-level ops end to end, restoring the previous backend afterwards.
 *
 * Call it at the top level of a test file; `makeBackend` runs once, before the suite's tests.
 *
 * @example
 * ```ts
 * // my-backend.test.ts (run with `vitest run`)
 * import { jsBackend } from '@unroll/tensor';
 * import { describeBackendConformance } from '@unroll/tensor/testing';
 *
 * describeBackendConformance('js', jsBackend);
 * ```
 */
export function describeBackendConformance(name: string, makeBackend: () => Backend): void {
  describe(`backend conformance: ${name}`, () => {
    let be: Backend;
    beforeAll(() => {
      be = makeBackend();
    });

    it('has a name', () => {
      expect(typeof be.name).toBe('string');
      expect(be.name.length).toBeGreaterThan(0);
    });

    for (const dtype of FLOAT_DTYPES) {
      const tol = CONFORMANCE_TOLERANCES.elementwise[dtype];
      describe(dtype, () => {
        it('unary kernels match their definitions', () => {
          const g = new Generator(1);
          for (const c of UNARY_CASES) {
            for (const n of [0, 1, 7, 64, 1001]) {
              const x = uniform(dtype, n, g, c.lo, c.hi);
              const out = allocArray(dtype, n).fill(Number.NaN);
              be.unary(c.op, x, out, c.p0, c.p1);
              const ref = Array.from(x, (v) => refUnary(c.op, v, c.p0 ?? 0, c.p1 ?? 0));
              expectClose(out, ref, { ...tol, label: `unary ${c.op} n=${n}` });
            }
          }
        });

        it('unary kernels may write in place (out aliases x)', () => {
          const g = new Generator(2);
          for (const op of ['exp', 'tanh', 'sigmoid', 'neg', 'square', 'relu'] as const) {
            const x = uniform(dtype, 50, g, -3, 3);
            const ref = Array.from(x, (v) => refUnary(op, v, 0, 0));
            be.unary(op, x, x);
            expectClose(x, ref, { ...tol, label: `unary ${op} in place` });
          }
        });

        it('binary kernels read through broadcast strides', () => {
          const g = new Generator(3);
          for (const op of BINARY_OPS) {
            for (const [sa, sb] of BROADCAST_CASES) {
              const outShape = broadcastPair(sa, sb);
              const ties = COMPARISONS.has(op) || op === 'maximum' || op === 'minimum';
              const a = op === 'pow' ? uniform(dtype, prod(sa), g, 0.1, 3) : gridValues(dtype, prod(sa), g, ties);
              const b = op === 'pow' ? uniform(dtype, prod(sb), g, -2, 2) : gridValues(dtype, prod(sb), g, ties);
              if (op === 'div') for (let i = 0; i < b.length; i++) if (b[i] === 0) b[i] = 0.5;
              const out = allocArray(COMPARISONS.has(op) ? 'int32' : dtype, prod(outShape));
              be.binary(op, a, callerStrides(sa, outShape), b, callerStrides(sb, outShape), out, outShape);
              const ref: number[] = [];
              forEachIndex(outShape, (idx) => ref.push(refBinary(op, a[broadcastIndex(sa, idx)]!, b[broadcastIndex(sb, idx)]!)));
              expectClose(out, ref, { ...tol, label: `binary ${op} (${sa}) with (${sb})` });
            }
          }
        });

        it('binary kernels propagate NaN through maximum and minimum', () => {
          const a = allocArray(dtype, 4);
          a.set([Number.NaN, 1, Number.NaN, 2]);
          const b = allocArray(dtype, 4);
          b.set([1, Number.NaN, Number.NaN, 3]);
          for (const op of ['maximum', 'minimum', 'add'] as const) {
            const out = allocArray(dtype, 4);
            be.binary(op, a, [1], b, [1], out, [4]);
            expectClose(out, [Number.NaN, Number.NaN, Number.NaN, refBinary(op, 2, 3)], { ...tol, label: `${op} with NaN` });
          }
        });

        it('binary kernels accept mixed input dtypes (the ops promote)', () => {
          const g = new Generator(4);
          const other: DType = dtype === 'float32' ? 'float64' : 'float32';
          for (const [sa, sb] of BROADCAST_CASES.slice(3, 9)) {
            const outShape = broadcastPair(sa, sb);
            const a = gridValues('int32', prod(sa), g, false);
            const b = gridValues(other, prod(sb), g, false);
            for (const op of ['add', 'mul', 'sub', 'lt'] as const) {
              const out = allocArray(op === 'lt' ? 'int32' : dtype, prod(outShape));
              be.binary(op, a, callerStrides(sa, outShape), b, callerStrides(sb, outShape), out, outShape);
              const ref: number[] = [];
              forEachIndex(outShape, (idx) => ref.push(refBinary(op, a[broadcastIndex(sa, idx)]!, b[broadcastIndex(sb, idx)]!)));
              expectClose(out, ref, { ...tol, label: `binary ${op} int32 (${sa}) with ${other} (${sb}) into ${dtype}` });
            }
          }
        });

        it('where picks a where cond != 0, else b, with broadcasting', () => {
          const g = new Generator(5);
          const cases: readonly (readonly [number[], number[], number[]])[] = [
            [[], [], []], [[4], [4], [4]], [[3, 1], [1, 4], []], [[2, 3, 4], [4], [3, 1]], [[1], [5, 2], [2]], [[0, 2], [2], [1]],
          ];
          for (const condDType of ['int32', dtype] as const) {
            for (const [sc, sa, sb] of cases) {
              const outShape = broadcastPair(broadcastPair(sc, sa), sb);
              const cond = allocArray(condDType, prod(sc));
              for (let i = 0; i < cond.length; i++) cond[i] = g.random() < 0.5 ? 0 : condDType === 'int32' ? 1 : -0.25;
              const a = uniform(dtype, prod(sa), g);
              const b = uniform(dtype, prod(sb), g);
              const out = allocArray(dtype, prod(outShape));
              be.where(cond, callerStrides(sc, outShape), a, callerStrides(sa, outShape), b, callerStrides(sb, outShape), out, outShape);
              const ref: number[] = [];
              forEachIndex(outShape, (idx) => ref.push(cond[broadcastIndex(sc, idx)] !== 0 ? a[broadcastIndex(sa, idx)]! : b[broadcastIndex(sb, idx)]!));
              expectClose(out, ref, { ...CONFORMANCE_TOLERANCES.movement, label: `where cond ${condDType} (${sc}) a (${sa}) b (${sb})` });
            }
          }
        });

        it('reduce kernels over (outer, n, inner) views', () => {
          const g = new Generator(6);
          const t = CONFORMANCE_TOLERANCES.reduce[dtype];
          const shapes: readonly (readonly [number, number, number])[] = [
            [1, 1, 1], [1, 5, 1], [3, 5, 1], [1, 7, 4], [2, 3, 4], [4, 1, 3], [2, 33, 3], [1, 1000, 1], [3, 257, 2], [0, 3, 2], [2, 3, 0],
          ];
          for (const op of ['sum', 'max', 'min', 'argmax', 'argmin', 'logsumexp'] as const) {
            for (const [outer, n, inner] of shapes) {
              const x = op === 'argmax' || op === 'argmin' ? gridValues(dtype, outer * n * inner, g, true) : uniform(dtype, outer * n * inner, g);
              const isArg = op === 'argmax' || op === 'argmin';
              const out = allocArray(isArg ? 'int32' : dtype, outer * inner).fill(-7);
              be.reduce(op, x, outer, n, inner, out);
              const exact = op !== 'sum' && op !== 'logsumexp';
              expectClose(out, refReduce(op, x, outer, n, inner), {
                atol: exact ? 0 : t.perElement * Math.max(n, 1), rtol: exact ? 0 : t.rtol, label: `reduce ${op} (${outer},${n},${inner})`,
              });
            }
          }
        });

        it('reduce over an empty axis gives the identity (sum 0, logsumexp -Infinity)', () => {
          const x = allocArray(dtype, 0);
          const out = allocArray(dtype, 6).fill(5);
          be.reduce('sum', x, 2, 0, 3, out);
          expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
          be.reduce('logsumexp', x, 2, 0, 3, out);
          expect(Array.from(out)).toEqual(new Array(6).fill(Number.NEGATIVE_INFINITY));
        });

        it('reduce propagates NaN; arg-reductions return the first NaN, else the first extremum', () => {
          const NaN_ = Number.NaN;
          const rows: readonly number[][] = [
            [NaN_, 1, 2], [1, NaN_, 2], [1, 2, NaN_], [NaN_, NaN_, NaN_], [3, 1, 3], [1, 1, 0], [-Infinity, -Infinity, -Infinity],
            [-Infinity, NaN_, -Infinity], [1, Infinity, 2], [NaN_, Infinity, -Infinity],
          ];
          for (const op of ['sum', 'max', 'min', 'argmax', 'argmin', 'logsumexp'] as const) {
            // rows laid out along the reduced (middle) axis: x[o, i, j] with inner = 2 copies
            const outer = rows.length;
            const x = allocArray(dtype, outer * 3 * 2);
            rows.forEach((r, o) => {
              r.forEach((v, i) => {
                x[(o * 3 + i) * 2] = v;
                x[(o * 3 + i) * 2 + 1] = v;
              });
            });
            const out = allocArray(op === 'argmax' || op === 'argmin' ? 'int32' : dtype, outer * 2);
            be.reduce(op, x, outer, 3, 2, out);
            expectClose(out, refReduce(op, x, outer, 3, 2), { atol: 0, rtol: op === 'logsumexp' ? 1e-6 : 0, label: `reduce ${op} with NaN/Inf` });
          }
        });

        it('logsumexp stays finite for huge inputs', () => {
          const big = dtype === 'float32' ? 1e4 : 1e300;
          const x = allocArray(dtype, 4);
          x.set([big, big, -big, big / 2]);
          const out = allocArray(dtype, 1);
          be.reduce('logsumexp', x, 1, 4, 1, out);
          expect(Number.isFinite(out[0]!)).toBe(true);
          expectClose(out, [x[0]! + Math.log(2)], { atol: 0, rtol: 1e-6, label: 'logsumexp huge' });
        });

        it('gemm: every transpose combination, offsets, padded leading dimensions, alpha and beta', () => {
          const g = new Generator(7);
          const sizes: readonly (readonly [number, number, number])[] = [
            [1, 1, 1], [2, 3, 4], [4, 4, 4], [5, 7, 3], [13, 9, 17], [1, 33, 1], [33, 1, 5], [3, 5, 1], [0, 3, 4], [3, 0, 4], [3, 4, 0], [65, 70, 300],
          ];
          const scalars: readonly (readonly [number, number])[] = [[1, 0], [-0.75, 0.5], [2, 1], [0, 0.5], [1.5, -1]];
          let k = 0;
          for (const [m, n, kk] of sizes) {
            for (const transA of [false, true]) {
              for (const transB of [false, true]) {
                const [alpha, beta] = scalars[k++ % scalars.length]!;
                checkGemm(be, g, dtype, { m, n, k: kk, transA, transB, alpha, beta, padded: k % 2 === 0 });
                checkGemm(be, g, dtype, { m, n, k: kk, transA, transB, alpha, beta, padded: k % 2 === 1 });
              }
            }
          }
        });

        it('gemm: sizes larger than the block sizes and not multiples of 4 (m=70, n=530, k=260)', () => {
          const g = new Generator(8);
          for (const transA of [false, true]) {
            for (const transB of [false, true]) {
              checkGemm(be, g, dtype, { m: 70, n: 530, k: 260, transA, transB, alpha: 1, beta: 0, padded: transA !== transB });
            }
          }
          checkGemm(be, g, dtype, { m: 67, n: 9, k: 517, transA: true, transB: false, alpha: 0.5, beta: 1, padded: true });
        });

        it('gemm with beta = 0 ignores C (NaN included); with beta != 0 it accumulates', () => {
          const g = new Generator(9);
          for (const transA of [false, true]) {
            for (const transB of [false, true]) {
              checkGemm(be, g, dtype, { m: 6, n: 5, k: 7, transA, transB, alpha: 1, beta: 0, padded: true, cFill: Number.NaN });
            }
          }
          // alpha = 0 and k = 0 leave beta * C
          checkGemm(be, g, dtype, { m: 6, n: 5, k: 7, transA: false, transB: false, alpha: 0, beta: 1, padded: true });
          checkGemm(be, g, dtype, { m: 6, n: 5, k: 0, transA: false, transB: true, alpha: 1, beta: -2, padded: false });
        });

        it('copyStrided copies any strided view (permuted, reversed, stepped, broadcast, 0-d, empty)', () => {
          const g = new Generator(10);
          const src = uniform(dtype, 200, g);
          const cases: readonly { offset: number; strides: number[]; shape: number[]; dstOffset?: number }[] = [
            { offset: 0, strides: [12, 4, 1], shape: [2, 3, 4] },
            { offset: 0, strides: [1, 4, 12], shape: [4, 3, 2] },
            { offset: 11, strides: [-4, -1], shape: [3, 4] },
            { offset: 1, strides: [8, 2], shape: [2, 3] },
            { offset: 3, strides: [0, 1], shape: [3, 4] },
            { offset: 0, strides: [1, 0], shape: [3, 4] },
            { offset: 5, strides: [], shape: [] },
            { offset: 0, strides: [3, 1], shape: [0, 3] },
            { offset: 2, strides: [30, 1, 10, 3], shape: [2, 2, 3, 3], dstOffset: 7 },
            { offset: 0, strides: [60, 20, 5, 1, 0], shape: [2, 3, 4, 5, 2] },
            { offset: 199, strides: [-7], shape: [28] },
          ];
          for (const c of cases) {
            const total = prod(c.shape);
            const dstOffset = c.dstOffset ?? 0;
            const dst = allocArray(dtype, total + dstOffset + 3).fill(-99);
            be.copyStrided(src, c.offset, c.strides, c.shape, dst, dstOffset);
            const ref = new Array<number>(dst.length).fill(-99);
            forEachIndex(c.shape, (idx, flat) => {
              ref[dstOffset + flat] = src[c.offset + idx.reduce((p, v, d) => p + v * c.strides[d]!, 0)]!;
            });
            expectClose(dst, ref, { ...CONFORMANCE_TOLERANCES.movement, label: `copyStrided shape (${c.shape}) strides (${c.strides})` });
          }
          // float64 source into a float32 or float64 destination (in-place accumulation does this)
          const s64 = uniform('float64', 6, g);
          const d = allocArray(dtype, 6);
          be.copyStrided(s64, 0, [1, 3], [3, 2], d, 0);
          expectClose(d, [s64[0]!, s64[3]!, s64[1]!, s64[4]!, s64[2]!, s64[5]!], { ...tol, label: 'copyStrided float64 source' });
        });

        it('softmax and log-softmax over rows', () => {
          const g = new Generator(11);
          const t = CONFORMANCE_TOLERANCES.softmax[dtype];
          for (const [rows, cols] of [[1, 1], [3, 5], [4, 17], [2, 1000], [0, 4]] as const) {
            for (const log of [false, true]) {
              const x = uniform(dtype, rows * cols, g, -5, 5);
              const out = allocArray(dtype, rows * cols);
              be.softmax(x, rows, cols, out, log);
              expectClose(out, refSoftmaxRows(x, rows, cols, log), { ...t, label: `${log ? 'log-' : ''}softmax (${rows},${cols})` });
              if (!log) {
                for (let r = 0; r < rows; r++) {
                  let s = 0;
                  for (let j = 0; j < cols; j++) s += out[r * cols + j]!;
                  expect(Math.abs(s - 1)).toBeLessThanOrEqual(dtype === 'float32' ? 1e-5 : 1e-12);
                }
              }
            }
          }
        });

        it('softmax is stable for huge logits (1e4) and masked (-Infinity) entries', () => {
          // log-softmax subtracts numbers of magnitude 1e4: allow a few units of roundoff of 1e4
          const t = { ...CONFORMANCE_TOLERANCES.softmax[dtype] };
          t.atol += 4 * CONFORMANCE_TOLERANCES.gemmUnitRoundoff[dtype] * 1e4;
          const x = allocArray(dtype, 8);
          x.set([1e4, 1e4 - 1, -1e4, 0, -Infinity, 3, -Infinity, -Infinity]);
          for (const log of [false, true]) {
            const out = allocArray(dtype, 8);
            be.softmax(x, 2, 4, out, log);
            expect(Array.from(out).some(Number.isNaN)).toBe(false);
            expectClose(out, refSoftmaxRows(x, 2, 4, log), { ...t, label: `${log ? 'log-' : ''}softmax huge/masked` });
          }
        });

        it('activationBackward multiplies by the derivative given the output', () => {
          const g = new Generator(12);
          for (const kind of ['tanh', 'relu', 'sigmoid'] as const) {
            const x = Array.from({ length: 41 }, () => -4 + 8 * g.random());
            const y = allocArray(dtype, 41);
            y.set(x.map((v) => (kind === 'tanh' ? Math.tanh(v) : kind === 'relu' ? Math.max(v, 0) : sig(v))));
            const dy = uniform(dtype, 41, g);
            const ref = Array.from(y, (v, i) => dy[i]! * (kind === 'tanh' ? 1 - v * v : kind === 'relu' ? (v > 0 ? 1 : 0) : v * (1 - v)));
            const out = allocArray(dtype, 41);
            be.activationBackward(kind, y, dy, out);
            expectClose(out, ref, { ...tol, label: `activationBackward ${kind}` });
            be.activationBackward(kind, y, dy, dy); // out aliases dy
            expectClose(dy, ref, { ...tol, label: `activationBackward ${kind} in place` });
          }
        });

        it('lstmForward: gates i,f,g,o; c = f*cPrev + i*g; h = o*tanh(c)', () => {
          const g = new Generator(13);
          for (const [B, H] of [[1, 1], [3, 5], [2, 17]] as const) {
            const pre = uniform(dtype, 4 * B * H, g, -3, 3);
            const cPrev = uniform(dtype, B * H, g, -2, 2);
            const ref = lstmRef(B, H, pre, cPrev);
            const gates = pre.slice();
            const c = allocArray(dtype, B * H), h = allocArray(dtype, B * H), tanhC = allocArray(dtype, B * H);
            be.lstmForward(B, H, gates, cPrev, c, h, tanhC);
            expectClose(gates, ref.gates, { ...tol, label: `lstm gates B=${B} H=${H}` });
            expectClose(c, ref.c, { ...tol, label: 'lstm c' });
            expectClose(h, ref.h, { ...tol, label: 'lstm h' });
            expectClose(tanhC, ref.tanhC, { ...tol, label: 'lstm tanhC' });
          }
        });

        it('lstmBackward matches central finite differences of the forward', () => {
          const g = new Generator(14);
          const t = CONFORMANCE_TOLERANCES.recurrentBackward[dtype];
          for (const [B, H] of [[1, 1], [2, 3], [3, 4]] as const) {
            const preT = uniform(dtype, 4 * B * H, g, -2, 2);
            const cPrevT = uniform(dtype, B * H, g, -1.5, 1.5);
            const wh = uniform(dtype, B * H, g), wc = uniform(dtype, B * H, g);
            const pre = toF64(preT), cPrev = toF64(cPrevT);
            const loss = (): number => { const r = lstmRef(B, H, pre, cPrev); return dot(r.h, wh) + dot(r.c, wc); };
            const dPre = numericGrad(pre, loss);
            const dcPrev = numericGrad(cPrev, loss);

            const gates = preT.slice();
            const c = allocArray(dtype, B * H), h = allocArray(dtype, B * H), tanhC = allocArray(dtype, B * H);
            be.lstmForward(B, H, gates, cPrevT, c, h, tanhC);
            const dc = wc.slice();
            const dGates = allocArray(dtype, 4 * B * H);
            be.lstmBackward(B, H, gates, cPrevT, tanhC, wh, dc, dGates);
            expectClose(dGates, dPre, { ...t, label: `lstm dGates B=${B} H=${H}` });
            expectClose(dc, dcPrev, { ...t, label: `lstm dc -> dcPrev B=${B} H=${H}` });
          }
        });

        it("gruForward: PyTorch's r, z, n and h = (1-z)*n + z*hPrev; gh is kept", () => {
          const g = new Generator(15);
          for (const [B, H] of [[1, 1], [3, 5], [2, 17]] as const) {
            const gi0 = uniform(dtype, 3 * B * H, g, -3, 3);
            const gh0 = uniform(dtype, 3 * B * H, g, -3, 3);
            const hPrev = uniform(dtype, B * H, g);
            const ref = gruRef(B, H, gi0, gh0, hPrev);
            const gi = gi0.slice(), gh = gh0.slice(), h = allocArray(dtype, B * H);
            be.gruForward(B, H, gi, gh, hPrev, h);
            expectClose(gi, ref.act, { ...tol, label: `gru r,z,n B=${B} H=${H}` });
            expectClose(h, ref.h, { ...tol, label: 'gru h' });
            expectClose(gh, gh0, { ...CONFORMANCE_TOLERANCES.movement, label: 'gru gh unchanged' });
          }
        });

        it('gruBackward matches central finite differences of the forward', () => {
          const g = new Generator(16);
          const t = CONFORMANCE_TOLERANCES.recurrentBackward[dtype];
          for (const [B, H] of [[1, 1], [2, 3], [3, 4]] as const) {
            const giT = uniform(dtype, 3 * B * H, g, -2, 2);
            const ghT = uniform(dtype, 3 * B * H, g, -2, 2);
            const hPrevT = uniform(dtype, B * H, g);
            const wh = uniform(dtype, B * H, g);
            const gi64 = toF64(giT), gh64 = toF64(ghT), hPrev64 = toF64(hPrevT);
            const loss = (): number => dot(gruRef(B, H, gi64, gh64, hPrev64).h, wh);
            const dGiRef = numericGrad(gi64, loss);
            const dGhRef = numericGrad(gh64, loss);
            const dhPrevRef = numericGrad(hPrev64, loss);

            const gi = giT.slice(), gh = ghT.slice(), h = allocArray(dtype, B * H);
            be.gruForward(B, H, gi, gh, hPrevT, h);
            const dGi = allocArray(dtype, 3 * B * H), dGh = allocArray(dtype, 3 * B * H);
            const dhPrev0 = uniform(dtype, B * H, g);
            const dhPrev = dhPrev0.slice();
            be.gruBackward(B, H, gi, gh, hPrevT, wh, dGi, dGh, dhPrev);
            expectClose(dGi, dGiRef, { ...t, label: `gru dGi B=${B} H=${H}` });
            expectClose(dGh, dGhRef, { ...t, label: `gru dGh B=${B} H=${H}` });
            expectClose(Array.from(dhPrev, (v, i) => v - dhPrev0[i]!), dhPrevRef, { ...t, label: `gru dhPrev (added) B=${B} H=${H}` });
          }
        });

        it('recurrentForward and recurrentBackward (or the reference loops over these kernels) match the reference loops over the JS kernels', () => {
          // every cell kind, forward and reverse, with lengths; the backward's per-step norms too
          const t = CONFORMANCE_TOLERANCES.recurrentLoop[dtype];
          const cases = recurrentLoopCases(be, dtype, 19);
          expect(cases.length).toBeGreaterThan(0);
          for (const c of cases) expectClose(c.actual, c.expected, { ...t, label: `${c.label} (${be.recurrentForward ? 'recurrentForward' : 'loop'})` });
        });
      });
    }

    it('int32 kernels: arithmetic, comparisons and reductions stay exact', () => {
      const g = new Generator(17);
      const a = gridValues('int32', 12, g, true);
      const b = gridValues('int32', 4, g, true);
      for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', 'eq', 'lt', 'ge'] as const) {
        const out = allocArray('int32', 12);
        be.binary(op, a, [4, 1], b, [0, 1], out, [3, 4]);
        const ref: number[] = [];
        forEachIndex([3, 4], (idx) => ref.push(refBinary(op, a[idx[0]! * 4 + idx[1]!]!, b[idx[1]!]!)));
        expectClose(out, ref, { atol: 0, rtol: 0, label: `int32 ${op}` });
      }
      for (const op of ['sum', 'max', 'min', 'argmax', 'argmin'] as const) {
        const out = allocArray('int32', 4);
        be.reduce(op, a, 1, 3, 4, out);
        expectClose(out, refReduce(op, a, 1, 3, 4), { atol: 0, rtol: 0, label: `int32 reduce ${op}` });
      }
      for (const op of ['neg', 'abs', 'relu', 'square', 'sign'] as const) {
        const out = allocArray('int32', 12);
        be.unary(op, a, out);
        expectClose(out, Array.from(a, (v) => refUnary(op, v, 0, 0)), { atol: 0, rtol: 0, label: `int32 unary ${op}` });
      }
      const f = allocArray('float32', 12);
      be.unary('exp', a, f); // int32 in, float32 out (the ops do this)
      expectClose(f, Array.from(a, Math.exp), { ...CONFORMANCE_TOLERANCES.elementwise.float32, label: 'exp of int32' });
    });

    it('int32 kernels wrap in two\'s complement like NumPy and PyTorch int32 (mul and square exactly)', () => {
      const I32_MIN = -(2 ** 31);
      const I32_MAX = 2 ** 31 - 1;
      const wrap = (v: bigint): number => Number(BigInt.asIntN(32, v));
      // pairs whose exact products exceed 2^53, so a product rounded in a double loses low bits
      const a = Int32Array.from([1030012414, I32_MAX, I32_MIN, I32_MIN, 46341, -7, 65537, -1030012414, I32_MIN, I32_MAX]);
      const b = Int32Array.from([1585863377, I32_MAX, -1, 2, 46341, 3, 65537, 1585863377, I32_MIN, 1]);
      const refs = {
        mul: (x: number, y: number) => wrap(BigInt(x) * BigInt(y)),
        add: (x: number, y: number) => wrap(BigInt(x) + BigInt(y)),
        sub: (x: number, y: number) => wrap(BigInt(x) - BigInt(y)),
      };
      for (const op of ['mul', 'add', 'sub'] as const) {
        const out = allocArray('int32', a.length);
        be.binary(op, a, [1], b, [1], out, [a.length]);
        expectClose(out, Array.from(a, (x, i) => refs[op](x, b[i]!)), { atol: 0, rtol: 0, label: `int32 ${op} wraps` });
      }
      // NumPy: np.int32(1030012414) * np.int32(1585863377) == 1090414686
      const prod = allocArray('int32', 1);
      be.binary('mul', a, [0], b, [0], prod, []);
      expect(prod[0]).toBe(1090414686);
      const sq = allocArray('int32', a.length);
      be.unary('square', a, sq);
      expectClose(sq, Array.from(a, (x) => wrap(BigInt(x) * BigInt(x))), { atol: 0, rtol: 0, label: 'int32 square wraps' });
      expect(sq[1]).toBe(1); // 2147483647^2 mod 2^32
      const neg = allocArray('int32', 2);
      be.unary('neg', Int32Array.of(I32_MIN, I32_MAX), neg);
      expect(Array.from(neg)).toEqual([I32_MIN, -I32_MAX]); // -(-2^31) wraps to -2^31, as in NumPy
      // sum wraps too (NumPy and PyTorch would promote to int64): exactly, whatever the count
      const x = Int32Array.from([I32_MAX, 1, I32_MIN, -1, 2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30]);
      const sums = allocArray('int32', 4);
      be.reduce('sum', x, 4, 2, 1, sums);
      expect(Array.from(sums)).toEqual([I32_MIN, I32_MAX, I32_MIN, I32_MIN]);
      const all = allocArray('int32', 1);
      be.reduce('sum', x, 1, 8, 1, all);
      expect(all[0]).toBe(wrap(x.reduce((p, v) => p + BigInt(v), 0n)));
    });

    it('withReadOnly (where present) runs fn once, returns its value, and reads changed arrays afresh afterwards', () => {
      const w = Float64Array.of(1, 2, 3);
      const out = allocArray('float64', 3);
      const withReadOnly = be.withReadOnly?.bind(be) ?? (<R>(_: readonly TypedArray[], fn: () => R): R => fn());
      let calls = 0;
      const result = withReadOnly([w], () => {
        calls++;
        be.unary('square', w, out);
        return { inside: Array.from(out) };
      });
      expect(calls).toBe(1);
      expect(result.inside).toEqual([1, 4, 9]);
      // after the scope the array may change, and the kernels see the change
      w[0] = 5;
      be.unary('square', w, out);
      expect(Array.from(out)).toEqual([25, 4, 9]);
      // an error thrown by fn propagates and ends the scope all the same
      expect(() => withReadOnly([w], () => { throw new RangeError('from fn'); })).toThrow('from fn');
      w[1] = -3;
      be.unary('square', w, out);
      expect(Array.from(out)).toEqual([25, 9, 9]);
    });

    describe('high-level ops with the backend active', () => {
      let previous: Backend;
      beforeAll(() => {
        previous = getBackend();
        setBackend(be);
      });
      afterAll(() => {
        setBackend(previous);
      });

      const tol64 = { atol: 1e-12, rtol: 1e-12 };
      const g = new Generator(18);
      const rnd = (shape: number[], dtype: FloatDType = 'float64'): Tensor => tensor(uniform(dtype, prod(shape), g), shape, dtype);

      it('is the active backend', () => {
        expect(getBackend()).toBe(be);
      });

      it('batched matmul with broadcast batch dimensions', () => {
        const a = rnd([2, 1, 3, 4]);
        const b = rnd([5, 4, 2]);
        const y = ops.matmul(a, b);
        expect(y.shape).toEqual([2, 5, 3, 2]);
        const ref: number[] = [];
        forEachIndex([2, 5, 3, 2], ([p, q, i, j]) => {
          let s = 0;
          for (let k = 0; k < 4; k++) s += a.data[p! * 12 + i! * 4 + k]! * b.data[q! * 8 + k * 2 + j!]!;
          ref.push(s);
        });
        expectClose(y.data, ref, tol64);
      });

      it('gemm with transposes, alpha and beta', () => {
        const a = rnd([4, 3]);
        const b = rnd([5, 4]);
        const c = rnd([3, 5]);
        const y = ops.gemm(a, b, { transA: true, transB: true, alpha: 2, beta: -1, c });
        const ref: number[] = [];
        forEachIndex([3, 5], ([i, j]) => {
          let s = 0;
          for (let k = 0; k < 4; k++) s += a.data[k * 3 + i!]! * b.data[j! * 4 + k]!;
          ref.push(2 * s - c.data[i! * 5 + j!]!);
        });
        expectClose(y.data, ref, tol64);
      });

      it('broadcast arithmetic, where, comparisons', () => {
        const x = rnd([3, 1, 4]);
        const y = rnd([5, 1]);
        const z = ops.where(ops.gt(x, y), ops.mul(x, 2), ops.sub(y, 1));
        expect(z.shape).toEqual([3, 5, 4]);
        const ref: number[] = [];
        forEachIndex([3, 5, 4], ([i, j, k]) => {
          const xv = x.data[i! * 4 + k!]!, yv = y.data[j!]!;
          ref.push(xv > yv ? 2 * xv : yv - 1);
        });
        expectClose(z.data, ref, tol64);
      });

      it('reductions over axis subsets, argmax, logsumexp', () => {
        const x = rnd([2, 3, 4]);
        const s = ops.sum(x, [0, 2], true);
        expect(s.shape).toEqual([1, 3, 1]);
        const m = ops.max(x, 1);
        const am = ops.argmax(x, -1);
        const lse = ops.logsumexp(x, [1, 2]);
        const refS = [0, 0, 0], refM: number[] = [], refAm: number[] = [], refL: number[] = [];
        forEachIndex([2, 3, 4], ([i, j, k]) => { refS[j!]! += x.data[i! * 12 + j! * 4 + k!]!; });
        forEachIndex([2, 4], ([i, k]) => refM.push(Math.max(...[0, 1, 2].map((j) => x.data[i! * 12 + j * 4 + k!]!))));
        forEachIndex([2, 3], ([i, j]) => {
          const row = [0, 1, 2, 3].map((k) => x.data[i! * 12 + j! * 4 + k]!);
          refAm.push(row.indexOf(Math.max(...row)));
        });
        for (let i = 0; i < 2; i++) refL.push(Math.log(Array.from(x.data.subarray(i * 12, i * 12 + 12)).reduce((p, v) => p + Math.exp(v), 0)));
        expectClose(s.data, refS, tol64);
        expectClose(m.data, refM, { atol: 0, rtol: 0 });
        expect(Array.from(am.data)).toEqual(refAm);
        expectClose(lse.data, refL, tol64);
      });

      it('softmax on a non-last axis and log-softmax of huge float32 logits', () => {
        const x = rnd([3, 4]);
        const p = ops.softmax(x, 0);
        for (let j = 0; j < 4; j++) expect(Math.abs(p.data[j]! + p.data[4 + j]! + p.data[8 + j]! - 1)).toBeLessThan(1e-12);
        const big = tensor([[1e4, -1e4, 0], [5e3, 5e3, -5e3]]);
        const ls = ops.logSoftmax(big, -1);
        expect(Array.from(ls.data).every(Number.isFinite)).toBe(true);
        expectClose(ls.data, [0, -2e4, -1e4, -Math.log(2), -Math.log(2), -1e4 - Math.log(2)], { atol: 1e-3, rtol: 1e-6 });
      });

      it('movement ops: permute, reversed slice, broadcastTo, unary chain', () => {
        const x = rnd([2, 3, 4]);
        const pz = ops.permute(x, [2, 0, 1]);
        expect(pz.shape).toEqual([4, 2, 3]);
        const refP: number[] = [];
        forEachIndex([4, 2, 3], ([k, i, j]) => refP.push(x.data[i! * 12 + j! * 4 + k!]!));
        expectClose(pz.data, refP, { atol: 0, rtol: 0 });
        const r = ops.slice(x, [null, [null, null, -2], [3, 0, -2]]);
        expect(r.shape).toEqual([2, 2, 2]);
        const refR: number[] = [];
        forEachIndex([2, 2, 2], ([i, j, k]) => refR.push(x.data[i! * 12 + [2, 0][j!]! * 4 + [3, 1][k!]!]!));
        expectClose(r.data, refR, { atol: 0, rtol: 0 });
        const bt = ops.broadcastTo(tensor([1, 2, 3], [3, 1], 'float64'), [2, 3, 2]);
        expect(Array.from(bt.data)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
        const t = ops.sigmoid(ops.tanh(ops.exp(x)));
        expectClose(t.data, Array.from(x.data, (v) => sig(Math.tanh(Math.exp(v)))), tol64);
      });
    });
  });
}

/** @internal NumPy broadcast of two shapes (the test's own, independent of the package's). */
export function broadcastPair(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`conformance: bad test case (${a}) with (${b})`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

interface GemmCase {
  m: number; n: number; k: number; transA: boolean; transB: boolean; alpha: number; beta: number;
  /** Offsets and leading dimensions larger than the width, NaN in A/B padding, a sentinel in C padding. */
  padded: boolean;
  /** Initial value of C (random when omitted). */
  cFill?: number;
}

function checkGemm(be: Backend, g: Generator, dtype: FloatDType, cs: GemmCase): void {
  const { m, n, k, transA, transB, alpha, beta, padded } = cs;
  const label = `gemm ${dtype} m=${m} n=${n} k=${k} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta} padded=${padded}`;
  // stored shapes: A is (m,k) or (k,m) when transposed; B is (k,n) or (n,k)
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const pad = padded ? 3 : 0;
  const aOffset = padded ? 5 : 0, bOffset = padded ? 2 : 0, cOffset = padded ? 7 : 0;
  const lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
  const storage = (rows: number, cols: number, ld: number, off: number, fill: number): TypedArray => {
    const buf = allocArray(dtype, off + rows * ld + 4).fill(fill);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) buf[off + i * ld + j] = -1 + 2 * g.random();
    return buf;
  };
  // padding of A and B is NaN: reading it would poison C
  const a = storage(aRows, aCols, lda, aOffset, Number.NaN);
  const b = storage(bRows, bCols, ldb, bOffset, Number.NaN);
  const SENTINEL = 12345;
  const c = storage(m, n, ldc, cOffset, SENTINEL);
  if (cs.cFill !== undefined) for (let i = 0; i < m; i++) c.fill(cs.cFill, cOffset + i * ldc, cOffset + i * ldc + n);
  const c0 = c.slice();
  be.gemm({ transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc });

  const u = CONFORMANCE_TOLERANCES.gemmUnitRoundoff[dtype];
  const expected: number[] = Array.from(c0);
  const bound: number[] = new Array<number>(c0.length).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const prodv = opAt(a, aOffset, lda, transA, i, p) * opAt(b, bOffset, ldb, transB, p, j);
        s += prodv;
        mag += Math.abs(prodv);
      }
      const at = cOffset + i * ldc + j;
      const cOld = beta === 0 ? 0 : c0[at]!;
      expected[at] = alpha * s + beta * cOld;
      bound[at] = 2 * (k + 4) * u * (Math.abs(alpha) * mag + Math.abs(beta * cOld)) + 1e-30;
    }
  }
  // everything outside the m x n window (padding, before the offset, after the end) is untouched
  expectWithin(c, expected, bound, label);
}
