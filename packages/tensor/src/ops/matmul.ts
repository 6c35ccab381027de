import { getBackend } from '../backend.js';
import { dispatch } from '../dispatch.js';
import { allocArray, promoteTypes, type TypedArray } from '../dtype.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { fillRows } from '../rows.js';
import { broadcastShapes, broadcastStrides, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertTensor } from './util.js';

function sameFloat(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype === 'int32' || b.dtype === 'int32') throw new DTypeError(`${op}: expected float tensors, got ${a.dtype} and ${b.dtype}`);
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: dtypes differ: ${a.dtype} and ${b.dtype} (cast one with astype)`);
}

/**
 * Matrix product with NumPy semantics: 2-D, batched (…,m,k)@(…,k,n) with broadcast batch
 * dimensions, and 1-D operands treated as a row or a column vector.
 *
 * @example
 * ```ts
 * import { matmul, ones } from '@unroll/tensor';
 * matmul(ones([4, 2, 3]), ones([3, 5])).shape; // [4, 2, 5]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  assertTensor('matmul', a, 'left operand');
  assertTensor('matmul', b, 'right operand');
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError(`matmul: operands must have at least 1 dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  sameFloat('matmul', a, b);
  const as = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const m = as[as.length - 2]!;
  const k = as[as.length - 1]!;
  const k2 = bs[bs.length - 2]!;
  const n = bs[bs.length - 1]!;
  if (k !== k2) {
    throw new ShapeError(`matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: inner dimensions ${k} and ${k2} differ`);
  }
  const batch = broadcastShapes('matmul', as.slice(0, -2), bs.slice(0, -2));
  const outShape = [...batch];
  if (a.ndim > 1) outShape.push(m);
  if (b.ndim > 1) outShape.push(n);
  return dispatch('matmul', [a, b], {}, () => {
    const out = allocArray(promoteTypes(a.dtype, b.dtype), sizeOf(batch) * m * n);
    const aStr = broadcastStrides(as.slice(0, -2), batch).map((s) => s * m * k);
    const bStr = broadcastStrides(bs.slice(0, -2), batch).map((s) => s * k * n);
    const nb = sizeOf(batch);
    const idx = new Array<number>(batch.length).fill(0);
    let ao = 0;
    let bo = 0;
    const be = getBackend();
    for (let i = 0; i < nb; i++) {
      be.gemm({ transA: false, transB: false, m, n, k, alpha: 1, a: a.data, aOffset: ao, lda: k, b: b.data, bOffset: bo, ldb: n, beta: 0, c: out, cOffset: i * m * n, ldc: n });
      for (let d = batch.length - 1; d >= 0; d--) {
        idx[d]!++;
        ao += aStr[d]!;
        bo += bStr[d]!;
        if (idx[d]! < batch[d]!) break;
        ao -= aStr[d]! * batch[d]!;
        bo -= bStr[d]! * batch[d]!;
        idx[d] = 0;
      }
    }
    return new Tensor(out, outShape);
  });
}

/** Options of `gemm`. */
export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  beta?: number;
  /**
   * Accumulator added as beta * c: the result's shape (m,n), or one row (n) or (1,n) added to
   * every row (a bias: `gemm(x, w, { transB: true, c: b })` is a linear layer in one product).
   */
  c?: Tensor;
}

/**
 * 2-D general matrix product for hot paths: alpha * op(a) op(b) + beta * c, with op = transpose
 * when asked, without materialising the transposes.
 *
 * @example
 * ```ts
 * import { gemm, ones } from '@unroll/tensor';
 * gemm(ones([3, 2]), ones([4, 3]), { transA: true, transB: true }).shape; // [2, 4]
 * ```
 */
export function gemm(a: Tensor, b: Tensor, opts: GemmOptions = {}): Tensor {
  assertTensor('gemm', a, 'a');
  assertTensor('gemm', b, 'b');
  const { transA = false, transB = false, alpha = 1, beta = 1, c } = opts;
  if (a.ndim !== 2 || b.ndim !== 2) throw new ShapeError(`gemm: expected 2-D operands, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  sameFloat('gemm', a, b);
  const m = transA ? a.shape[1]! : a.shape[0]!;
  const k = transA ? a.shape[0]! : a.shape[1]!;
  const k2 = transB ? b.shape[1]! : b.shape[0]!;
  const n = transB ? b.shape[0]! : b.shape[1]!;
  if (k !== k2) {
    throw new ShapeError(`gemm: cannot multiply ${transA ? 'transposed ' : ''}${formatShape(a.shape)} by ${transB ? 'transposed ' : ''}${formatShape(b.shape)}: inner dimensions ${k} and ${k2} differ`);
  }
  if (c !== undefined) {
    assertTensor('gemm', c, 'c');
    const isRow = c.size === n && (c.ndim === 1 || (c.ndim === 2 && c.shape[0] === 1));
    if (!isRow && (c.ndim !== 2 || c.shape[0] !== m || c.shape[1] !== n)) {
      throw new ShapeError(`gemm: accumulator c has shape ${formatShape(c.shape)}, expected (${m},${n}), (1,${n}) or (${n})`);
    }
    if (c.dtype !== a.dtype) throw new DTypeError(`gemm: c is ${c.dtype}, operands are ${a.dtype}`);
  }
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) throw new ArgumentError(`gemm: alpha and beta must be finite, got ${alpha} and ${beta}`);
  const inputs = c === undefined ? [a, b] : [a, b, c];
  return dispatch('gemm', inputs, { transA, transB, alpha, beta: c === undefined ? 0 : beta }, () => {
    const out = allocArray(a.dtype, m * n);
    if (c !== undefined && beta !== 0) {
      if (c.size === m * n) out.set(c.data);
      else if (m > 0) {
        out.set(c.data, 0); // (n) broadcast over the m rows
        fillRows(out, m, n);
      }
    }
    gemmInto(a.data, b.data, out, m, n, k, transA, transB, alpha, c === undefined ? 0 : beta, a.shape[1]!, b.shape[1]!);
    return new Tensor(out, [m, n]);
  });
}

/** Raw gemm on contiguous row-major arrays: out = alpha op(A) op(B) + beta out. */
export function gemmInto(
  a: TypedArray, b: TypedArray, out: TypedArray, m: number, n: number, k: number,
  transA: boolean, transB: boolean, alpha: number, beta: number, lda: number, ldb: number,
): void {
  getBackend().gemm({ transA, transB, m, n, k, alpha, a, aOffset: 0, lda, b, bOffset: 0, ldb, beta, c: out, cOffset: 0, ldc: n });
}
