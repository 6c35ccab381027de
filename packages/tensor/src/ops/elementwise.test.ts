import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ones, scalar, tensor } from '../creation.js';
import type { DType } from '../dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { captureError } from '../test-utils.js';
import { broadcastIndex, broadcastPair, forEachIndex, prod } from '../testing/conformance.js';
import { expectClose } from '../testing/expect-close.js';
import * as ops from './index.js';

// Tolerances: float64 results are compared tightly (the reference does the same float64 arithmetic);
// float32 results differ from the float64 reference by float32 rounding of the output only.
const TOL = { float64: { atol: 1e-12, rtol: 1e-12 }, float32: { atol: 1e-6, rtol: 1e-5 } } as const;
const FLOATS = ['float32', 'float64'] as const;
const RUNS = { numRuns: 60 };

/** Values with two decimals in [-10, 10] (ties and zeros happen). */
const value = fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100);
const dimArb = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 4 }), weight: 9 }, { arbitrary: fc.constant(0), weight: 1 });

/** Two broadcast-compatible shapes: suffixes of an output shape with some dimensions set to 1. */
const broadcastShapesArb = fc
  .record({
    out: fc.array(dimArb, { maxLength: 4 }),
    dropA: fc.nat(4), dropB: fc.nat(4),
    onesA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    onesB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  })
  .map(({ out, dropA, dropB, onesA, onesB }) => {
    const a = out.slice(Math.min(dropA, out.length)).map((d, i) => (onesA[i] ? 1 : d));
    const b = out.slice(Math.min(dropB, out.length)).map((d, i) => (onesB[i] ? 1 : d));
    return [a, b] as const;
  });

const valuesFor = (shape: readonly number[], v = value) => fc.array(v, { minLength: prod(shape), maxLength: prod(shape) });

function naiveBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): { shape: number[]; data: number[] } {
  const shape = broadcastPair(a.shape, b.shape);
  const data: number[] = [];
  forEachIndex(shape, (idx) => data.push(f(a.data[broadcastIndex(a.shape, idx)]!, b.data[broadcastIndex(b.shape, idx)]!)));
  return { shape, data };
}

const BINARY: Record<string, { fn: (a: Tensor | number, b: Tensor | number) => Tensor; ref: (x: number, y: number) => number; cmp?: true }> = {
  add: { fn: ops.add, ref: (x, y) => x + y },
  sub: { fn: ops.sub, ref: (x, y) => x - y },
  mul: { fn: ops.mul, ref: (x, y) => x * y },
  div: { fn: ops.div, ref: (x, y) => x / y },
  maximum: { fn: ops.maximum, ref: Math.max },
  minimum: { fn: ops.minimum, ref: Math.min },
  eq: { fn: ops.eq, ref: (x, y) => +(x === y), cmp: true },
  ne: { fn: ops.ne, ref: (x, y) => +(x !== y), cmp: true },
  lt: { fn: ops.lt, ref: (x, y) => +(x < y), cmp: true },
  le: { fn: ops.le, ref: (x, y) => +(x <= y), cmp: true },
  gt: { fn: ops.gt, ref: (x, y) => +(x > y), cmp: true },
  ge: { fn: ops.ge, ref: (x, y) => +(x >= y), cmp: true },
};

describe('binary ops broadcast like NumPy (property)', () => {
  for (const dtype of FLOATS) {
    for (const [name, { fn, ref, cmp }] of Object.entries(BINARY)) {
      it(`${name} ${dtype} matches a naive broadcast loop`, () => {
        fc.assert(
          fc.property(
            broadcastShapesArb.chain(([sa, sb]) => fc.tuple(fc.constant(sa), fc.constant(sb), valuesFor(sa), valuesFor(sb))),
            ([sa, sb, va, vb]) => {
              const a = tensor(va, sa, dtype);
              const b = tensor(vb, sb, dtype);
              const y = fn(a, b);
              const r = naiveBinary(a, b, ref);
              expect(y.shape).toEqual(r.shape);
              expect(y.dtype).toBe(cmp ? 'int32' : dtype);
              expectClose(y.data, r.data, TOL[dtype]);
            },
          ),
          RUNS,
        );
      });
    }
  }

  it('a number operand broadcasts as a 0-d tensor of the tensor dtype, on either side', () => {
    fc.assert(
      fc.property(fc.array(dimArb, { maxLength: 3 }).chain((s) => fc.tuple(fc.constant(s), valuesFor(s))), value, ([s, v], c) => {
        for (const dtype of FLOATS) {
          const x = tensor(v, s, dtype);
          const cc = dtype === 'float32' ? Math.fround(c) : c; // the number becomes a 0-d tensor of x's dtype
          for (const { fn, ref } of Object.values(BINARY)) {
            expectClose(fn(x, c).data, Array.from(x.data, (e) => ref(e, cc)), TOL[dtype]);
            expectClose(fn(c, x).data, Array.from(x.data, (e) => ref(cc, e)), TOL[dtype]);
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it('int32 arithmetic and comparisons are exact and stay int32 (div gives float32)', () => {
    fc.assert(
      fc.property(
        broadcastShapesArb.chain(([sa, sb]) => {
          const iv = fc.integer({ min: -50, max: 50 });
          return fc.tuple(fc.constant(sa), fc.constant(sb), valuesFor(sa, iv), valuesFor(sb, iv));
        }),
        ([sa, sb, va, vb]) => {
          const a = tensor(va, sa, 'int32');
          const b = tensor(vb, sb, 'int32');
          for (const name of ['add', 'sub', 'mul', 'maximum', 'minimum', 'lt', 'eq']) {
            const { fn, ref } = BINARY[name]!;
            const y = fn(a, b);
            expect(y.dtype).toBe('int32');
            expectClose(y.data, naiveBinary(a, b, ref).data, { atol: 0, rtol: 0 });
          }
          const q = ops.div(a, b);
          expect(q.dtype).toBe('float32');
          expectClose(q.data, naiveBinary(a, b, (x, y) => x / y).data, TOL.float32);
        },
      ),
      RUNS,
    );
  });
});

describe('int32 overflow', () => {
  it('mul and square wrap exactly like NumPy/PyTorch int32, also past 2^53', () => {
    const a = tensor([1030012414, 2147483647, -2147483648, 46341], undefined, 'int32');
    const b = tensor([1585863377, 2147483647, -1, 46341], undefined, 'int32');
    // the values np.int32 gives (the exact results mod 2^32)
    expect(Array.from(ops.mul(a, b).data)).toEqual([1090414686, 1, -2147483648, -2147479015]);
    expect(Array.from(ops.square(a).data)).toEqual([124848132, 1, 0, -2147479015]);
    expect(Array.from(ops.add(a, b).data)).toEqual([-1679091505, -2, 2147483647, 92682]);
  });
});

describe('dtype promotion', () => {
  const cases: readonly [DType, DType, DType][] = [
    ['float32', 'float64', 'float64'], ['float64', 'float32', 'float64'], ['int32', 'float32', 'float32'],
    ['int32', 'float64', 'float64'], ['float32', 'int32', 'float32'], ['int32', 'int32', 'int32'],
  ];
  for (const [da, db, out] of cases) {
    it(`${da} with ${db} gives ${out}`, () => {
      const y = ops.add(tensor([1, 2], undefined, da), tensor([0.5], undefined, db));
      expect(y.dtype).toBe(out);
      expect(Array.from(y.data)).toEqual(db === 'int32' ? [1, 2] : [1.5, 2.5]);
    });
  }

  it('a non-integer number next to an int32 tensor is not truncated', () => {
    const x = tensor([1, 2, 3], undefined, 'int32');
    const half = ops.mul(x, 0.5);
    expect(half.dtype).toBe('float32');
    expect(Array.from(half.data)).toEqual([0.5, 1, 1.5]);
    expect(Array.from(ops.lt(x, 1.5).data)).toEqual([1, 0, 0]);
    expect(Array.from(ops.add(0.25, x).data)).toEqual([1.25, 2.25, 3.25]);
    expect(ops.add(x, 2).dtype).toBe('int32');
    const w = ops.where(tensor([1, 0, 1], undefined, 'int32'), x, 0.5);
    expect(w.dtype).toBe('float32');
    expect(Array.from(w.data)).toEqual([1, 0.5, 3]);
  });
});

describe('unary ops (property)', () => {
  const UNARY: readonly { name: string; fn: (x: Tensor) => Tensor; ref: (v: number) => number; lo: number; hi: number }[] = [
    { name: 'neg', fn: ops.neg, ref: (v) => -v, lo: -10, hi: 10 },
    { name: 'abs', fn: ops.abs, ref: Math.abs, lo: -10, hi: 10 },
    { name: 'exp', fn: ops.exp, ref: Math.exp, lo: -10, hi: 10 },
    { name: 'log', fn: ops.log, ref: Math.log, lo: 0.01, hi: 10 },
    { name: 'sqrt', fn: ops.sqrt, ref: Math.sqrt, lo: 0, hi: 10 },
    { name: 'square', fn: ops.square, ref: (v) => v * v, lo: -10, hi: 10 },
    { name: 'tanh', fn: ops.tanh, ref: Math.tanh, lo: -10, hi: 10 },
    { name: 'sigmoid', fn: ops.sigmoid, ref: (v) => 1 / (1 + Math.exp(-v)), lo: -10, hi: 10 },
    { name: 'relu', fn: ops.relu, ref: (v) => Math.max(v, 0), lo: -10, hi: 10 },
    { name: 'sign', fn: ops.sign, ref: Math.sign, lo: -10, hi: 10 },
    { name: 'pow 3', fn: (x) => ops.pow(x, 3), ref: (v) => v ** 3, lo: -10, hi: 10 },
    { name: 'pow 0.5', fn: (x) => ops.pow(x, 0.5), ref: Math.sqrt, lo: 0, hi: 10 },
    { name: 'clip', fn: (x) => ops.clip(x, -1.5, 2), ref: (v) => Math.min(Math.max(v, -1.5), 2), lo: -10, hi: 10 },
  ];
  for (const dtype of FLOATS) {
    for (const u of UNARY) {
      it(`${u.name} ${dtype} matches Math`, () => {
        const v = fc.integer({ min: Math.round(u.lo * 100), max: Math.round(u.hi * 100) }).map((i) => i / 100);
        fc.assert(
          fc.property(fc.array(dimArb, { maxLength: 3 }).chain((s) => fc.tuple(fc.constant(s), valuesFor(s, v))), ([s, vals]) => {
            const x = tensor(vals, s, dtype);
            const y = u.fn(x);
            expect(y.shape).toEqual(s);
            expect(y.dtype).toBe(dtype);
            expectClose(y.data, Array.from(x.data, u.ref), TOL[dtype]);
          }),
          { numRuns: 30 },
        );
      });
    }
  }

  it('sigmoid saturates without NaN for huge inputs', () => {
    for (const dtype of FLOATS) {
      const y = ops.sigmoid(tensor([-1e4, -800, 0, 800, 1e4], undefined, dtype));
      expect(Array.from(y.data)).toEqual([0, 0, 0.5, 1, 1]);
    }
  });

  it('int32 inputs: sign-preserving ops stay int32, transcendental ones give float32', () => {
    const x = tensor([-2, 0, 3], undefined, 'int32');
    expect(ops.neg(x).dtype).toBe('int32');
    expect(Array.from(ops.abs(x).data)).toEqual([2, 0, 3]);
    expect(ops.relu(x).dtype).toBe('int32');
    expect(Array.from(ops.square(x).data)).toEqual([4, 0, 9]);
    expect(ops.clip(x, -1, 1).dtype).toBe('int32');
    const e = ops.exp(x);
    expect(e.dtype).toBe('float32');
    expectClose(e.data, [Math.exp(-2), 1, Math.exp(3)], TOL.float32);
  });
});

describe('where (property)', () => {
  it('picks a where cond != 0, else b, with three-way broadcasting', () => {
    fc.assert(
      fc.property(
        broadcastShapesArb.chain(([sa, sb]) =>
          fc.tuple(
            fc.constant(sa), fc.constant(sb),
            fc.constantFrom(sa, sb, [] as number[], sa.slice(1)),
            fc.constantFrom(...FLOATS),
          )),
        fc.integer(),
        ([sa, sb, sc, dtype], seed) => {
          const rnd = (i: number): number => ((Math.imul(seed ^ i, 2654435761) >>> 0) % 2001 - 1000) / 100;
          const a = tensor(Array.from({ length: prod(sa) }, (_, i) => rnd(i)), sa, dtype);
          const b = tensor(Array.from({ length: prod(sb) }, (_, i) => rnd(i + 7919)), sb, dtype);
          const cond = tensor(Array.from({ length: prod(sc) }, (_, i) => rnd(i + 104729) > 0 ? 1 : 0), sc, 'int32');
          const y = ops.where(cond, a, b);
          const shape = broadcastPair(broadcastPair(sc, sa), sb);
          const ref: number[] = [];
          forEachIndex(shape, (idx) => ref.push(cond.data[broadcastIndex(sc, idx)] !== 0 ? a.data[broadcastIndex(sa, idx)]! : b.data[broadcastIndex(sb, idx)]!));
          expect(y.shape).toEqual(shape);
          expect(y.dtype).toBe(dtype);
          expectClose(y.data, ref, { atol: 0, rtol: 0 });
        },
      ),
      RUNS,
    );
  });

  it('accepts numbers and a float condition', () => {
    const y = ops.where(tensor([0.5, 0, -1]), 1, tensor([7, 8, 9], undefined, 'float64'));
    expect(y.dtype).toBe('float64');
    expect(Array.from(y.data)).toEqual([1, 8, 1]);
  });
});

describe('astype (property)', () => {
  it('float to int32 truncates toward zero; int32 to float is exact; float64 to float32 rounds', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 20 }), (vals) => {
        const x = tensor(vals, undefined, 'float64');
        const i = x.astype('int32');
        expect(i.dtype).toBe('int32');
        expect(Array.from(i.data)).toEqual(vals.map((v) => Math.trunc(v) + 0));
        expect(Array.from(i.astype('float64').data)).toEqual(vals.map((v) => Math.trunc(v) + 0));
        const f = ops.astype(x, 'float32');
        expect(f.dtype).toBe('float32');
        expect(f.shape).toEqual(x.shape);
        expect(Array.from(f.data)).toEqual(vals.map(Math.fround));
        expect(f.astype('float64').data).not.toBe(f.data);
      }),
      RUNS,
    );
  });
});

describe('elementwise errors', () => {
  it('broadcasting failure is a ShapeError naming the op, both shapes and the dimension', () => {
    const err = captureError(() => ops.add(ops.reshape(tensor([1, 2, 3, 4, 5, 6]), [2, 3]), tensor([1, 2, 3, 4])));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toBe('add: cannot broadcast (2,3) with (4): dimension -1 is 3 vs 4');
    expect(() => ops.mul(tensor([[1, 2]]), ones([3, 3]))).toThrow(
      'mul: cannot broadcast (1,2) with (3,3): dimension -1 is 2 vs 3',
    );
    expect(() => ops.where(tensor([1, 0], undefined, 'int32'), tensor([1, 2, 3]), 0)).toThrow(ShapeError);
    expect(() => ops.where(tensor([1, 0], undefined, 'int32'), tensor([1, 2, 3]), 0)).toThrow('where: cannot broadcast (2) with (3): dimension -1 is 2 vs 3');
  });

  it('astype to an unknown dtype is a DTypeError', () => {
    const err = captureError(() => ops.astype(tensor([1]), 'float16' as DType));
    expect(err).toBeInstanceOf(DTypeError);
    expect(err.message).toBe("astype: unknown dtype 'float16' (expected float32, float64 or int32)");
  });

  it('a non-tensor operand is an ArgumentError', () => {
    const err = captureError(() => ops.add(tensor([1]), 'a' as unknown as number));
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.message).toBe('add: expected a Tensor or a number, got string');
    expect(() => ops.exp([1, 2] as unknown as Tensor)).toThrow('exp: input must be a Tensor, got object');
    expect(() => ops.where(null as unknown as Tensor, 1, 2)).toThrow('where: cond must be a Tensor, got null');
  });

  it('assertFloat rejects int32', () => {
    expect(() => ops.assertFloat('demo', scalar(1, 'int32'))).toThrow(new DTypeError('demo: expected a float32 or float64 tensor, got int32'));
  });
});
