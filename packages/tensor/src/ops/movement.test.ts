import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, ones, tensor, zeros } from '../creation.js';
import type { DType } from '../dtype.js';
import { ArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { captureError } from '../test-utils.js';
import { broadcastIndex, forEachIndex, prod } from '../testing/conformance.js';
import { expectClose } from '../testing/expect-close.js';
import * as ops from './index.js';

// Movement ops only copy values: every comparison here is exact (atol = rtol = 0), for float32,
// float64 and int32 alike.
const EXACT = { atol: 0, rtol: 0 };
const RUNS = { numRuns: 80 };
const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** A tensor of `shape` holding distinct values 1, 2, 3, ... so that any misplaced element shows. */
const iota = (shape: readonly number[], dtype: DType = 'float64'): Tensor =>
  tensor(Array.from({ length: prod(shape) }, (_, i) => i + 1), shape, dtype);

const shapeArb = (maxRank = 4, minDim = 1, maxDim = 4) => fc.array(fc.integer({ min: minDim, max: maxDim }), { maxLength: maxRank });
const dtypeArb = fc.constantFrom(...DTYPES);

/** Reads x at a multi-index (row-major, contiguous). */
function at(x: Tensor, idx: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < x.ndim; d++) flat = flat * x.shape[d]! + idx[d]!;
  return x.data[flat]!;
}

describe('reshape (property)', () => {
  /** A target shape with the same size: the dims' factors shuffled and regrouped, ones inserted, maybe one -1. */
  const reshapeArb = fc
    .tuple(shapeArb(4, 0, 4), dtypeArb)
    .chain(([s, dtype]) => {
      const factors = s.flatMap((d) => (d === 4 ? [2, 2] : [d]));
      return fc.tuple(
        fc.constant(s), fc.constant(dtype),
        fc.shuffledSubarray(factors, { minLength: factors.length, maxLength: factors.length }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.nat(2),
        fc.option(fc.nat(7), { nil: undefined }),
      );
    })
    .map(([s, dtype, factors, merge, extraOnes, inferAt]) => {
      const target: number[] = [];
      factors.forEach((f, i) => {
        if (i > 0 && merge[i]) target[target.length - 1] = target[target.length - 1]! * f;
        else target.push(f);
      });
      for (let i = 0; i < extraOnes; i++) target.splice(i % (target.length + 1), 0, 1);
      const resolved = [...target];
      const spec = [...target];
      if (inferAt !== undefined && spec.length > 0 && prod(s) > 0) spec[inferAt % spec.length] = -1;
      return { s, dtype, spec, resolved };
    });

  it('keeps the data and its order, shares memory, resolves -1, and reshapes back', () => {
    fc.assert(
      fc.property(reshapeArb, ({ s, dtype, spec, resolved }) => {
        const x = iota(s, dtype);
        const y = ops.reshape(x, spec);
        expect(y.shape).toEqual(resolved);
        expect(y.data).toBe(x.data);
        expect(x.reshape(spec).shape).toEqual(resolved);
        expect(y.reshape(s).shape).toEqual(s);
        expect(y.flatten().shape).toEqual([prod(s)]);
      }),
      RUNS,
    );
  });

  it('squeeze removes ones; unsqueeze inserts one at a possibly negative axis', () => {
    fc.assert(
      fc.property(shapeArb(4, 1, 3).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length - 1, max: s.length }))), ([s, axis]) => {
        const x = iota(s);
        const u = ops.unsqueeze(x, axis);
        const a = axis < 0 ? axis + s.length + 1 : axis;
        expect(u.shape).toEqual([...s.slice(0, a), 1, ...s.slice(a)]);
        expect(ops.squeeze(u, axis).shape).toEqual(s);
        expect(ops.squeeze(u).shape).toEqual(s.filter((d) => d !== 1));
        expectClose(u.data, x.data, EXACT);
      }),
      RUNS,
    );
  });

  it('errors: size mismatch, two -1, squeezing a non-1 axis', () => {
    const err = captureError(() => ops.reshape(zeros([2, 3]), [4, 2]));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toBe('reshape: cannot reshape (2,3) (6 elements) into (4,2)');
    expect(() => ops.reshape(zeros([2, 3]), [4, -1])).toThrow(new ShapeError('reshape: cannot reshape (2,3) (6 elements) into (4,-1)'));
    expect(() => ops.reshape(zeros([2, 3]), [-1, -1])).toThrow(new ShapeError('reshape: only one dimension may be -1 in (-1,-1)'));
    expect(() => ops.squeeze(zeros([2, 3]), 1)).toThrow(new ShapeError('squeeze: axis 1 of (2,3) has size 3, not 1'));
    expect(() => ops.unsqueeze(zeros([2]), 3)).toThrow(ArgumentError);
  });
});

describe('permute and transpose (property)', () => {
  const permArb = fc
    .tuple(shapeArb(5), dtypeArb)
    .chain(([s, dtype]) => {
      const r = s.length;
      return fc.tuple(
        fc.constant(s), fc.constant(dtype),
        fc.shuffledSubarray(Array.from({ length: r }, (_, i) => i), { minLength: r, maxLength: r }),
        fc.array(fc.boolean(), { minLength: r, maxLength: r }),
      );
    });

  it('permute moves element [i0..ir] to [i_perm[0]..i_perm[r]]', () => {
    fc.assert(
      fc.property(permArb, ([s, dtype, perm, negate]) => {
        const x = iota(s, dtype);
        const axes = perm.map((p, i) => (negate[i] ? p - s.length : p));
        const y = ops.permute(x, axes);
        const outShape = perm.map((p) => s[p]!);
        expect(y.shape).toEqual(outShape);
        expect(y.dtype).toBe(dtype);
        const ref: number[] = [];
        forEachIndex(outShape, (idx) => {
          const src = new Array<number>(s.length);
          perm.forEach((p, d) => { src[p] = idx[d]!; });
          ref.push(at(x, src));
        });
        expectClose(y.data, ref, EXACT);
        // the inverse permutation restores x
        const inv = new Array<number>(perm.length);
        perm.forEach((p, d) => { inv[p] = d; });
        expectClose(ops.permute(y, inv).data, x.data, EXACT);
      }),
      RUNS,
    );
  });

  it('transpose swaps two axes; .T reverses all of them', () => {
    fc.assert(
      fc.property(
        shapeArb(4).filter((s) => s.length >= 1).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 }), fc.integer({ min: -s.length, max: s.length - 1 }))),
        ([s, a, b]) => {
          const x = iota(s);
          const perm = s.map((_, i) => i);
          const na = a < 0 ? a + s.length : a;
          const nb = b < 0 ? b + s.length : b;
          perm[na] = nb;
          perm[nb] = na;
          expectClose(ops.transpose(x, a, b).data, ops.permute(x, perm).data, EXACT);
          expect(ops.transpose(x, a, b).shape).toEqual(perm.map((p) => s[p]!));
          expectClose(x.T.data, ops.permute(x, s.map((_, i) => s.length - 1 - i)).data, EXACT);
        },
      ),
      RUNS,
    );
  });

  it('errors: wrong number of axes, repeated axis', () => {
    expect(() => ops.permute(zeros([2, 3]), [0])).toThrow(new ArgumentError('permute: got 1 axes for a tensor of shape (2,3)'));
    expect(() => ops.permute(zeros([2, 3]), [1, -1])).toThrow(new ArgumentError('permute: axes [1,-1] repeat an axis'));
    expect(() => ops.permute(zeros([2, 3]), [0, 2])).toThrow(new ArgumentError('permute: axis 2 is out of range for a tensor with 2 dimensions'));
  });
});

/** CPython's slice.indices(n) followed by range(): the positions a slice picks. */
function pySlice(start: number | null | undefined, stop: number | null | undefined, step: number | null | undefined, n: number): number[] {
  const st = step ?? 1;
  const neg = st < 0;
  const lower = neg ? -1 : 0;
  const upper = neg ? n - 1 : n;
  const adjust = (v: number | null | undefined, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    if (v < 0) return Math.max(v + n, lower);
    return Math.min(v, upper);
  };
  const s = adjust(start, neg ? upper : lower);
  const e = adjust(stop, neg ? lower : upper);
  const out: number[] = [];
  for (let i = s; neg ? i > e : i < e; i += st) out.push(i);
  return out;
}

describe('slice follows Python semantics (property)', () => {
  const bound = (n: number) => fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer({ min: -n - 3, max: n + 3 }));
  const stepArb = fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer({ min: -3, max: 3 }).filter((v) => v !== 0));
  const specArb = (n: number): fc.Arbitrary<ops.SliceSpec> =>
    fc.oneof(
      fc.constant(null),
      n > 0 ? fc.integer({ min: -n, max: n - 1 }) : fc.constant(null),
      fc.tuple(bound(n), bound(n), stepArb, fc.integer({ min: 0, max: 3 })).map(([s, e, st, len]) => [s, e, st].slice(0, len) as unknown as ops.SliceSpec),
    );
  const sliceArb = fc
    .tuple(shapeArb(4, 0, 5).filter((s) => s.length > 0), dtypeArb)
    .chain(([s, dtype]) => fc.tuple(fc.constant(s), fc.constant(dtype), fc.tuple(...s.map(specArb)), fc.nat(s.length)))
    .map(([s, dtype, specs, keep]) => ({ s, dtype, specs: specs.slice(0, Math.max(keep, 0)) }));

  it('matches a naive gather of CPython slice positions, dropping integer-indexed dims', () => {
    fc.assert(
      fc.property(sliceArb, ({ s, dtype, specs }) => {
        const x = iota(s, dtype);
        const picks: number[][] = [];
        const outShape: number[] = [];
        s.forEach((n, d) => {
          const spec = specs[d] ?? null;
          if (typeof spec === 'number') picks.push([spec < 0 ? spec + n : spec]);
          else {
            const [a, b, c] = (spec ?? []) as readonly (number | null | undefined)[];
            const p = pySlice(a, b, c, n);
            picks.push(p);
            outShape.push(p.length);
          }
        });
        const y = ops.slice(x, specs);
        expect(y.shape).toEqual(outShape);
        expect(x.slice(...specs).shape).toEqual(outShape);
        const ref: number[] = [];
        forEachIndex(picks.map((p) => p.length), (idx) => ref.push(at(x, idx.map((i, d) => picks[d]![i]!))));
        expectClose(y.data, ref, EXACT);
      }),
      { numRuns: 150 },
    );
  });

  it('examples: negative steps and negative indices', () => {
    const x = arange(10);
    expect(Array.from(ops.slice(x, [[null, null, -1]]).data)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(Array.from(ops.slice(x, [[-2, 1, -3]]).data)).toEqual([8, 5, 2]);
    expect(Array.from(ops.slice(x, [[1, -1, 2]]).data)).toEqual([1, 3, 5, 7]);
    expect(Array.from(ops.slice(x, [[-100, 100]]).data)).toEqual(Array.from(x.data));
    expect(ops.slice(x, [[5, 2]]).shape).toEqual([0]);
    expect(ops.slice(x, [-1]).shape).toEqual([]);
    expect(ops.slice(x, [-1]).item()).toBe(9);
  });

  it('errors: index out of range, zero step, too many specs', () => {
    const err = captureError(() => ops.slice(zeros([3, 4]), [5]));
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.message).toBe('slice: index 5 out of range for dimension 0 of size 3 in (3,4)');
    expect(() => ops.slice(zeros([3, 4]), [null, -5])).toThrow('slice: index -5 out of range for dimension 1 of size 4 in (3,4)');
    expect(() => ops.slice(zeros([3]), [[0, 3, 0]])).toThrow(new ArgumentError('slice: step must be a non-zero integer, got 0'));
    expect(() => ops.slice(zeros([3]), [null, null])).toThrow(new ArgumentError('slice: 2 specs for a tensor of shape (3)'));
  });
});

describe('concat, stack, split, chunk (property)', () => {
  const concatArb = fc
    .tuple(shapeArb(3, 1, 3).filter((s) => s.length > 0), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), fc.nat(), dtypeArb, fc.boolean())
    .map(([base, sizes, ax, dtype, negative]) => {
      const axis = ax % base.length;
      const xs = sizes.map((n, j) => {
        const s = [...base];
        s[axis] = n;
        return ops.add(iota(s, dtype), 1000 * j);
      });
      return { xs, axis: negative ? axis - base.length : axis, a: axis, base, sizes };
    });

  it('concat places each input after the previous ones along the axis', () => {
    fc.assert(
      fc.property(concatArb, ({ xs, axis, a, base, sizes }) => {
        const y = ops.concat(xs, axis);
        const outShape = [...base];
        outShape[a] = sizes.reduce((p, n) => p + n, 0);
        expect(y.shape).toEqual(outShape);
        const ref: number[] = [];
        forEachIndex(outShape, (idx) => {
          let i = idx[a]!;
          let j = 0;
          while (i >= sizes[j]!) { i -= sizes[j]!; j++; }
          ref.push(at(xs[j]!, idx.map((v, d) => (d === a ? i : v))));
        });
        expectClose(y.data, ref, EXACT);
      }),
      RUNS,
    );
  });

  it('split with explicit sizes inverts concat; chunk follows PyTorch (ceil(n / chunks) each)', () => {
    fc.assert(
      fc.property(concatArb, fc.integer({ min: 1, max: 6 }), ({ xs, axis, a, sizes }, chunks) => {
        const y = ops.concat(xs, axis);
        const parts = ops.split(y, sizes, axis);
        expect(parts.length).toBe(xs.length);
        parts.forEach((p, j) => {
          expect(p.shape).toEqual(xs[j]!.shape);
          expectClose(p.data, xs[j]!.data, EXACT);
        });
        const n = y.shape[a]!;
        if (n === 0) return;
        const c = Math.ceil(n / chunks);
        const expected: number[] = [];
        for (let s = 0; s < n; s += c) expected.push(Math.min(c, n - s));
        const ch = y.chunk(chunks, axis);
        expect(ch.map((t) => t.shape[a])).toEqual(expected);
        expect(ch.length).toBeLessThanOrEqual(chunks);
        expectClose(ops.concat(ch, axis).data, y.data, EXACT);
        const eq = ops.split(y, c, axis);
        expect(eq.map((t) => t.shape[a])).toEqual(expected);
      }),
      RUNS,
    );
  });

  it('stack inserts a new axis at any position', () => {
    fc.assert(
      fc.property(
        fc.tuple(shapeArb(3, 1, 3), fc.integer({ min: 1, max: 4 }), dtypeArb).chain(([s, k, dtype]) =>
          fc.tuple(fc.constant(s), fc.constant(k), fc.constant(dtype), fc.integer({ min: -s.length - 1, max: s.length }))),
        ([s, k, dtype, axis]) => {
          const xs = Array.from({ length: k }, (_, j) => ops.add(iota(s, dtype), 100 * j));
          const y = ops.stack(xs, axis);
          const a = axis < 0 ? axis + s.length + 1 : axis;
          const outShape = [...s.slice(0, a), k, ...s.slice(a)];
          expect(y.shape).toEqual(outShape);
          const ref: number[] = [];
          forEachIndex(outShape, (idx) => ref.push(at(xs[idx[a]!]!, idx.filter((_, d) => d !== a))));
          expectClose(y.data, ref, EXACT);
        },
      ),
      RUNS,
    );
  });

  it('concat promotes dtypes', () => {
    const y = ops.concat([tensor([1], undefined, 'int32'), tensor([2.5], undefined, 'float64')]);
    expect(y.dtype).toBe('float64');
    expect(Array.from(y.data)).toEqual([1, 2.5]);
  });

  it('errors: mismatched shapes, empty lists, bad split sizes', () => {
    const err = captureError(() => ops.concat([zeros([2, 3]), zeros([2, 4])], 0));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toBe('concat: shapes (2,3), (2,4) differ outside axis 0');
    expect(() => ops.concat([], 0)).toThrow(new ArgumentError('concat: needs at least one tensor'));
    expect(() => ops.stack([zeros([2]), zeros([3])])).toThrow(new ShapeError('stack: all shapes must be equal, got (2), (3)'));
    expect(() => ops.split(zeros([5, 2]), [2, 2])).toThrow(new ShapeError('split: sizes [2,2] do not add up to 5 (axis 0 of (5,2))'));
    expect(() => ops.split(zeros([5]), 0)).toThrow(new ArgumentError('split: size must be a positive integer, got 0'));
    expect(() => ops.chunk(zeros([5]), 0)).toThrow(new ArgumentError('chunk: chunks must be a positive integer, got 0'));
    expect(() => ops.concat([zeros([2])], 1)).toThrow(new ArgumentError('concat: axis 1 is out of range for a tensor with 1 dimensions'));
  });
});

describe('broadcastTo and pad (property)', () => {
  it('broadcastTo repeats size-1 and missing dimensions', () => {
    fc.assert(
      fc.property(
        fc.tuple(shapeArb(4, 0, 4), fc.nat(4), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), dtypeArb),
        ([target, drop, ones_, dtype]) => {
          const s = target.slice(Math.min(drop, target.length)).map((d, i) => (ones_[i] ? 1 : d));
          const x = iota(s, dtype);
          const y = ops.broadcastTo(x, target);
          expect(y.shape).toEqual(target);
          const ref: number[] = [];
          forEachIndex(target, (idx) => ref.push(x.data[broadcastIndex(s, idx)]!));
          expectClose(y.data, ref, EXACT);
          expectClose(x.expand(target).data, ref, EXACT);
        },
      ),
      RUNS,
    );
  });

  it('pad surrounds the leading dimensions with a constant', () => {
    fc.assert(
      fc.property(
        shapeArb(3, 0, 3).chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { maxLength: s.length }),
            fc.integer({ min: -5, max: 5 }),
            dtypeArb,
          )),
        ([s, widths, value, dtype]) => {
          const x = iota(s, dtype);
          const y = ops.pad(x, widths, value);
          const w: (readonly [number, number])[] = s.map((_, d) => widths[d] ?? ([0, 0] as const));
          const outShape = s.map((n, d) => n + w[d]![0] + w[d]![1]);
          expect(y.shape).toEqual(outShape);
          const ref: number[] = [];
          forEachIndex(outShape, (idx) => {
            const inside = idx.every((v, d) => v >= w[d]![0] && v < w[d]![0] + s[d]!);
            ref.push(inside ? at(x, idx.map((v, d) => v - w[d]![0])) : value);
          });
          expectClose(y.data, ref, EXACT);
        },
      ),
      RUNS,
    );
  });

  it('errors', () => {
    const e1 = captureError(() => ops.broadcastTo(zeros([3]), [2, 2]));
    expect(e1).toBeInstanceOf(ShapeError);
    expect(e1.message).toBe('broadcastTo: cannot broadcast (3) with (2,2): dimension -1 is 3 vs 2');
    expect(() => ops.broadcastTo(ones([2, 3]), [3])).toThrow(new ShapeError('broadcastTo: cannot broadcast (2,3) to (3)'));
    expect(() => ops.pad(zeros([2]), [[-1, 0]])).toThrow(new ArgumentError('pad: widths must be non-negative integers, got [-1, 0]'));
    expect(() => ops.pad(zeros([2]), [[0, 0], [1, 1]])).toThrow(new ArgumentError('pad: 2 widths for a tensor of shape (2)'));
  });
});
