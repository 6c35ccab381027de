import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ones, randn, scalar, tensor, zeros } from '../creation.js';
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { captureError } from '../test-utils.js';
import { broadcastIndex, broadcastPair, forEachIndex, prod } from '../testing/conformance.js';
import { expectClose } from '../testing/expect-close.js';
import * as ops from './index.js';

// Tolerances: float64 1e-12 (k <= 6, values <= 10: the reference sums in the same order);
// float32: the result is rounded once more than the float64 reference, |result| <= 600.
const TOL = { float64: { atol: 1e-12, rtol: 1e-12 }, float32: { atol: 1e-4, rtol: 1e-5 } } as const;
const FLOATS = ['float32', 'float64'] as const;
const RUNS = { numRuns: 80 };

const value = fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100);
const valuesFor = (shape: readonly number[]) => fc.array(value, { minLength: prod(shape), maxLength: prod(shape) });

/** NumPy matmul by triple loop: 1-D operands become a row / a column, batch dims broadcast. */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; data: number[] } {
  const as = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const m = as[as.length - 2]!, k = as[as.length - 1]!, n = bs[bs.length - 1]!;
  const batchA = as.slice(0, -2), batchB = bs.slice(0, -2);
  const batch = broadcastPair(batchA, batchB);
  const data: number[] = [];
  forEachIndex(batch, (bi) => {
    const ao = broadcastIndex(batchA, bi) * m * k;
    const bo = broadcastIndex(batchB, bi) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[ao + i * k + p]! * b.data[bo + p * n + j]!;
        data.push(s);
      }
    }
  });
  const shape = [...batch];
  if (a.ndim > 1) shape.push(m);
  if (b.ndim > 1) shape.push(n);
  return { shape, data };
}

/** Operand shapes: each 1-D, 2-D or batched (broadcast-compatible batch dims with ones and missing dims). */
const matmulShapesArb = fc
  .record({
    m: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 0, max: 6 }), n: fc.integer({ min: 1, max: 5 }),
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
    dropA: fc.nat(3), dropB: fc.nat(3),
    onesA: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), onesB: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    vecA: fc.boolean(), vecB: fc.boolean(),
  })
  .map(({ m, k, n, batch, dropA, dropB, onesA, onesB, vecA, vecB }) => {
    const ba = batch.slice(Math.min(dropA, batch.length)).map((d, i) => (onesA[i] ? 1 : d));
    const bb = batch.slice(Math.min(dropB, batch.length)).map((d, i) => (onesB[i] ? 1 : d));
    return [vecA ? [k] : [...ba, m, k], vecB ? [k] : [...bb, k, n]] as const;
  });

describe('matmul (property)', () => {
  for (const dtype of FLOATS) {
    it(`${dtype}: 1-D, 2-D and batched operands with broadcasting match a triple loop`, () => {
      fc.assert(
        fc.property(
          matmulShapesArb.chain(([sa, sb]) => fc.tuple(fc.constant(sa), fc.constant(sb), valuesFor(sa), valuesFor(sb))),
          ([sa, sb, va, vb]) => {
            const a = tensor(va, sa, dtype);
            const b = tensor(vb, sb, dtype);
            const y = ops.matmul(a, b);
            const r = naiveMatmul(a, b);
            expect(y.shape).toEqual(r.shape);
            expect(y.dtype).toBe(dtype);
            expectClose(y.data, r.data, TOL[dtype]);
            expectClose(a.matmul(b).data, y.data, { atol: 0, rtol: 0 });
          },
        ),
        RUNS,
      );
    });

    it(`${dtype}: gemm op with transposes, alpha, beta and an accumulator`, () => {
      fc.assert(
        fc.property(
          fc.record({
            m: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 6 }),
            transA: fc.boolean(), transB: fc.boolean(), alpha: fc.constantFrom(1, -0.5, 2), beta: fc.constantFrom(0, 1, 0.25), withC: fc.constantFrom('none', 'full', 'row', 'row2d'),
            seed: fc.nat(),
          }),
          ({ m, n, k, transA, transB, alpha, beta, withC, seed }) => {
            const g = new Generator(seed);
            const a = randn(transA ? [k, m] : [m, k], { dtype, generator: g });
            const b = randn(transB ? [n, k] : [k, n], { dtype, generator: g });
            const cShape = { none: null, full: [m, n], row: [n], row2d: [1, n] }[withC];
            const c = cShape ? randn(cShape, { dtype, generator: g }) : undefined;
            const y = ops.gemm(a, b, { transA, transB, alpha, beta, c });
            expect(y.shape).toEqual([m, n]);
            const ref: number[] = [];
            forEachIndex([m, n], ([i, j]) => {
              let s = 0;
              for (let p = 0; p < k; p++) {
                const av = transA ? a.data[p * m + i!]! : a.data[i! * k + p]!;
                const bv = transB ? b.data[j! * k + p]! : b.data[p * n + j!]!;
                s += av * bv;
              }
              ref.push(alpha * s + (c ? beta * c.data[c.size === n ? j! : i! * n + j!]! : 0));
            });
            expectClose(y.data, ref, dtype === 'float64' ? TOL.float64 : { atol: 1e-5, rtol: 1e-5 });
          },
        ),
        RUNS,
      );
    });
  }

  it('matmul with k = 0 gives zeros; 1-D @ 1-D gives a 0-d tensor', () => {
    const y = ops.matmul(zeros([3, 0]), zeros([0, 2]));
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const d = ops.matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(d.shape).toEqual([]);
    expect(d.item()).toBe(32);
  });

  it('a product larger than the gemm blocks (70x260 @ 260x530) matches the naive loop', () => {
    const g = new Generator(3);
    const a = randn([70, 260], { dtype: 'float64', generator: g });
    const b = randn([260, 530], { dtype: 'float64', generator: g });
    expectClose(ops.matmul(a, b).data, naiveMatmul(a, b).data, { atol: 1e-11, rtol: 1e-12 });
  });
});

describe('matmul errors', () => {
  it('inner dimension mismatch is a ShapeError with the exact message', () => {
    const err = captureError(() => ops.matmul(zeros([2, 3]), zeros([4, 5])));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toBe('matmul: cannot multiply (2,3) by (4,5): inner dimensions 3 and 4 differ');
    expect(() => ops.matmul(zeros([3]), zeros([2]))).toThrow('matmul: cannot multiply (3) by (2): inner dimensions 3 and 2 differ');
  });

  it('batch dimensions that do not broadcast', () => {
    const err = captureError(() => ops.matmul(zeros([2, 1, 2]), zeros([3, 2, 2])));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toBe('matmul: cannot broadcast (2) with (3): dimension -1 is 2 vs 3');
  });

  it('int32 operands and mixed float dtypes are DTypeErrors', () => {
    const err = captureError(() => ops.matmul(zeros([2, 2], { dtype: 'int32' }), zeros([2, 2], { dtype: 'int32' })));
    expect(err).toBeInstanceOf(DTypeError);
    expect(err.message).toBe('matmul: expected float tensors, got int32 and int32');
    expect(() => ops.matmul(ones([2, 2]), ones([2, 2], { dtype: 'float64' }))).toThrow(
      new DTypeError('matmul: dtypes differ: float32 and float64 (cast one with astype)'),
    );
  });

  it('0-d operands, non-2-D gemm, bad accumulators and non-finite scalars', () => {
    expect(() => ops.matmul(scalar(1), ones([1]))).toThrow(new ShapeError('matmul: operands must have at least 1 dimension, got () and (1)'));
    expect(() => ops.gemm(ones([2]), ones([2, 2]))).toThrow(new ShapeError('gemm: expected 2-D operands, got (2) and (2,2)'));
    expect(() => ops.gemm(ones([2, 3]), ones([2, 3]), { transB: false })).toThrow(
      new ShapeError('gemm: cannot multiply (2,3) by (2,3): inner dimensions 3 and 2 differ'),
    );
    expect(ops.gemm(ones([2, 3]), ones([2, 3]), { transA: true }).shape).toEqual([3, 3]);
    expect(() => ops.gemm(ones([2, 3]), ones([2, 3]), { transA: true, transB: true })).toThrow(
      new ShapeError('gemm: cannot multiply transposed (2,3) by transposed (2,3): inner dimensions 2 and 3 differ'),
    );
    expect(() => ops.gemm(ones([2, 3]), ones([3, 2]), { c: ones([3, 3]) })).toThrow(new ShapeError('gemm: accumulator c has shape (3,3), expected (2,2), (1,2) or (2)'));
    expect(() => ops.gemm(ones([2, 3]), ones([3, 2]), { c: ones([2, 2], { dtype: 'float64' }) })).toThrow(new DTypeError('gemm: c is float64, operands are float32'));
    expect(() => ops.gemm(ones([2, 3]), ones([3, 2]), { alpha: Number.NaN })).toThrow(new ArgumentError('gemm: alpha and beta must be finite, got NaN and 1'));
  });
});
