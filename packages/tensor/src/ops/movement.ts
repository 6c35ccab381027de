import { getBackend } from '../backend.js';
import { dispatch } from '../dispatch.js';
import { allocArray, promoteTypes } from '../dtype.js';
import { ArgumentError, checkPositiveInt, formatShape, ShapeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, normalizeAxis, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertTensor } from './util.js';

/**
 * Same data, new shape (one dimension may be -1). Shares memory with the input.
 * @example `arange(6).reshape([2, -1]).shape // [2, 3]`
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('reshape', x);
  const target = [...shape];
  const infer = target.indexOf(-1);
  if (infer !== target.lastIndexOf(-1)) throw new ShapeError(`reshape: only one dimension may be -1 in ${formatShape(shape)}`);
  if (infer >= 0) {
    const rest = sizeOf(target.filter((_, i) => i !== infer));
    if (rest === 0 || x.size % rest !== 0) throw new ShapeError(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
    target[infer] = x.size / rest;
  }
  if (target.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(target) !== x.size) {
    throw new ShapeError(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
  }
  return dispatch('reshape', [x], { shape: target }, () => new Tensor(x.data, target));
}

/** Removes size-1 dimensions (one axis, or all). @example `zeros([1, 3, 1]).squeeze().shape // [3]` */
export function squeeze(x: Tensor, axis?: number): Tensor {
  assertTensor('squeeze', x);
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis('squeeze', axis, x.ndim);
  if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${axis} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

/** Inserts a size-1 dimension at `axis`. @example `zeros([3]).unsqueeze(0).shape // [1, 3]` */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  assertTensor('unsqueeze', x);
  const a = normalizeAxis('unsqueeze', axis, x.ndim + 1);
  const s = [...x.shape];
  s.splice(a, 0, 1);
  return reshape(x, s);
}

/**
 * Reorders dimensions (copies into the new layout).
 * @example `zeros([2, 3, 4]).permute([2, 0, 1]).shape // [4, 2, 3]`
 */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  assertTensor('permute', x);
  if (axes.length !== x.ndim) throw new ArgumentError(`permute: got ${axes.length} axes for a tensor of shape ${formatShape(x.shape)}`);
  const perm = axes.map((a) => normalizeAxis('permute', a, x.ndim));
  if (new Set(perm).size !== perm.length) throw new ArgumentError(`permute: axes [${axes.join(',')}] repeat an axis`);
  return dispatch('permute', [x], { axes: perm }, () => {
    const strides = stridesOf(x.shape);
    const shape = perm.map((p) => x.shape[p]!);
    const out = allocArray(x.dtype, x.size);
    getBackend().copyStrided(x.data, 0, perm.map((p) => strides[p]!), shape, out, 0);
    return new Tensor(out, shape);
  });
}

/** Swaps two dimensions (the last two by default). @example `zeros([2, 3]).transpose().shape // [3, 2]` */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  assertTensor('transpose', x);
  const perm = x.shape.map((_, i) => i);
  const ia = normalizeAxis('transpose', a, x.ndim);
  const ib = normalizeAxis('transpose', b, x.ndim);
  perm[ia] = ib;
  perm[ib] = ia;
  return permute(x, perm);
}

/**
 * One dimension's slice: a number picks an index and drops the dimension; `[start, end, step]`
 * follows Python (negative indices count from the end, a negative step walks backwards);
 * `null` keeps the whole dimension.
 */
export type SliceSpec = number | null | readonly [start?: number | null, end?: number | null, step?: number | null];

/**
 * Slices a tensor with one spec per leading dimension (a copy).
 * @example `arange(10).slice([1, -1, 2]) // [1, 3, 5, 7]`
 */
export function slice(x: Tensor, specs: readonly SliceSpec[]): Tensor {
  assertTensor('slice', x);
  if (specs.length > x.ndim) throw new ArgumentError(`slice: ${specs.length} specs for a tensor of shape ${formatShape(x.shape)}`);
  const strides = stridesOf(x.shape);
  let offset = 0;
  const begins: number[] = [];
  const steps: number[] = [];
  const viewShape: number[] = [];
  const outShape: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    const n = x.shape[d]!;
    const spec = specs[d] ?? null;
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -n || spec >= n) throw new ArgumentError(`slice: index ${spec} out of range for dimension ${d} of size ${n} in ${formatShape(x.shape)}`);
      const i = spec < 0 ? spec + n : spec;
      begins.push(i); steps.push(1); viewShape.push(1);
      offset += i * strides[d]!;
      continue;
    }
    if (spec !== null && (!Array.isArray(spec) || spec.length > 3 || spec.some((v) => v !== null && v !== undefined && typeof v !== 'number'))) {
      throw new ArgumentError(`slice: spec for dimension ${d} must be an index, null or [start, end, step], got ${JSON.stringify(spec)}`);
    }
    const [s0, e0, st0] = spec ?? [];
    const step = st0 ?? 1;
    if (!Number.isInteger(step) || step === 0) throw new ArgumentError(`slice: step must be a non-zero integer, got ${st0}`);
    const clampIdx = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    let start: number;
    let count: number;
    if (step > 0) {
      start = s0 == null ? 0 : clampIdx(s0, 0, n);
      const end = e0 == null ? n : clampIdx(e0, 0, n);
      count = Math.max(0, Math.ceil((end - start) / step));
    } else {
      start = s0 == null ? n - 1 : clampIdx(s0, -1, n - 1);
      const end = e0 == null ? -1 : clampIdx(e0, -1, n - 1);
      count = Math.max(0, Math.ceil((end - start) / step));
    }
    begins.push(start); steps.push(step); viewShape.push(count); outShape.push(count);
    if (count > 0) offset += start * strides[d]!;
  }
  return dispatch('slice', [x], { begins, steps, viewShape }, () => {
    const out = allocArray(x.dtype, sizeOf(viewShape));
    getBackend().copyStrided(x.data, offset, strides.map((s, d) => s * steps[d]!), viewShape, out, 0);
    return new Tensor(out, outShape);
  });
}

/** Repeats size-1 dimensions to `shape` (NumPy rules; a copy). @example `tensor([1, 2]).broadcastTo([3, 2])` */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('broadcastTo', x);
  const target = broadcastShapes('broadcastTo', x.shape, shape);
  if (target.length !== shape.length || target.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  return dispatch('broadcastTo', [x], { shape: target }, () => {
    const out = allocArray(x.dtype, sizeOf(target));
    getBackend().copyStrided(x.data, 0, broadcastStrides(x.shape, target), target, out, 0);
    return new Tensor(out, target);
  });
}

/**
 * Pads with a constant: `widths[d] = [before, after]` for leading dimensions.
 * @example `pad(tensor([1, 2]), [[1, 0]]) // [0, 1, 2]`
 */
export function pad(x: Tensor, widths: readonly (readonly [number, number])[], value = 0): Tensor {
  assertTensor('pad', x);
  if (widths.length > x.ndim) throw new ArgumentError(`pad: ${widths.length} widths for a tensor of shape ${formatShape(x.shape)}`);
  const w = x.shape.map((_, d) => widths[d] ?? [0, 0]);
  for (const [a, b] of w) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) throw new ArgumentError(`pad: widths must be non-negative integers, got [${a}, ${b}]`);
  }
  const shape = x.shape.map((d, i) => d + w[i]![0] + w[i]![1]);
  return dispatch('pad', [x], { widths: w }, () => {
    const out = allocArray(x.dtype, sizeOf(shape));
    if (value !== 0) out.fill(value);
    const outStrides = stridesOf(shape);
    const offset = w.reduce((p, [a], i) => p + a * outStrides[i]!, 0);
    scatterStrided(x.data, out, offset, outStrides, x.shape);
    return new Tensor(out, shape);
  });
}

/** Writes contiguous `src` into the strided view (offset, strides, shape) of `dst`. */
export function scatterStrided(src: ArrayLike<number>, dst: { [i: number]: number }, offset: number, strides: readonly number[], shape: readonly number[]): void {
  const nd = shape.length;
  const total = sizeOf(shape);
  const idx = new Array<number>(nd).fill(0);
  let o = offset;
  for (let i = 0; i < total; i++) {
    dst[o] = src[i]!;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      o += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      o -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * Joins tensors along an existing axis.
 * @example `concat([zeros([2, 3]), ones([1, 3])], 0).shape // [3, 3]`
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError('concat: needs at least one tensor');
  for (const t of xs) assertTensor('concat', t);
  const first = xs[0]!;
  const a = normalizeAxis('concat', axis, first.ndim);
  for (const t of xs) {
    if (t.ndim !== first.ndim || t.shape.some((d: number, i: number) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${xs.map((s) => formatShape(s.shape)).join(', ')} differ outside axis ${axis}`);
    }
  }
  const sizes = xs.map((t) => t.shape[a]!);
  return dispatch('concat', xs, { axis: a, sizes }, () => {
    const dtype = xs.reduce((d, t) => promoteTypes(d, t.dtype), first.dtype);
    const shape = [...first.shape];
    shape[a] = sizes.reduce((p, s) => p + s, 0);
    const out = allocArray(dtype, sizeOf(shape));
    const outer = sizeOf(shape.slice(0, a));
    const inner = sizeOf(shape.slice(a + 1));
    const rowOut = shape[a]! * inner;
    let colOff = 0;
    for (const t of xs) {
      const rowIn = t.shape[a]! * inner;
      for (let o = 0; o < outer; o++) {
        const src = t.data.subarray(o * rowIn, (o + 1) * rowIn);
        out.set(src, o * rowOut + colOff);
      }
      colOff += rowIn;
    }
    return new Tensor(out, shape);
  });
}

/** Joins tensors of one shape along a new axis. @example `stack([zeros([3]), ones([3])]).shape // [2, 3]` */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError('stack: needs at least one tensor');
  const first = xs[0]!;
  for (const t of xs) {
    assertTensor('stack', t);
    if (t.ndim !== first.ndim || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError(`stack: all shapes must be equal, got ${xs.map((s) => formatShape(s.shape)).join(', ')}`);
    }
  }
  const a = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(xs.map((t) => unsqueeze(t, a)), a);
}

/**
 * Splits along an axis into pieces of the given sizes (or of equal size `n`, the last smaller).
 * @example `arange(5).split([2, 3]).map((t) => t.shape) // [[2], [3]]`
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  assertTensor('split', x);
  const a = normalizeAxis('split', axis, x.ndim);
  const n = x.shape[a]!;
  let parts: number[];
  if (typeof sizes === 'number') {
    checkPositiveInt('split', 'size', sizes);
    parts = [];
    for (let s = 0; s < n; s += sizes) parts.push(Math.min(sizes, n - s));
  } else {
    parts = [...sizes];
    if (parts.some((p) => !Number.isInteger(p) || p < 0) || parts.reduce((p, s) => p + s, 0) !== n) {
      throw new ShapeError(`split: sizes [${parts.join(',')}] do not add up to ${n} (axis ${axis} of ${formatShape(x.shape)})`);
    }
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const p of parts) {
    const specs: SliceSpec[] = x.shape.map(() => null);
    specs[a] = [start, start + p];
    out.push(slice(x, specs));
    start += p;
  }
  return out;
}

/** Splits into `chunks` nearly equal pieces (PyTorch's rule). @example `arange(6).chunk(3).length // 3` */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  assertTensor('chunk', x);
  checkPositiveInt('chunk', 'chunks', chunks);
  const n = x.shape[normalizeAxis('chunk', axis, x.ndim)]!;
  return split(x, Math.max(1, Math.ceil(n / chunks)), axis);
}
