import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scalar, tensor } from '../creation.js';
import { ArgumentError, DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { forEachIndex, prod } from '../testing/conformance.js';
import { expectClose } from '../testing/expect-close.js';
import * as ops from './index.js';

// Tolerances: float64 1e-12; float32 1e-5 relative, 1e-6 absolute. Inputs of magnitude up to 1e4
// add |x| * 2^-22 (float32) or |x| * 2^-50 (float64) of absolute error to log-softmax, whose
// result subtracts numbers that large.
const TOL = { float64: { atol: 1e-12, rtol: 1e-12 }, float32: { atol: 1e-6, rtol: 1e-5 } } as const;
const UNIT = { float64: 2 ** -50, float32: 2 ** -22 } as const;
const FLOATS = ['float32', 'float64'] as const;
const RUNS = { numRuns: 80 };

/** A float tensor (rank 1-4, dims 1-4), values scaled by `scale`, and an axis (maybe negative). */
const inputArb = (scale: number) =>
  fc
    .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.constantFrom(...FLOATS))
    .chain(([s, dtype]) =>
      fc.tuple(
        fc.constant(s), fc.constant(dtype),
        fc.array(fc.integer({ min: -1000, max: 1000 }).map((v) => (v / 1000) * scale), { minLength: prod(s), maxLength: prod(s) }),
        fc.integer({ min: -s.length, max: s.length - 1 }),
      ))
    .map(([s, dtype, vals, axis]) => ({ x: tensor(vals, s, dtype), axis, dtype }));

/** Naive softmax / log-softmax along `axis` in float64: visit each line along the axis. */
function naiveSoftmax(x: Tensor, axisIn: number, log: boolean): number[] {
  const axis = axisIn < 0 ? axisIn + x.ndim : axisIn;
  const s = x.shape;
  const inner = prod(s.slice(axis + 1));
  const n = s[axis]!;
  const out = new Array<number>(x.size);
  const lines = s.map((d, i) => (i === axis ? 1 : d));
  forEachIndex(lines, (idx) => {
    let base = 0;
    for (let d = 0; d < s.length; d++) base = base * s[d]! + idx[d]!;
    const pos = Array.from({ length: n }, (_, i) => base + i * inner);
    const vals = pos.map((p) => x.data[p]!);
    const m = Math.max(...vals);
    const z = vals.reduce((p, v) => p + Math.exp(v - m), 0);
    pos.forEach((p, i) => { out[p] = log ? vals[i]! - m - Math.log(z) : Math.exp(vals[i]! - m) / z; });
  });
  return out;
}

describe('softmax and logSoftmax on any axis (property)', () => {
  for (const scale of [10, 1e4]) {
    it(`match a naive max-shifted formula (|logits| <= ${scale}) without NaN`, () => {
      fc.assert(
        fc.property(inputArb(scale), ({ x, axis, dtype }) => {
          const p = ops.softmax(x, axis);
          const lp = ops.logSoftmax(x, axis);
          expect(p.shape).toEqual(x.shape);
          expect(p.dtype).toBe(dtype);
          expect(Array.from(p.data).some(Number.isNaN)).toBe(false);
          expect(Array.from(lp.data).some(Number.isNaN)).toBe(false);
          expectClose(p.data, naiveSoftmax(x, axis, false), TOL[dtype]);
          const t = { atol: TOL[dtype].atol + 4 * UNIT[dtype] * scale, rtol: TOL[dtype].rtol };
          expectClose(lp.data, naiveSoftmax(x, axis, true), t);
          expectClose(x.softmax(axis).data, p.data, { atol: 0, rtol: 0 });
          expectClose(x.logSoftmax(axis).data, lp.data, { atol: 0, rtol: 0 });
        }),
        RUNS,
      );
    });
  }

  it('sums to 1 along the axis, lies in [0, 1], and is shift-invariant', () => {
    fc.assert(
      fc.property(inputArb(20), fc.integer({ min: -50, max: 50 }), ({ x, axis, dtype }, shift) => {
        const p = ops.softmax(x, axis);
        const sums = ops.sum(p, axis);
        expectClose(sums.data, new Array<number>(sums.size).fill(1), { atol: dtype === 'float32' ? 1e-5 : 1e-12, rtol: 0 });
        expect(Array.from(p.data).every((v) => v >= 0 && v <= 1)).toBe(true);
        expectClose(ops.softmax(ops.add(x, shift), axis).data, p.data, { atol: dtype === 'float32' ? 1e-5 : 1e-12, rtol: 1e-4 });
      }),
      RUNS,
    );
  });

  it('logSoftmax equals log(softmax) where softmax does not underflow', () => {
    fc.assert(
      fc.property(inputArb(5), ({ x, axis, dtype }) => {
        expectClose(ops.logSoftmax(x, axis).data, ops.log(ops.softmax(x, axis)).data, { atol: dtype === 'float32' ? 1e-5 : 1e-12, rtol: 1e-5 });
        expectClose(ops.exp(ops.logSoftmax(x, axis)).data, ops.softmax(x, axis).data, { atol: dtype === 'float32' ? 1e-6 : 1e-13, rtol: 1e-5 });
      }),
      RUNS,
    );
  });

  it('huge logits: softmax of [1e4, 0, -1e4] is one-hot, logSoftmax is exact', () => {
    for (const dtype of FLOATS) {
      const x = tensor([[1e4, 0, -1e4], [0, 1e4, 1e4]], undefined, dtype);
      expectClose(ops.softmax(x).data, [1, 0, 0, 0, 0.5, 0.5], { atol: 1e-7, rtol: 0 });
      expectClose(ops.logSoftmax(x).data, [0, -1e4, -2e4, -1e4 - Math.LN2, -Math.LN2, -Math.LN2], { atol: 1e-6, rtol: 1e-7 });
      expectClose(ops.softmax(x, 0).data, [1, 0, 0, 0, 1, 1], { atol: 1e-7, rtol: 0 });
    }
  });

  it('masked entries (-Infinity) get probability 0', () => {
    const p = ops.softmax(tensor([1, -Infinity, 1]));
    expect(Array.from(p.data)).toEqual([0.5, 0, 0.5]);
    expect(ops.logSoftmax(tensor([1, -Infinity, 1])).data[1]).toBe(-Infinity);
  });

  it('errors: int32 input is a DTypeError; a bad axis an ArgumentError', () => {
    expect(() => ops.softmax(tensor([1, 2], undefined, 'int32'))).toThrow(new DTypeError('softmax: expected a float32 or float64 tensor, got int32'));
    expect(() => ops.logSoftmax(tensor([1, 2], undefined, 'int32'))).toThrow(DTypeError);
    expect(() => ops.softmax(tensor([[1, 2]]), 2)).toThrow(new ArgumentError('softmax: axis 2 is out of range for a tensor with 2 dimensions'));
    expect(() => ops.logSoftmax(scalar(1), -1)).toThrow(ArgumentError);
  });
});
