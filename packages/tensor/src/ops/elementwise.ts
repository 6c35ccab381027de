import { getBackend } from '../backend.js';
import { dispatch } from '../dispatch.js';
import { allocArray, assertDType, type DType, isFloat, promoteTypes } from '../dtype.js';
import { DTypeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, sizeOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import type { BinaryKernel, OpName, UnaryKernel } from '../vocabulary.js';
import { assertTensor, asTensor } from './util.js';

/** The unary kernels that are ops of their own (`neg`, `exp`...; not `copy` or `step`). */
type UnaryOp = Extract<UnaryKernel, OpName>;
/** The binary kernels that are ops of their own (the `pow` op is the unary one: x^p). */
type BinaryOp = Exclude<Extract<BinaryKernel, OpName>, 'pow'>;

function unaryOp(op: UnaryOp, x: Tensor, attrs: Record<string, number> = {}, p0?: number, p1?: number): Tensor {
  assertTensor(op, x);
  return dispatch(op, [x], attrs, () => {
    const dtype = x.dtype === 'int32' && op !== 'neg' && op !== 'abs' && op !== 'relu' && op !== 'square' && op !== 'sign' && op !== 'clip' ? 'float32' : x.dtype;
    const out = allocArray(dtype, x.size);
    getBackend().unary(op, x.data, out, p0, p1);
    return new Tensor(out, x.shape);
  });
}

/** Elementwise -x. @example `neg(tensor([1, -2])) // [-1, 2]` */
export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
/** Elementwise |x|. @example `abs(tensor([-1, 2])) // [1, 2]` */
export const abs = (x: Tensor): Tensor => unaryOp('abs', x);
/** Elementwise e^x. @example `exp(tensor([0])) // [1]` */
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
/** Elementwise natural log. @example `log(tensor([1])) // [0]` */
export const log = (x: Tensor): Tensor => unaryOp('log', x);
/** Elementwise square root. @example `sqrt(tensor([4])) // [2]` */
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
/** Elementwise x*x. @example `square(tensor([3])) // [9]` */
export const square = (x: Tensor): Tensor => unaryOp('square', x);
/** Elementwise hyperbolic tangent. @example `tanh(tensor([0])) // [0]` */
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
/** Elementwise logistic sigmoid 1/(1+e^-x). @example `sigmoid(tensor([0])) // [0.5]` */
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
/** Elementwise max(x, 0). @example `relu(tensor([-1, 2])) // [0, 2]` */
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
/** Elementwise sign (-1, 0, 1); not differentiable. @example `sign(tensor([-3, 0, 2]))` */
export const sign = (x: Tensor): Tensor => unaryOp('sign', x);
/** Elementwise x^p for a scalar exponent. @example `pow(tensor([2]), 3) // [8]` */
export const pow = (x: Tensor, p: number): Tensor => unaryOp('pow', x, { p }, p);
/** Elementwise clamp into [min, max]. @example `clip(tensor([-2, 5]), 0, 1) // [0, 1]` */
export const clip = (x: Tensor, min: number, max: number): Tensor => unaryOp('clip', x, { min, max }, min, max);

/** dtype for a scalar operand: the tensor's, except that a non-integer next to int32 stays a float. */
function scalarDType(hint: DType, v: TensorLike): DType {
  return hint === 'int32' && typeof v === 'number' && !Number.isInteger(v) ? 'float32' : hint;
}

function binaryOp(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const dtypeHint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
  const ta = asTensor(op, a, scalarDType(dtypeHint, a));
  const tb = asTensor(op, b, scalarDType(dtypeHint, b));
  return dispatch(op, [ta, tb], {}, () => {
    const shape = broadcastShapes(op, ta.shape, tb.shape);
    let dtype = promoteTypes(ta.dtype, tb.dtype);
    if (op === 'div' && dtype === 'int32') dtype = 'float32';
    const isCmp = op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
    const out = allocArray(isCmp ? 'int32' : dtype, sizeOf(shape));
    getBackend().binary(op, ta.data, broadcastStrides(ta.shape, shape), tb.data, broadcastStrides(tb.shape, shape), out, shape);
    return new Tensor(out, shape);
  });
}

/** Elementwise a + b with NumPy broadcasting. @example `add(tensor([1, 2]), 1) // [2, 3]` */
export const add = (a: TensorLike, b: TensorLike): Tensor => binaryOp('add', a, b);
/** Elementwise a - b with broadcasting. @example `sub(tensor([[1], [2]]), tensor([1, 2])) // (2,2)` */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binaryOp('sub', a, b);
/** Elementwise a * b with broadcasting. @example `mul(tensor([1, 2]), tensor([3, 4])) // [3, 8]` */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryOp('mul', a, b);
/** Elementwise a / b with broadcasting (int32 / int32 gives float32). @example `div(tensor([1]), 2) // [0.5]` */
export const div = (a: TensorLike, b: TensorLike): Tensor => binaryOp('div', a, b);
/** Elementwise maximum. @example `maximum(tensor([1, 5]), 3) // [3, 5]` */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryOp('maximum', a, b);
/** Elementwise minimum. @example `minimum(tensor([1, 5]), 3) // [1, 3]` */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryOp('minimum', a, b);
/** a == b as int32 0/1. @example `eq(tensor([1, 2]), 2) // [0, 1]` */
export const eq = (a: TensorLike, b: TensorLike): Tensor => binaryOp('eq', a, b);
/** a != b as int32 0/1. */
export const ne = (a: TensorLike, b: TensorLike): Tensor => binaryOp('ne', a, b);
/** a < b as int32 0/1. */
export const lt = (a: TensorLike, b: TensorLike): Tensor => binaryOp('lt', a, b);
/** a <= b as int32 0/1. */
export const le = (a: TensorLike, b: TensorLike): Tensor => binaryOp('le', a, b);
/** a > b as int32 0/1. @example `gt(tensor([1, 3]), 2) // [0, 1]` */
export const gt = (a: TensorLike, b: TensorLike): Tensor => binaryOp('gt', a, b);
/** a >= b as int32 0/1. */
export const ge = (a: TensorLike, b: TensorLike): Tensor => binaryOp('ge', a, b);

/**
 * Picks from `a` where `cond` is non-zero, else from `b`, with broadcasting.
 * @example `where(gt(x, 0), x, 0) // relu`
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  assertTensor('where', cond, 'cond');
  const dtypeHint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
  const ta = asTensor('where', a, scalarDType(dtypeHint, a));
  const tb = asTensor('where', b, scalarDType(dtypeHint, b));
  return dispatch('where', [cond, ta, tb], {}, () => {
    const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, ta.shape), tb.shape);
    const out = allocArray(promoteTypes(ta.dtype, tb.dtype), sizeOf(shape));
    getBackend().where(
      cond.data, broadcastStrides(cond.shape, shape),
      ta.data, broadcastStrides(ta.shape, shape),
      tb.data, broadcastStrides(tb.shape, shape), out, shape,
    );
    return new Tensor(out, shape);
  });
}

/**
 * Converts to another dtype (float to int32 truncates toward zero).
 * @example `tensor([1.7]).astype('int32') // [1]`
 */
export function astype(x: Tensor, dtype: DType): Tensor {
  assertTensor('astype', x);
  assertDType('astype', dtype);
  return dispatch('astype', [x], { dtype }, () => {
    const out = allocArray(dtype, x.size);
    if (dtype === 'int32') for (let i = 0; i < x.size; i++) out[i] = Math.trunc(x.data[i]!);
    else out.set(x.data);
    return new Tensor(out, x.shape);
  });
}

/** Throws unless x is a float tensor (for ops without an integer meaning). */
export function assertFloat(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: expected a float32 or float64 tensor, got ${x.dtype}`);
}
