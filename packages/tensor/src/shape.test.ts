import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, formatShape, ShapeError } from './errors.js';
import { assertShape, broadcastShapes, broadcastStrides, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from './shape.js';
import { broadcastPair } from './testing/conformance.js';

const RUNS = { numRuns: 100 };
const shapeArb = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 });

describe('sizeOf and stridesOf (property)', () => {
  it('size is the product; row-major strides are suffix products', () => {
    fc.assert(
      fc.property(shapeArb, (s) => {
        expect(sizeOf(s)).toBe(s.reduce((p, d) => p * d, 1));
        const st = stridesOf(s);
        expect(st).toHaveLength(s.length);
        expect(st).toEqual(s.map((_, i) => s.slice(i + 1).reduce((p, d) => p * d, 1)));
      }),
      RUNS,
    );
    expect(sizeOf([])).toBe(1);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
  });
});

describe('broadcastShapes and broadcastStrides (property)', () => {
  const pairArb = fc
    .record({
      out: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
      dropA: fc.nat(4), dropB: fc.nat(4),
      onesA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), onesB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    })
    .map(({ out, dropA, dropB, onesA, onesB }) => [
      out.slice(Math.min(dropA, out.length)).map((d, i) => (onesA[i] ? 1 : d)),
      out.slice(Math.min(dropB, out.length)).map((d, i) => (onesB[i] ? 1 : d)),
    ] as const);

  it('agrees with the NumPy rule and is symmetric', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const r = broadcastShapes('op', a, b);
        expect(r).toEqual(broadcastPair(a, b));
        expect(broadcastShapes('op', b, a)).toEqual(r);
        expect(broadcastShapes('op', r, a)).toEqual(r);
      }),
      RUNS,
    );
  });

  it('broadcast strides are 0 on size-1 and missing dimensions, contiguous strides elsewhere', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const out = broadcastShapes('op', a, b);
        const st = broadcastStrides(a, out);
        const own = stridesOf(a);
        const off = out.length - a.length;
        expect(st).toHaveLength(out.length);
        expect(st).toEqual(out.map((_, d) => (d < off || a[d - off] === 1 ? 0 : own[d - off])));
      }),
      RUNS,
    );
  });

  it('incompatible shapes: a ShapeError naming the op, both shapes and the (negative) dimension', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
        (prefix, da, db, suffix) => {
          fc.pre(da !== db);
          const a = [...prefix, da, ...suffix];
          const b = [db, ...suffix];
          const dim = -(suffix.length + 1);
          const err = (() => { try { broadcastShapes('mul', a, b); } catch (e) { return e as Error; } return undefined; })();
          expect(err).toBeInstanceOf(ShapeError);
          expect(err?.message).toBe(`mul: cannot broadcast ${formatShape(a)} with ${formatShape(b)}: dimension ${dim} is ${da} vs ${db}`);
        },
      ),
      RUNS,
    );
  });
});

describe('axes', () => {
  it('normalizeAxis maps [-n, n) onto [0, n) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: -n, max: n - 1 }))), ([n, a]) => {
        expect(normalizeAxis('op', a, n)).toBe(a < 0 ? a + n : a);
      }),
      RUNS,
    );
  });

  it('normalizeAxis rejects out-of-range and non-integer axes with an ArgumentError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 20 }), fc.boolean(), (n, over, neg) => {
        const axis = neg ? -n - 1 - over : n + over;
        expect(() => normalizeAxis('sum', axis, n)).toThrow(new ArgumentError(`sum: axis ${axis} is out of range for a tensor with ${n} dimensions`));
      }),
      RUNS,
    );
    expect(() => normalizeAxis('sum', 0.5, 2)).toThrow(ArgumentError);
    expect(normalizeAxis('sum', 0, 0)).toBe(0);
  });

  it('normalizeAxes sorts, resolves negatives, and rejects repeats', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i)), fc.array(fc.boolean(), { minLength: n, maxLength: n }))),
        ([n, sub, neg]) => {
          const given = sub.map((a, i) => (neg[i] ? a - n : a));
          expect(normalizeAxes('op', given, n)).toEqual([...sub].sort((x, y) => x - y));
          if (sub.length > 0) {
            expect(() => normalizeAxes('op', [...given, sub[0]!], n)).toThrow(ArgumentError);
          }
        },
      ),
      RUNS,
    );
    expect(normalizeAxes('op', undefined, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes('op', -1, 3)).toEqual([2]);
    expect(() => normalizeAxes('sum', [1, -2], 3)).toThrow(new ArgumentError('sum: repeated axis in [1,-2]'));
  });
});

describe('shapesEqual and assertShape', () => {
  it('shapesEqual is element-wise equality (property)', () => {
    fc.assert(
      fc.property(shapeArb, shapeArb, (a, b) => {
        expect(shapesEqual(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(shapesEqual(a, [...a])).toBe(true);
      }),
      RUNS,
    );
  });

  it('assertShape accepts non-negative integers only', () => {
    expect(() => assertShape('op', [2, 0, 3])).not.toThrow();
    expect(() => assertShape('zeros', [2, -1])).toThrow(new ShapeError('zeros: invalid shape (2,-1): dimensions must be non-negative integers'));
    expect(() => assertShape('zeros', [Number.NaN])).toThrow(ShapeError);
    expect(() => assertShape('zeros', [1.5])).toThrow(ShapeError);
    expect(() => assertShape('zeros', 'ab' as unknown as number[])).toThrow(new ArgumentError('zeros: shape must be an array of integers, got ab'));
  });

  it('formatShape writes (d0,d1,...) and () for a scalar', () => {
    expect(formatShape([2, 3])).toBe('(2,3)');
    expect(formatShape([])).toBe('()');
    expect(formatShape([7])).toBe('(7)');
  });
});
