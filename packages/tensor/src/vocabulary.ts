/**
 * The closed kernel and op vocabulary. Each list is ordered: a backend that passes kernels by
 * number (the WASM and native backends) uses the index in its list as the code, and a test in
 * each of those packages checks its C++ / AssemblyScript enums against these lists. Append new
 * names at the end of a list (or renumber those enums with it).
 */

/**
 * Elementwise unary kernels, in code order. `pow` reads `p0` as the exponent; `clip` reads
 * `p0`/`p1` as bounds.
 *
 * @example
 * ```ts
 * import { UNARY_KERNELS } from '@unroll/tensor';
 * UNARY_KERNELS.indexOf('exp'); // 2, the code the WASM and native backends use
 * ```
 */
export const UNARY_KERNELS = [
  'neg', 'abs', 'exp', 'log', 'sqrt', 'tanh', 'sigmoid', 'relu', 'sign', 'square',
  'reciprocal', 'pow', 'clip', 'sin', 'cos', 'floor', 'copy', 'step',
] as const;

/**
 * Elementwise binary kernels with broadcasting, in code order. Comparisons come last (from
 * `FIRST_COMPARISON` on) and write 1 or 0.
 *
 * @example
 * ```ts
 * import { BINARY_KERNELS, FIRST_COMPARISON } from '@unroll/tensor';
 * BINARY_KERNELS.slice(FIRST_COMPARISON); // ['eq', 'ne', 'lt', 'le', 'gt', 'ge']
 * ```
 */
export const BINARY_KERNELS = [
  'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge',
] as const;

/**
 * Reductions over the middle axis of an (outer, n, inner) view, in code order.
 * `argmax`/`argmin` write indices.
 *
 * @example
 * ```ts
 * import { REDUCE_KERNELS } from '@unroll/tensor';
 * REDUCE_KERNELS[0]; // 'sum'
 * ```
 */
export const REDUCE_KERNELS = ['sum', 'max', 'min', 'argmax', 'argmin', 'logsumexp'] as const;

/**
 * The activations `activationBackward` differentiates from their outputs, in code order.
 *
 * @example
 * ```ts
 * import { ACTIVATION_KERNELS } from '@unroll/tensor';
 * ACTIVATION_KERNELS.includes('relu'); // true
 * ```
 */
export const ACTIVATION_KERNELS = ['tanh', 'relu', 'sigmoid'] as const;

/** Elementwise unary kernels (`UNARY_KERNELS`). */
export type UnaryKernel = (typeof UNARY_KERNELS)[number];
/** Elementwise binary kernels (`BINARY_KERNELS`). */
export type BinaryKernel = (typeof BINARY_KERNELS)[number];
/** Reduction kernels (`REDUCE_KERNELS`). */
export type ReduceKernel = (typeof REDUCE_KERNELS)[number];
/** Kinds of `activationBackward` (`ACTIVATION_KERNELS`). */
export type ActivationKernel = (typeof ACTIVATION_KERNELS)[number];

/**
 * Index of the first comparison in `BINARY_KERNELS`: binary codes at or above it may write an
 * Int32Array.
 *
 * @example
 * ```ts
 * import { BINARY_KERNELS, FIRST_COMPARISON } from '@unroll/tensor';
 * BINARY_KERNELS[FIRST_COMPARISON]; // 'eq'
 * ```
 */
export const FIRST_COMPARISON: number = BINARY_KERNELS.indexOf('eq');

/**
 * Every op that `dispatch` reports to a tape: the differentiable ops of `@unroll/tensor` and the
 * comparisons (whose outputs a tape treats as constants). `@unroll/autograd` has one gradient
 * rule (or an explicit null) per name, checked at compile time.
 *
 * @example
 * ```ts
 * import { OP_NAMES } from '@unroll/tensor';
 * OP_NAMES.includes('matmul'); // true
 * ```
 */
export const OP_NAMES = [
  // elementwise binary
  'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'where',
  // comparisons (not differentiable)
  'eq', 'ne', 'lt', 'le', 'gt', 'ge',
  // elementwise unary
  'neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'tanh', 'sigmoid', 'relu', 'sign', 'pow', 'clip', 'astype',
  // reductions
  'sum', 'max', 'min', 'logsumexp',
  // linear algebra and softmax
  'matmul', 'gemm', 'softmax', 'logSoftmax',
  // movement
  'reshape', 'permute', 'slice', 'broadcastTo', 'pad', 'concat',
  // indexing
  'indexSelect', 'indexAdd', 'gather', 'scatterAdd',
] as const;

/** The name of an op that `dispatch` reports (`OP_NAMES`). */
export type OpName = (typeof OP_NAMES)[number];


/**
 * The code of each name in an ordered kernel list (its index): what a backend passes to kernels
 * compiled with matching enums.
 *
 * @example
 * ```ts
 * import { kernelCodes, REDUCE_KERNELS } from '@unroll/tensor';
 * const REDUCE_CODES = kernelCodes(REDUCE_KERNELS); // { sum: 0, max: 1, ... }
 * ```
 */
export function kernelCodes<K extends string>(names: readonly K[]): Readonly<Record<K, number>> {
  const codes = {} as Record<K, number>;
  names.forEach((name, i) => {
    codes[name] = i;
  });
  return Object.freeze(codes);
}
