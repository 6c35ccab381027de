import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scalar, tensor, zeros } from '../creation.js';
import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { captureError } from '../test-utils.js';
import { forEachIndex, prod } from '../testing/conformance.js';
import { expectClose } from '../testing/expect-close.js';
import * as ops from './index.js';

// Tolerances: float64 1e-12 (same float64 arithmetic, same summation order up to the 1/n of mean);
// float32: the kernels accumulate the float32 inputs, so only output rounding differs (variance
// also rounds its centred intermediate, hence the looser bound).
const TOL = { float64: { atol: 1e-12, rtol: 1e-12 }, float32: { atol: 1e-6, rtol: 1e-5 } } as const;
const VAR_TOL = { float64: { atol: 1e-12, rtol: 1e-12 }, float32: { atol: 1e-5, rtol: 1e-4 } } as const;
const FLOATS = ['float32', 'float64'] as const;
const RUNS = { numRuns: 60 };

const value = fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100);
const dimArb = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 4 }), weight: 8 }, { arbitrary: fc.constant(0), weight: 1 });

/** A float tensor of random shape (rank 0-4, dims 0-4) and dtype. */
const tensorArb = (allowEmpty = true, v = value) =>
  fc
    .tuple(fc.array(allowEmpty ? dimArb : fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), fc.constantFrom(...FLOATS))
    .chain(([shape, dtype]) => fc.tuple(fc.constant(shape), fc.constant(dtype), fc.array(v, { minLength: prod(shape), maxLength: prod(shape) })))
    .map(([shape, dtype, vals]) => tensor(vals, shape, dtype));

/** An axes argument for a tensor of rank r: undefined, one axis or a subset, each possibly negative, in any order. */
const axesArb = (r: number) =>
  fc.oneof(
    fc.constant(undefined),
    r === 0 ? fc.constant(undefined) : fc.integer({ min: -r, max: r - 1 }),
    fc.shuffledSubarray(Array.from({ length: r }, (_, i) => i)).chain((sub) =>
      fc.tuple(...sub.map((a) => fc.constantFrom(a, a - r))).map((axes) => axes as number[])),
  );

const withAxes = (allowEmpty = true, v = value) =>
  tensorArb(allowEmpty, v).chain((x) => fc.tuple(fc.constant(x), axesArb(x.ndim), fc.boolean()));

function normalized(axes: number | number[] | undefined, r: number): number[] {
  if (axes === undefined) return Array.from({ length: r }, (_, i) => i);
  return (typeof axes === 'number' ? [axes] : axes).map((a) => (a < 0 ? a + r : a));
}

/** Groups the elements by output position (reduced axes dropped) and reduces each group with f. */
function naiveReduce(x: Tensor, axesIn: number | number[] | undefined, keepDims: boolean, f: (vals: number[]) => number) {
  const axes = normalized(axesIn, x.ndim);
  const shape = x.shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
  const keptShape = x.shape.filter((_, i) => !axes.includes(i));
  const groups: number[][] = Array.from({ length: prod(keptShape) }, () => []);
  forEachIndex(x.shape, (idx, flat) => {
    let o = 0;
    idx.forEach((v, d) => { if (!axes.includes(d)) o = o * x.shape[d]! + v; });
    groups[o]!.push(x.data[flat]!);
  });
  return { shape, data: groups.map(f) };
}

const naiveSum = (v: number[]): number => v.reduce((p, e) => p + e, 0);
const naiveMean = (v: number[]): number => naiveSum(v) / v.length;
const naiveVar = (c: number) => (v: number[]): number => {
  const m = naiveMean(v);
  const d = v.length - c;
  return d > 0 ? v.reduce((p, e) => p + (e - m) ** 2, 0) / d : Number.NaN;
};
const naiveLse = (v: number[]): number => {
  const m = Math.max(...v);
  return v.length === 0 ? -Infinity : m + Math.log(v.reduce((p, e) => p + Math.exp(e - m), 0));
};

describe('reductions over random axis subsets (property)', () => {
  const cases: readonly [string, (x: Tensor, a: number | number[] | undefined, k: boolean) => Tensor, (v: number[]) => number][] = [
    ['sum', ops.sum, naiveSum],
    ['mean', ops.mean, naiveMean],
    ['logsumexp', ops.logsumexp, naiveLse],
  ];
  for (const [name, fn, ref] of cases) {
    it(`${name} matches a naive grouping, keepDims true and false`, () => {
      fc.assert(
        fc.property(withAxes(), ([x, axes, keepDims]) => {
          const y = fn(x, axes, keepDims);
          const r = naiveReduce(x, axes, keepDims, ref);
          expect(y.shape).toEqual(r.shape);
          expect(y.dtype).toBe(x.dtype);
          expectClose(y.data, r.data, TOL[x.dtype as 'float32' | 'float64']);
        }),
        RUNS,
      );
    });
  }

  for (const [name, fn, ref] of [['max', ops.max, (v: number[]) => Math.max(...v)], ['min', ops.min, (v: number[]) => Math.min(...v)]] as const) {
    it(`${name} matches exactly; an empty reduced axis is a ShapeError`, () => {
      fc.assert(
        fc.property(withAxes(), ([x, axes, keepDims]) => {
          const ax = normalized(axes, x.ndim);
          if (ax.some((a) => x.shape[a] === 0)) {
            expect(() => fn(x, axes, keepDims)).toThrow(ShapeError);
            return;
          }
          const y = fn(x, axes, keepDims);
          const r = naiveReduce(x, axes, keepDims, ref);
          expect(y.shape).toEqual(r.shape);
          expectClose(y.data, r.data, { atol: 0, rtol: 0 });
        }),
        RUNS,
      );
    });
  }

  it('variance with correction 0 and 1 matches the two-pass formula', () => {
    fc.assert(
      fc.property(withAxes(), fc.constantFrom(0, 1), ([x, axes, keepDims], correction) => {
        const y = ops.variance(x, axes, keepDims, correction);
        const r = naiveReduce(x, axes, keepDims, naiveVar(correction));
        expect(y.shape).toEqual(r.shape);
        expectClose(y.data, r.data, VAR_TOL[x.dtype as 'float32' | 'float64']);
        // the method form agrees
        expectClose(x.variance(axes, keepDims, correction).data, y.data, { atol: 0, rtol: 0 });
      }),
      RUNS,
    );
  });

  it('mean times count equals sum; variance is non-negative', () => {
    fc.assert(
      fc.property(withAxes(false), ([x, axes, keepDims]) => {
        const n = normalized(axes, x.ndim).reduce((p, a) => p * x.shape[a]!, 1);
        const tol = TOL[x.dtype as 'float32' | 'float64'];
        expectClose(ops.mul(ops.mean(x, axes, keepDims), n).data, ops.sum(x, axes, keepDims).data, { atol: tol.atol * 100, rtol: tol.rtol });
        expect(Array.from(ops.variance(x, axes, keepDims).data).every((v) => v >= 0)).toBe(true);
      }),
      RUNS,
    );
  });

  it('argmax/argmin along an axis (or flattened) return the first extremum as int32', () => {
    const ties = fc.integer({ min: -3, max: 3 });
    fc.assert(
      fc.property(
        tensorArb(false, ties).chain((x) => fc.tuple(fc.constant(x), x.ndim === 0 ? fc.constant(undefined) : fc.option(fc.integer({ min: -x.ndim, max: x.ndim - 1 }), { nil: undefined }), fc.boolean())),
        ([x, axis, keepDims]) => {
          for (const [fn, better] of [[ops.argmax, (a: number, b: number) => a > b], [ops.argmin, (a: number, b: number) => a < b]] as const) {
            const y = fn(x, axis, keepDims);
            expect(y.dtype).toBe('int32');
            const pick = (v: number[]): number => v.reduce((best, e, i) => (better(e, v[best]!) ? i : best), 0);
            if (axis === undefined) {
              expect(y.shape).toEqual(keepDims ? x.shape.map(() => 1) : []);
              expect(y.data[0]).toBe(pick(Array.from(x.data)));
            } else {
              const r = naiveReduce(x, axis, keepDims, pick);
              expect(y.shape).toEqual(r.shape);
              expect(Array.from(y.data)).toEqual(r.data);
            }
          }
        },
      ),
      RUNS,
    );
  });
});

describe('reduction details', () => {
  it('int32: sum and max stay int32, mean and logsumexp give float32', () => {
    const x = tensor([[1, 2, 3], [4, 5, 7]], undefined, 'int32');
    expect(ops.sum(x, 1).dtype).toBe('int32');
    expect(Array.from(ops.sum(x, 1).data)).toEqual([6, 16]);
    expect(Array.from(ops.max(x, 0).data)).toEqual([4, 5, 7]);
    const m = ops.mean(x);
    expect(m.dtype).toBe('float32');
    expectClose(m.data, [22 / 6], TOL.float32);
    expect(ops.logsumexp(x).dtype).toBe('float32');
  });

  it('int32 sum wraps in two\'s complement on overflow (NumPy and PyTorch promote to int64)', () => {
    const x = tensor([[2147483647, 1], [-2147483648, -1], [1 << 30, 1 << 30]], undefined, 'int32');
    const s = ops.sum(x, 1);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.data)).toEqual([-2147483648, 2147483647, -2147483648]);
    const big = tensor([2147483647, 2147483647, 2147483647], undefined, 'int32');
    expect(ops.sum(big).item()).toBe(2147483645); // 6442450941 - 2^32 (NumPy's int64 sum: 6442450941)
  });

  it('NaN propagates through sum, max, min, logsumexp; argmax points at the NaN', () => {
    const x = tensor([[1, Number.NaN, 3], [1, 2, 3]], undefined, 'float64');
    expectClose(ops.sum(x, 1).data, [Number.NaN, 6], { atol: 0, rtol: 0 });
    expectClose(ops.max(x, 1).data, [Number.NaN, 3], { atol: 0, rtol: 0 });
    expectClose(ops.min(x, 1).data, [Number.NaN, 1], { atol: 0, rtol: 0 });
    expectClose(ops.logsumexp(x, 1).data, [Number.NaN, Math.log(Math.E + Math.E ** 2 + Math.E ** 3)], TOL.float64);
    expectClose(ops.logsumexp(tensor([Number.NaN, Number.NaN])).data, [Number.NaN], { atol: 0, rtol: 0 });
    expectClose(ops.logsumexp(tensor([-Infinity, Number.NaN])).data, [Number.NaN], { atol: 0, rtol: 0 });
    expect(Array.from(ops.argmax(x, 1).data)).toEqual([1, 2]);
  });

  it('logsumexp of huge values does not overflow; of all -Infinity is -Infinity', () => {
    for (const dtype of FLOATS) {
      const y = ops.logsumexp(tensor([[1e4, 1e4], [-1e4, -1e4]], undefined, dtype), 1);
      expectClose(y.data, [1e4 + Math.LN2, -1e4 + Math.LN2], { atol: 0, rtol: 1e-7 });
    }
    expect(ops.logsumexp(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
  });

  it('reducing an empty axis: sum 0, mean NaN, logsumexp -Infinity', () => {
    const x = zeros([2, 0]);
    expect(Array.from(ops.sum(x, 1).data)).toEqual([0, 0]);
    expect(Array.from(ops.mean(x, 1).data).every(Number.isNaN)).toBe(true);
    expect(Array.from(ops.logsumexp(x, 1).data)).toEqual([-Infinity, -Infinity]);
    expect(ops.sum(x, 0).shape).toEqual([0]);
  });

  it('a 0-d tensor reduces over axis 0 or all axes to itself', () => {
    const s = scalar(3, 'float64');
    for (const y of [ops.sum(s), ops.sum(s, 0), ops.mean(s, 0), ops.max(s, [0], true), ops.logsumexp(s, 0)]) {
      expect(y.shape).toEqual([]);
      expect(y.item()).toBe(3);
    }
    expect(ops.variance(s, 0).item()).toBe(0);
    expect(ops.argmax(s, 0).item()).toBe(0);
    expect(ops.argmin(s).item()).toBe(0);
  });

  it('errors: bad axis, repeated axis, empty argmax, empty max', () => {
    const x = zeros([2, 3]);
    const bad = captureError(() => ops.sum(x, 2));
    expect(bad).toBeInstanceOf(ArgumentError);
    expect(bad.message).toBe('sum: axis 2 is out of range for a tensor with 2 dimensions');
    expect(() => ops.mean(x, [-3])).toThrow(new ArgumentError('mean: axis -3 is out of range for a tensor with 2 dimensions'));
    expect(() => ops.argmax(x, 1.5)).toThrow(ArgumentError);
    expect(() => ops.sum(x, [0, -2])).toThrow(new ArgumentError('sum: repeated axis in [0,-2]'));
    const empty = captureError(() => ops.argmax(zeros([0, 2])));
    expect(empty).toBeInstanceOf(ShapeError);
    expect(empty.message).toBe('argmax: empty tensor (0,2)');
    expect(() => ops.argmin(zeros([0, 2]), 0)).toThrow(new ShapeError('argmin: cannot reduce an empty axis of (0,2)'));
    // a non-empty axis of an empty tensor reduces to an empty result (as in NumPy and PyTorch)
    expect(ops.argmax(zeros([0, 2]), 1).shape).toEqual([0]);
    expect(ops.argmin(zeros([0, 2]), -1, true).shape).toEqual([0, 1]);
    expect(() => ops.max(zeros([2, 0]), 1)).toThrow(new ShapeError('max: cannot reduce an empty axis of (2,0)'));
    expect(() => ops.min(zeros([2, 0]))).toThrow(new ShapeError('min: cannot reduce an empty axis of (2,0)'));
  });
});
