import { getBackend, type ReduceKernel } from '../backend.js';
import { dispatch } from '../dispatch.js';
import { allocArray, type DType } from '../dtype.js';
import { formatShape, ShapeError } from '../errors.js';
import { normalizeAxes, normalizeAxis, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { mul, square, sub } from './elementwise.js';
import { assertTensor } from './util.js';

/** Output shape of a reduction. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Runs a reduce kernel over sorted axes: contiguous axes in place, others after a permute. */
function runReduce(kernel: ReduceKernel, x: Tensor, axes: readonly number[], outDtype: DType): { data: ReturnType<typeof allocArray> } {
  const shape = x.shape;
  const n = axes.reduce((p, a) => p * shape[a]!, 1);
  const outSize = n === 0 ? sizeOf(shape.filter((_, i) => !axes.includes(i))) : x.size / n;
  const out = allocArray(outDtype, outSize);
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
  const be = getBackend();
  if (contiguous && axes.length > 0) {
    const outer = sizeOf(shape.slice(0, axes[0]));
    const inner = sizeOf(shape.slice(axes[axes.length - 1]! + 1));
    be.reduce(kernel, x.data, outer, n, inner, out);
  } else {
    const keep = shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...keep, ...axes];
    const strides = stridesOf(shape);
    const tmp = allocArray(x.dtype, x.size);
    be.copyStrided(x.data, 0, perm.map((p) => strides[p]!), perm.map((p) => shape[p]!), tmp, 0);
    be.reduce(kernel, tmp, outSize, n, 1, out);
  }
  return { data: out };
}

/** normalizeAxis accepts axis 0 of a 0-d tensor (like PyTorch): reducing it is a no-op. */
function scalarSafe(axes: number[], x: Tensor): number[] {
  return x.ndim === 0 ? [] : axes;
}

function reduceOp(kernel: 'sum' | 'max' | 'min' | 'logsumexp', x: Tensor, axesIn: number | readonly number[] | undefined, keepDims: boolean): Tensor {
  assertTensor(kernel, x);
  const axes = scalarSafe(normalizeAxes(kernel, axesIn, x.ndim), x);
  if ((kernel === 'max' || kernel === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(`${kernel}: cannot reduce an empty axis of ${formatShape(x.shape)}`);
  }
  return dispatch(kernel, [x], { axes, keepDims }, () => {
    const dtype = kernel === 'logsumexp' && x.dtype === 'int32' ? 'float32' : x.dtype;
    const { data } = runReduce(kernel, x, axes, dtype);
    return new Tensor(data, reducedShape(x.shape, axes, keepDims));
  });
}

/**
 * Sum over axes (all when omitted). An int32 sum stays int32 and wraps in two's complement on
 * overflow (NumPy and PyTorch promote to int64); `x.astype('float64').sum()` is exact to 2^53.
 * @example `tensor([[1, 2], [3, 4]]).sum(0) // [4, 6]`
 */
export const sum = (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => reduceOp('sum', x, axes, keepDims);
/** Maximum over axes. @example `tensor([[1, 5], [3, 4]]).max(1) // [5, 4]` */
export const max = (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => reduceOp('max', x, axes, keepDims);
/** Minimum over axes. @example `tensor([[1, 5], [3, 4]]).min(1) // [1, 3]` */
export const min = (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => reduceOp('min', x, axes, keepDims);
/** log(sum(exp(x))) over axes, computed stably. @example `logsumexp(tensor([0, 0])) // ln 2` */
export const logsumexp = (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => reduceOp('logsumexp', x, axes, keepDims);

/** Mean over axes. @example `tensor([1, 2, 3]).mean().item() // 2` */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  assertTensor('mean', x);
  const ax = scalarSafe(normalizeAxes('mean', axes, x.ndim), x);
  const n = ax.reduce((p, a) => p * x.shape[a]!, 1);
  const s = sum(x.dtype === 'int32' ? x.astype('float32') : x, ax, keepDims);
  return mul(s, 1 / n);
}

/**
 * Variance over axes with `correction` (0: population, 1: Bessel's).
 * @example `variance(tensor([1, 2, 3, 4])).item() // 1.25`
 */
export function variance(x: Tensor, axes?: number | readonly number[], keepDims = false, correction = 0): Tensor {
  assertTensor('variance', x);
  const ax = scalarSafe(normalizeAxes('variance', axes, x.ndim), x);
  const n = ax.reduce((p, a) => p * x.shape[a]!, 1);
  const centered = sub(x, mean(x, ax, true));
  return mul(sum(square(centered), ax, keepDims), 1 / Math.max(n - correction, 0));
}

function argOp(kernel: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  assertTensor(kernel, x);
  if (axis !== undefined && x.ndim === 0) normalizeAxis(kernel, axis, 0);
  if (axis === undefined || x.ndim === 0) {
    if (x.size === 0) throw new ShapeError(`${kernel}: empty tensor ${formatShape(x.shape)}`);
    const flat = new Tensor(x.data, [x.size]);
    const r = runReduce(kernel, flat, [0], 'int32');
    return new Tensor(r.data, keepDims ? x.shape.map(() => 1) : []);
  }
  const a = normalizeAxis(kernel, axis, x.ndim);
  if (x.shape[a] === 0) throw new ShapeError(`${kernel}: cannot reduce an empty axis of ${formatShape(x.shape)}`);
  const r = runReduce(kernel, x, [a], 'int32');
  return new Tensor(r.data, reducedShape(x.shape, [a], keepDims));
}

/** Index of the maximum along an axis (flattened when omitted), as int32. @example `tensor([1, 9, 3]).argmax().item() // 1` */
export const argmax = (x: Tensor, axis?: number, keepDims = false): Tensor => argOp('argmax', x, axis, keepDims);
/** Index of the minimum along an axis, as int32. @example `tensor([4, 0, 3]).argmin().item() // 1` */
export const argmin = (x: Tensor, axis?: number, keepDims = false): Tensor => argOp('argmin', x, axis, keepDims);
