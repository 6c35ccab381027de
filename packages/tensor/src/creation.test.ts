import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arange, eye, fromFunction, full, ones, onesLike, rand, randint, randn, scalar, tensor, zeros, zerosLike,
} from './creation.js';
import type { DType } from './dtype.js';
import { ArgumentError, DTypeError, ShapeError } from './errors.js';
import { Generator } from './random.js';
import type { NestedArray } from './tensor.js';
import { captureError } from './test-utils.js';
import { prod } from './testing/conformance.js';

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];
const RUNS = { numRuns: 80 };

/** Builds nested arrays of `shape` from a flat list (the test's own construction). */
function nest(flat: readonly number[], shape: readonly number[]): NestedArray {
  if (shape.length === 0) return flat[0]!;
  const [n, ...rest] = shape;
  const step = prod(rest);
  return Array.from({ length: n! }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}

describe('tensor() (property)', () => {
  const nestedArb = fc
    .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), fc.constantFrom(...DTYPES))
    .chain(([s, dtype]) => fc.tuple(fc.constant(s), fc.constant(dtype), fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: prod(s), maxLength: prod(s) })));

  it('infers the shape of nested arrays, stores row-major, and toArray round-trips', () => {
    fc.assert(
      fc.property(nestedArb, ([s, dtype, flat]) => {
        const t = tensor(nest(flat, s), undefined, dtype);
        expect(t.shape).toEqual(s);
        expect(t.dtype).toBe(dtype);
        expect(Array.from(t.data)).toEqual(flat);
        expect(t.toArray()).toEqual(nest(flat, s));
        expect(tensor(t.toArray(), undefined, dtype).data).toEqual(t.data);
      }),
      RUNS,
    );
  });

  it('a flat array with a shape, and a typed array (copied, dtype inferred)', () => {
    fc.assert(
      fc.property(nestedArb, ([s, dtype, flat]) => {
        expect(tensor(flat, s, dtype).shape).toEqual(s);
        const typed = dtype === 'int32' ? Int32Array.from(flat) : dtype === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat);
        const t = tensor(typed, s);
        expect(t.dtype).toBe(dtype);
        expect(t.data).not.toBe(typed);
        expect(Array.from(t.data)).toEqual(flat);
        expect(tensor(typed).shape).toEqual([flat.length]);
      }),
      RUNS,
    );
  });

  it('defaults: float32; float32 rounds; a typed array converts to another dtype', () => {
    expect(tensor([0.1]).dtype).toBe('float32');
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], undefined, 'float64').data[0]).toBe(0.1);
    expect(tensor(new Float64Array([1.5, 2]), undefined, 'float32').dtype).toBe('float32');
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor(5 as unknown as number[]).shape).toEqual([]);
  });

  it('errors: ragged arrays, mismatched shapes, unknown dtypes', () => {
    const err = captureError(() => tensor([[1, 2], [3]]));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toBe('tensor: ragged nested array: expected length 2 at depth 1, got 1');
    expect(() => tensor([[1, 2], 3] as unknown as number[][])).toThrow(new ShapeError('tensor: ragged nested array: expected length 2 at depth 1, got number'));
    expect(() => tensor([1, [2]] as unknown as number[])).toThrow(new ArgumentError('tensor: expected a number at depth 1, got an array'));
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(new ShapeError('tensor: shape (2,2) needs 4 elements, got 3'));
    expect(() => tensor([1, 2], [2, -1])).toThrow(new ShapeError('tensor: invalid shape (2,-1): dimensions must be non-negative integers'));
    const d = captureError(() => tensor([1], undefined, 'float16' as DType));
    expect(d).toBeInstanceOf(DTypeError);
    expect(d.message).toBe("tensor: unknown dtype 'float16' (expected float32, float64 or int32)");
    expect(() => tensor(new Float32Array(3), [2, 2])).toThrow(new ShapeError('Tensor: shape (2,2) needs 4 elements, data has 3'));
  });
});

describe('filled tensors', () => {
  it('full/zeros/ones/scalar and the *Like variants', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), fc.constantFrom(...DTYPES), fc.integer({ min: -9, max: 9 }), (s, dtype, v) => {
        const f = full(s, v, { dtype });
        expect(f.shape).toEqual(s);
        expect(f.dtype).toBe(dtype);
        expect(Array.from(f.data).every((e) => e === v)).toBe(true);
        expect(Array.from(zeros(s, { dtype }).data).every((e) => e === 0)).toBe(true);
        expect(Array.from(ones(s, { dtype }).data).every((e) => e === 1)).toBe(true);
        expect(zerosLike(f).dtype).toBe(dtype);
        expect(onesLike(f).shape).toEqual(s);
        expect(Array.from(onesLike(f).data).every((e) => e === 1)).toBe(true);
      }),
      RUNS,
    );
    expect(scalar(3).shape).toEqual([]);
    expect(scalar(3, 'int32').dtype).toBe('int32');
    expect(zeros([2]).dtype).toBe('float32');
  });

  it('errors: invalid shapes and dtypes', () => {
    expect(() => zeros([2, -1])).toThrow(new ShapeError('full: invalid shape (2,-1): dimensions must be non-negative integers'));
    expect(() => ones([1.5])).toThrow(ShapeError);
    expect(() => full([2], 1, { dtype: 'bool' as DType })).toThrow(new DTypeError("full: unknown dtype 'bool' (expected float32, float64 or int32)"));
    expect(() => zeros(3 as unknown as number[])).toThrow(new ArgumentError('full: shape must be an array of integers, got 3'));
  });
});

describe('arange, eye, fromFunction (property)', () => {
  it('arange has ceil((stop - start) / step) values start + i * step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), fc.constantFrom(1, 2, 0.5, 0.25, -1, -0.5, 3),
        (start, stop, step) => {
          const t = arange(start, stop, step, { dtype: 'float64' });
          const n = Math.max(0, Math.ceil((stop - start) / step));
          expect(t.shape).toEqual([n]);
          expect(Array.from(t.data)).toEqual(Array.from({ length: n }, (_, i) => start + i * step));
          expect(Array.from(t.data).every((v) => (step > 0 ? v < stop : v > stop))).toBe(true);
        },
      ),
      RUNS,
    );
    expect(Array.from(arange(5).data)).toEqual([0, 1, 2, 3, 4]);
    expect(arange(3, undefined, 1, { dtype: 'int32' }).dtype).toBe('int32');
    expect(() => arange(0, 5, 0)).toThrow(new ArgumentError('arange: step must be a finite non-zero number, got 0'));
    expect(() => arange(0, 5, Number.NaN)).toThrow(ArgumentError);
  });

  it('eye(n, m) has ones on the diagonal only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), (n, m) => {
        const e = eye(n, m, { dtype: 'float64' });
        expect(e.shape).toEqual([n, m]);
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expect(e.data[i * m + j]).toBe(i === j ? 1 : 0);
      }),
      { numRuns: 30 },
    );
    expect(eye(3).shape).toEqual([3, 3]);
  });

  it('fromFunction evaluates f at each multi-index in row-major order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), (s) => {
        const t = fromFunction(s, (idx) => idx.reduce((p, v, d) => p * 10 + v + d, 0), { dtype: 'float64' });
        expect(t.shape).toEqual(s);
        const ref: number[] = [];
        const walk = (prefix: number[]): void => {
          if (prefix.length === s.length) { ref.push(prefix.reduce((p, v, d) => p * 10 + v + d, 0)); return; }
          for (let i = 0; i < s[prefix.length]!; i++) walk([...prefix, i]);
        };
        walk([]);
        expect(Array.from(t.data)).toEqual(ref);
      }),
      RUNS,
    );
  });
});

describe('random creation', () => {
  it('rand lies in [low, high), is reproducible from a generator, and honours dtype', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -5, max: 5 }), fc.integer({ min: 1, max: 5 }), (seed, low, width) => {
        const a = rand([50], { generator: new Generator(seed), low, high: low + width, dtype: 'float64' });
        const b = rand([50], { generator: new Generator(seed), low, high: low + width, dtype: 'float64' });
        expect(a.data).toEqual(b.data);
        expect(Array.from(a.data).every((v) => v >= low && v < low + width)).toBe(true);
      }),
      { numRuns: 30 },
    );
    expect(rand([2, 3]).dtype).toBe('float32');
    expect(rand([2, 3]).shape).toEqual([2, 3]);
  });

  it('randn honours mean and std (loose bounds on 10k samples)', () => {
    const x = randn([10000], { generator: new Generator(7), mean: 3, std: 0.5, dtype: 'float64' });
    const xs = Array.from(x.data);
    const m = xs.reduce((p, v) => p + v, 0) / x.size;
    const sd = Math.sqrt(xs.reduce((p, v) => p + (v - m) ** 2, 0) / x.size);
    expect(Math.abs(m - 3)).toBeLessThan(0.03);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.03);
  });

  it('randint is int32 in [low, high) and reaches both ends', () => {
    const x = randint(-2, 3, [2000], { generator: new Generator(9) });
    expect(x.dtype).toBe('int32');
    const vals = new Set(Array.from(x.data));
    expect([...vals].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    expect(randint(0, 10, [3], { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => randint(3, 3, [1])).toThrow(new ArgumentError('randint: high (3) must be greater than low (3)'));
  });
});
