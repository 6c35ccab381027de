import { ACTIVATION_KERNELS, BINARY_KERNELS, CELL_KINDS, kernelCodes, REDUCE_KERNELS, UNARY_KERNELS } from '@unroll/tensor';

// Operation codes passed to the addon: each kernel's index in its list of @unroll/tensor. The
// enums in src/native/common.h follow the same orders (src/vocabulary.test.ts checks them).

export const UNARY_CODES = kernelCodes(UNARY_KERNELS);
export const BINARY_CODES = kernelCodes(BINARY_KERNELS);
export const REDUCE_CODES = kernelCodes(REDUCE_KERNELS);
export const ACTIVATION_CODES = kernelCodes(ACTIVATION_KERNELS);

/** Binary codes at or above this one are comparisons (they may write an Int32Array). */
export { FIRST_COMPARISON } from '@unroll/tensor';

/** Most dimensions the addon takes for strided kernels (more go to the JS backend). */
export const MAX_DIMS = 32;

/** Cell kinds of the time loops: each kind's index in CELL_KINDS (sequence.h's CellKind follows it). */
export const CELL_CODES = kernelCodes(CELL_KINDS);
