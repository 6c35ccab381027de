import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ones, tensor, zeros } from '../creation.js';
import type { DType } from '../dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { captureError } from '../test-utils.js';
import { forEachIndex, prod } from '../testing/conformance.js';
import { expectClose } from '../testing/expect-close.js';
import * as ops from './index.js';

// gather / indexSelect / oneHot copy values: exact. indexAdd / scatterAdd accumulate: float64 1e-12,
// float32 1e-5 relative (repeated indices add several values in float32).
const EXACT = { atol: 0, rtol: 0 };
const TOL = { float64: { atol: 1e-12, rtol: 1e-12 }, float32: { atol: 1e-5, rtol: 1e-5 }, int32: { atol: 0, rtol: 0 } } as const;
const RUNS = { numRuns: 80 };
const dtypeArb = fc.constantFrom<DType>('float32', 'float64', 'int32');

const iota = (shape: readonly number[], dtype: DType = 'float64'): Tensor => tensor(Array.from({ length: prod(shape) }, (_, i) => i + 1), shape, dtype);
const intTensor = (vals: number[], shape: readonly number[]): Tensor => tensor(vals, shape, 'int32');

function at(x: Tensor, idx: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < x.ndim; d++) flat = flat * x.shape[d]! + idx[d]!;
  return x.data[flat]!;
}
function flatIndex(shape: readonly number[], idx: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + idx[d]!;
  return flat;
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** x (rank 1-3, dims 1-4), an axis, and an int32 index tensor of rank 0-2 with values in [0, x.shape[axis]). */
const selectArb = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }), dtypeArb)
  .chain(([s, ax, idxShape, dtype]) => {
    const axis = ax % s.length;
    const n = s[axis]!;
    return fc.tuple(
      fc.constant(s), fc.constant(axis), fc.constant(idxShape), fc.constant(dtype),
      fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: prod(idxShape), maxLength: prod(idxShape) }),
      fc.boolean(),
    );
  });

describe('indexSelect and indexAdd (property)', () => {
  it('indexSelect picks slices along an axis; output shape splices in the index shape', () => {
    fc.assert(
      fc.property(selectArb, ([s, axis, idxShape, dtype, vals, negativeAxis]) => {
        const x = iota(s, dtype);
        const idx = intTensor(vals, idxShape);
        const y = ops.indexSelect(x, negativeAxis ? axis - s.length : axis, idx);
        const outShape = [...s.slice(0, axis), ...idxShape, ...s.slice(axis + 1)];
        expect(y.shape).toEqual(outShape);
        expect(y.dtype).toBe(dtype);
        const ref: number[] = [];
        const r = idxShape.length;
        forEachIndex(outShape, (o) => {
          const pick = idx.data[flatIndex(idxShape, o.slice(axis, axis + r))]!;
          ref.push(at(x, [...o.slice(0, axis), pick, ...o.slice(axis + r)]));
        });
        expectClose(y.data, ref, EXACT);
        if (idxShape.length === 1) expectClose(x.indexSelect(axis, vals).data, ref, EXACT);
      }),
      RUNS,
    );
  });

  it('indexAdd accumulates repeated indices, and is the adjoint of indexSelect', () => {
    fc.assert(
      fc.property(selectArb, ([s, axis, idxShape, dtype0, vals]) => {
        const dtype = dtype0 === 'int32' ? 'float64' : dtype0;
        const x = ops.mul(iota(s, dtype), 0.5);
        const idx = intTensor(vals, idxShape);
        const srcShape = [...s.slice(0, axis), ...idxShape, ...s.slice(axis + 1)];
        const src = ops.sub(iota(srcShape, dtype), 3);
        const y = ops.indexAdd(x, axis, idx, src);
        expect(y.shape).toEqual(s);
        const ref = Array.from(x.data);
        const r = idxShape.length;
        forEachIndex(srcShape, (o, flat) => {
          const pick = idx.data[flatIndex(idxShape, o.slice(axis, axis + r))]!;
          ref[flatIndex(s, [...o.slice(0, axis), pick, ...o.slice(axis + r)])]! += src.data[flat]!;
        });
        expectClose(y.data, ref, TOL[dtype]);
        // <indexSelect(x, idx), src> == <x, indexAdd(0, idx, src)>
        const lhs = dot(ops.indexSelect(x, axis, idx).data, src.data);
        const rhs = dot(x.data, ops.indexAdd(zeros(s, { dtype }), axis, idx, src).data);
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(lhs)));
        // the target is not modified
        expectClose(x.data, Array.from(ops.mul(iota(s, dtype), 0.5).data), EXACT);
      }),
      RUNS,
    );
  });
});

/** x (rank 1-3), an axis, and an index of x's rank: each dim <= x's except along axis, values in range. */
const gatherArb = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.nat(), dtypeArb)
  .chain(([s, ax, dtype]) => {
    const axis = ax % s.length;
    return fc.tuple(fc.constant(s), fc.constant(axis), fc.constant(dtype), fc.tuple(...s.map((d, i) => fc.integer({ min: i === axis ? 0 : 1, max: i === axis ? 4 : d }))));
  })
  .chain(([s, axis, dtype, idxShape]) =>
    fc.tuple(
      fc.constant(s), fc.constant(axis), fc.constant(dtype), fc.constant(idxShape),
      fc.array(fc.integer({ min: 0, max: s[axis]! - 1 }), { minLength: prod(idxShape), maxLength: prod(idxShape) }),
    ));

describe('gather and scatterAdd (property)', () => {
  it('gather: out[i][j] = x[i][index[i][j]] along the axis', () => {
    fc.assert(
      fc.property(gatherArb, ([s, axis, dtype, idxShape, vals]) => {
        const x = iota(s, dtype);
        const index = intTensor(vals, idxShape);
        const y = ops.gather(x, axis, index);
        expect(y.shape).toEqual(idxShape);
        expect(y.dtype).toBe(dtype);
        const ref: number[] = [];
        forEachIndex(idxShape, (o, flat) => ref.push(at(x, o.map((v, d) => (d === axis ? index.data[flat]! : v)))));
        expectClose(y.data, ref, EXACT);
        expectClose(x.gather(axis, index).data, ref, EXACT);
      }),
      RUNS,
    );
  });

  it('scatterAdd: target[i][index[i][j]] += src[i][j], repeated indices accumulate; adjoint of gather', () => {
    fc.assert(
      fc.property(gatherArb, fc.nat(2), ([s, axis, dtype, idxShape, vals], extra) => {
        const target = ops.mul(iota(s, dtype), 2);
        const index = intTensor(vals, idxShape);
        // src may be larger than index: only its leading part is read
        const srcShape = idxShape.map((d, i) => (i === 0 ? d + extra : d));
        const src = iota(srcShape, dtype);
        const y = ops.scatterAdd(target, axis, index, src);
        expect(y.shape).toEqual(s);
        const ref = Array.from(target.data);
        forEachIndex(idxShape, (o, flat) => {
          ref[flatIndex(s, o.map((v, d) => (d === axis ? index.data[flat]! : v)))]! += src.data[flatIndex(srcShape, o)]!;
        });
        expectClose(y.data, ref, TOL[dtype]);
        if (extra === 0 && dtype === 'float64') {
          const x = ops.sub(iota(s, dtype), 4);
          const lhs = dot(ops.gather(x, axis, index).data, src.data);
          const rhs = dot(x.data, ops.scatterAdd(zeros(s, { dtype }), axis, index, src).data);
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(lhs)));
        }
      }),
      RUNS,
    );
  });
});

describe('oneHot (property)', () => {
  it('puts a 1 at each index along a new last axis', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom<DType>('float32', 'float64', 'int32'))
          .chain(([s, depth, dtype]) => fc.tuple(fc.constant(s), fc.constant(depth), fc.constant(dtype), fc.array(fc.integer({ min: 0, max: depth - 1 }), { minLength: prod(s), maxLength: prod(s) }))),
        ([s, depth, dtype, vals]) => {
          const y = ops.oneHot(intTensor(vals, s), depth, dtype);
          expect(y.shape).toEqual([...s, depth]);
          expect(y.dtype).toBe(dtype);
          const ref: number[] = [];
          for (const v of vals) for (let j = 0; j < depth; j++) ref.push(j === v ? 1 : 0);
          expectClose(y.data, ref, EXACT);
          expectClose(ops.argmax(y, -1).data, vals, EXACT);
        },
      ),
      RUNS,
    );
  });

  it('accepts a plain array', () => {
    expect(ops.oneHot([0, 2], 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
  });
});

describe('indexing errors', () => {
  it('an index out of range is an ArgumentError naming the op, index, axis and shape', () => {
    const err = captureError(() => ops.indexSelect(zeros([3, 2]), 0, [3]));
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.message).toBe('indexSelect: index 3 is out of range for axis 0 of (3,2) of size 3');
    expect(() => ops.indexSelect(zeros([3, 2]), 1, [-1])).toThrow('indexSelect: index -1 is out of range for axis 1 of (3,2) of size 2');
    expect(() => ops.gather(zeros([2, 2]), 1, tensor([[0], [2]], undefined, 'int32'))).toThrow(
      new ArgumentError('gather: index 2 is out of range for axis 1 of (2,2) of size 2'),
    );
    expect(() => ops.indexAdd(zeros([2]), 0, [5], ones([1]))).toThrow(new ArgumentError('indexAdd: index 5 is out of range for axis 0 of (2) of size 2'));
    expect(() => ops.oneHot([3], 3)).toThrow(new ArgumentError('oneHot: index 3 is out of range for depth of size 3'));
    expect(() => ops.oneHot([0], 0)).toThrow(new ArgumentError('oneHot: depth must be a positive integer, got 0'));
  });

  it('float indices are a DTypeError', () => {
    const err = captureError(() => ops.gather(zeros([2, 2]), 0, zeros([1, 2])));
    expect(err).toBeInstanceOf(DTypeError);
    expect(err.message).toBe('gather: indices must be int32, got float32');
    expect(() => ops.indexSelect(zeros([2]), 0, zeros([1], { dtype: 'float64' }))).toThrow(new DTypeError('indexSelect: indices must be int32, got float64'));
  });

  it('shape mismatches are ShapeErrors', () => {
    expect(() => ops.gather(zeros([2, 2]), 0, tensor([0, 1], undefined, 'int32'))).toThrow(
      new ShapeError('gather: index has shape (2), expected 2 dimensions like (2,2)'),
    );
    expect(() => ops.gather(zeros([2, 2]), 0, tensor([[0, 1, 0]], undefined, 'int32'))).toThrow(
      new ShapeError('gather: index shape (1,3) exceeds (2,2) at dimension 1'),
    );
    expect(() => ops.indexAdd(zeros([3, 2]), 0, [0, 1], ones([2, 3]))).toThrow(new ShapeError('indexAdd: src has shape (2,3), expected (2,2)'));
    expect(() => ops.scatterAdd(zeros([2, 2]), 1, tensor([[0, 1]], undefined, 'int32'), ones([1, 1]))).toThrow(
      new ShapeError('scatterAdd: src (1,1) must cover index (1,2)'),
    );
  });
});
