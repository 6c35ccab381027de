import type { Backend } from './backend-contract.js';
import type { TypedArray } from './dtype.js';

/**
 * Arguments of `gemmInto`: a backend product C = alpha op(A) op(B) + beta C on row-major arrays,
 * named, with defaults for all but the operands and sizes.
 */
export interface GemmIntoArgs {
  /** op(A) is (m,k): A is stored (m,k), or (k,m) when transA. */
  a: TypedArray;
  /** op(B) is (k,n): B is stored (k,n), or (n,k) when transB. */
  b: TypedArray;
  /** (m,n), written in place. */
  c: TypedArray;
  m: number;
  n: number;
  k: number;
  /** Default false. */
  transA?: boolean;
  /** Default false. */
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0: C's old contents are ignored; 1 adds the product to C. */
  beta?: number;
  /** Offsets into a, b and c (default 0). */
  aOffset?: number;
  bOffset?: number;
  cOffset?: number;
  /** Row strides as stored (default: dense, the stored width). */
  lda?: number;
  ldb?: number;
  ldc?: number;
}

/**
 * Runs `be.gemm` with named arguments and dense row-major defaults: the kernel-level product into
 * caller-owned arrays (the tensor op `gemm` allocates and returns a Tensor instead).
 *
 * @example
 * ```ts
 * import { gemmInto, getBackend } from '@unroll/tensor';
 * const c = new Float64Array(2 * 2);
 * // (2,3) times the transpose of (2,3)
 * gemmInto(getBackend(), { a: new Float64Array(6).fill(1), b: new Float64Array(6).fill(2), c, m: 2, n: 2, k: 3, transB: true });
 * console.log(c); // [6, 6, 6, 6]
 * ```
 */
export function gemmInto(be: Backend, g: GemmIntoArgs): void {
  const { m, n, k, transA = false, transB = false } = g;
  be.gemm({
    transA, transB, m, n, k, alpha: g.alpha ?? 1,
    a: g.a, aOffset: g.aOffset ?? 0, lda: g.lda ?? (transA ? m : k),
    b: g.b, bOffset: g.bOffset ?? 0, ldb: g.ldb ?? (transB ? k : n),
    beta: g.beta ?? 0, c: g.c, cOffset: g.cOffset ?? 0, ldc: g.ldc ?? n,
  });
}
