import { allocArray, assertDType, type DType, dtypeOfArray, type TypedArray } from './dtype.js';
import { ArgumentError, formatShape, ShapeError } from './errors.js';
import { defaultGenerator, type Generator } from './random.js';
import { assertShape, sizeOf } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

/** Options shared by creation functions. */
export interface CreateOptions {
  dtype?: DType;
}

/** Options of random creation functions. */
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

function inferShape(x: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedArray;
    if (cur === undefined) break;
  }
  return shape;
}

function flatten(x: NestedArray, shape: readonly number[], out: TypedArray): void {
  let k = 0;
  const walk = (v: NestedArray, d: number): void => {
    if (d === shape.length) {
      if (typeof v !== 'number') throw new ArgumentError(`tensor: expected a number at depth ${d}, got ${Array.isArray(v) ? 'an array' : typeof v}`);
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new ShapeError(`tensor: ragged nested array: expected length ${shape[d]} at depth ${d}, got ${Array.isArray(v) ? v.length : typeof v}`);
    }
    for (const e of v) walk(e, d + 1);
  };
  walk(x, 0);
}

/**
 * Creates a tensor from nested arrays, a flat array or a typed array (copied), with an optional
 * shape and dtype (inferred from a typed array, float32 otherwise).
 *
 * @example
 * ```ts
 * import { tensor } from '@unroll/tensor';
 * tensor([[1, 2], [3, 4]]);                     // (2,2) float32
 * tensor([1, 2, 3, 4], [2, 2], 'float64');       // (2,2) float64
 * tensor(new Int32Array([1, 2]));                // (2) int32
 * ```
 */
export function tensor(values: NestedArray | TypedArray | readonly number[], shape?: readonly number[], dtype?: DType): Tensor {
  if (ArrayBuffer.isView(values)) {
    const d = dtype ?? dtypeOfArray(values) ?? 'float32';
    assertDType('tensor', d);
    const out = allocArray(d, values.length);
    out.set(values);
    return new Tensor(out, shape ?? [values.length]);
  }
  const d = dtype ?? 'float32';
  assertDType('tensor', d);
  const inferred = inferShape(values as NestedArray);
  const out = allocArray(d, sizeOf(inferred));
  flatten(values as NestedArray, inferred, out);
  if (shape !== undefined) {
    assertShape('tensor', shape);
    if (sizeOf(shape) !== out.length) throw new ShapeError(`tensor: shape ${formatShape(shape)} needs ${sizeOf(shape)} elements, got ${out.length}`);
    return new Tensor(out, shape);
  }
  return new Tensor(out, inferred);
}

/** A scalar (0-d) tensor. @example `scalar(3).item() // 3` */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return full([], value, { dtype });
}

/** Tensor filled with `value`. @example `full([2, 2], 7)` */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  assertShape('full', shape);
  const dtype = opts.dtype ?? 'float32';
  assertDType('full', dtype);
  const data = allocArray(dtype, sizeOf(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape);
}

/** Zeros. @example `zeros([2, 3])` */
export const zeros = (shape: readonly number[], opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
/** Ones. @example `ones([2, 3], { dtype: 'float64' })` */
export const ones = (shape: readonly number[], opts: CreateOptions = {}): Tensor => full(shape, 1, opts);
/** Zeros shaped like another tensor. @example `zerosLike(x)` */
export const zerosLike = (t: Tensor): Tensor => zeros(t.shape, { dtype: t.dtype });
/** Ones shaped like another tensor. @example `onesLike(x)` */
export const onesLike = (t: Tensor): Tensor => ones(t.shape, { dtype: t.dtype });

/**
 * Evenly spaced values in [start, stop) (one argument: [0, n)).
 * @example `arange(5) // [0,1,2,3,4]`; `arange(1, 2, 0.25)`
 */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (stop === undefined) { stop = start; start = 0; }
  if (step === 0 || !Number.isFinite(step)) throw new ArgumentError(`arange: step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = opts.dtype ?? 'float32';
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/** Identity matrix (n, m). @example `eye(3)` */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const t = zeros([n, m], opts);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/**
 * Tensor whose element at each multi-index is `f(index)`.
 * @example `fromFunction([2, 2], ([i, j]) => i * 10 + j) // [[0,1],[10,11]]`
 */
export function fromFunction(shape: readonly number[], f: (index: number[]) => number, opts: CreateOptions = {}): Tensor {
  const t = zeros(shape, opts);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < t.size; k++) {
    t.data[k] = f([...idx]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return t;
}

/** Uniform samples in [low, high). @example `rand([2, 2], { generator: new Generator(1) })` */
export function rand(shape: readonly number[], opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const g = opts.generator ?? defaultGenerator;
  const { low = 0, high = 1 } = opts;
  const t = zeros(shape, opts);
  for (let i = 0; i < t.size; i++) t.data[i] = low + (high - low) * g.random();
  return t;
}

/** Normal samples with `mean` and `std`. @example `randn([3], { std: 0.1 })` */
export function randn(shape: readonly number[], opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const g = opts.generator ?? defaultGenerator;
  const { mean = 0, std = 1 } = opts;
  const t = zeros(shape, opts);
  for (let i = 0; i < t.size; i++) t.data[i] = mean + std * g.normal();
  return t;
}

/** Integers uniform in [low, high), int32 by default. @example `randint(0, 10, [5])` */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const g = opts.generator ?? defaultGenerator;
  const t = zeros(shape, { dtype: opts.dtype ?? 'int32' });
  for (let i = 0; i < t.size; i++) t.data[i] = g.randint(low, high);
  return t;
}
