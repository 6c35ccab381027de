import { getTapeHook } from './dispatch.js';
import { allocArray, type DType, dtypeOfArray, type TypedArray } from './dtype.js';
import { ArgumentError, formatShape, ShapeError } from './errors.js';
import { formatTensor } from './format.js';
import * as ops from './ops/index.js';
import { assertShape, sizeOf } from './shape.js';

/** A scalar or a tensor: what binary ops accept as their second operand. */
export type TensorLike = Tensor | number;

/** Nested JS arrays, as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array in contiguous row-major memory (a Float32Array, Float64Array or
 * Int32Array). Tensors are immutable by convention (ops return new tensors) except for the
 * in-place methods whose names end in `_`.
 *
 * @example
 * ```ts
 * import { tensor } from '@unroll/tensor';
 * const x = tensor([[1, 2], [3, 4]]);       // (2,2) float32
 * console.log(x.matmul(x).sum().item());    // 54
 * ```
 */
export class Tensor {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** Whether autograd tracks ops on this tensor. */
  requiresGrad = false;
  /** The gradient accumulated by `backward()`, or null. */
  grad: Tensor | null = null;
  /** Opaque slot owned by the autodiff engine (the node that produced this tensor). */
  gradNode: unknown = undefined;

  /** Wraps a typed array (not copied) with a shape whose size must match its length. */
  constructor(data: TypedArray, shape: readonly number[]) {
    const dtype = dtypeOfArray(data);
    if (dtype === undefined) throw new ArgumentError('Tensor: data must be a Float32Array, Float64Array or Int32Array');
    assertShape('Tensor', shape);
    const size = sizeOf(shape);
    if (size !== data.length) {
      throw new ShapeError(`Tensor: shape ${formatShape(shape)} needs ${size} elements, data has ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = size;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: tensor of shape ${formatShape(this.shape)} has ${this.size} elements, expected 1`);
    return this.data[0]!;
  }

  /** Nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset]!;
      const n = this.shape[dim]!;
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** A readable, numpy-like rendering. */
  toString(): string {
    return formatTensor(this);
  }

  /** Sets `requiresGrad` and returns this tensor (chainable). */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** Backpropagates from this tensor (a scalar, or pass `grad` of the same shape). Needs @unroll/autograd. */
  backward(grad?: Tensor): void {
    const hook = getTapeHook();
    if (hook === undefined) throw new ArgumentError('backward: no autodiff engine is installed (import @unroll/autograd)');
    hook.backward(this, grad);
  }

  /** A tensor sharing this one's data, cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** A copy with its own data (not tracked). */
  clone(): Tensor {
    return new Tensor(this.data.slice() as TypedArray, this.shape);
  }

  astype(dtype: DType): Tensor { return ops.astype(this, dtype); }

  // elementwise
  add(o: TensorLike): Tensor { return ops.add(this, o); }
  sub(o: TensorLike): Tensor { return ops.sub(this, o); }
  mul(o: TensorLike): Tensor { return ops.mul(this, o); }
  div(o: TensorLike): Tensor { return ops.div(this, o); }
  maximum(o: TensorLike): Tensor { return ops.maximum(this, o); }
  minimum(o: TensorLike): Tensor { return ops.minimum(this, o); }
  eq(o: TensorLike): Tensor { return ops.eq(this, o); }
  ne(o: TensorLike): Tensor { return ops.ne(this, o); }
  lt(o: TensorLike): Tensor { return ops.lt(this, o); }
  le(o: TensorLike): Tensor { return ops.le(this, o); }
  gt(o: TensorLike): Tensor { return ops.gt(this, o); }
  ge(o: TensorLike): Tensor { return ops.ge(this, o); }
  neg(): Tensor { return ops.neg(this); }
  abs(): Tensor { return ops.abs(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  square(): Tensor { return ops.square(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  relu(): Tensor { return ops.relu(this); }
  pow(p: number): Tensor { return ops.pow(this, p); }
  clip(min: number, max: number): Tensor { return ops.clip(this, min, max); }

  // reductions
  sum(axes?: number | number[], keepDims = false): Tensor { return ops.sum(this, axes, keepDims); }
  mean(axes?: number | number[], keepDims = false): Tensor { return ops.mean(this, axes, keepDims); }
  max(axes?: number | number[], keepDims = false): Tensor { return ops.max(this, axes, keepDims); }
  min(axes?: number | number[], keepDims = false): Tensor { return ops.min(this, axes, keepDims); }
  argmax(axis?: number, keepDims = false): Tensor { return ops.argmax(this, axis, keepDims); }
  argmin(axis?: number, keepDims = false): Tensor { return ops.argmin(this, axis, keepDims); }
  logsumexp(axes?: number | number[], keepDims = false): Tensor { return ops.logsumexp(this, axes, keepDims); }
  variance(axes?: number | number[], keepDims = false, correction = 0): Tensor { return ops.variance(this, axes, keepDims, correction); }

  // linear algebra and softmax
  matmul(o: Tensor): Tensor { return ops.matmul(this, o); }
  softmax(axis = -1): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); }

  // movement
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  flatten(): Tensor { return ops.reshape(this, [this.size]); }
  squeeze(axis?: number): Tensor { return ops.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return ops.unsqueeze(this, axis); }
  permute(axes: readonly number[]): Tensor { return ops.permute(this, axes); }
  transpose(a = -2, b = -1): Tensor { return ops.transpose(this, a, b); }
  get T(): Tensor { return ops.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i)); }
  slice(...specs: ops.SliceSpec[]): Tensor { return ops.slice(this, specs); }
  expand(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  pad(widths: readonly (readonly [number, number])[], value = 0): Tensor { return ops.pad(this, widths, value); }
  split(sizes: number | readonly number[], axis = 0): Tensor[] { return ops.split(this, sizes, axis); }
  chunk(chunks: number, axis = 0): Tensor[] { return ops.chunk(this, chunks, axis); }

  // indexing
  gather(axis: number, index: Tensor): Tensor { return ops.gather(this, axis, index); }
  indexSelect(axis: number, indices: Tensor | readonly number[]): Tensor { return ops.indexSelect(this, axis, indices); }

  /** In place: this += other (broadcast into this shape). Not tracked by autograd. */
  addInPlace_(other: TensorLike, alpha = 1): this { ops.addInPlace_(this, other, alpha); return this; }
  /** In place: this *= s. Not tracked by autograd. */
  mulInPlace_(s: number): this { ops.mulInPlace_(this, s); return this; }
  /** In place: fills with a value. Not tracked by autograd. */
  fill_(v: number): this { this.data.fill(v); return this; }
  /** In place: copies another tensor's values (same size). Not tracked by autograd. */
  copy_(src: Tensor): this { ops.copyInPlace_(this, src); return this; }
}

/** Allocates an uninitialised (zero) tensor; internal helper for ops. */
export function empty(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return new Tensor(allocArray(dtype, sizeOf(shape)), shape);
}
