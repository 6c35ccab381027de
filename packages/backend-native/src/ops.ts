import type { BinaryKernel, ReduceKernel, UnaryKernel } from '@unroll/tensor';

// Operation codes passed to the addon. The orders match the enums in src/native/common.h.

export const UNARY_CODES: Readonly<Record<UnaryKernel, number>> = {
  neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, tanh: 5, sigmoid: 6, relu: 7, sign: 8, square: 9,
  reciprocal: 10, pow: 11, clip: 12, sin: 13, cos: 14, floor: 15, copy: 16, step: 17,
};

export const BINARY_CODES: Readonly<Record<BinaryKernel, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6,
  eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
};

/** Binary codes at or above this one are comparisons (they may write an Int32Array). */
export const FIRST_COMPARISON = 7;

export const REDUCE_CODES: Readonly<Record<ReduceKernel, number>> = {
  sum: 0, max: 1, min: 2, argmax: 3, argmin: 4, logsumexp: 5,
};

export const ACTIVATION_CODES: Readonly<Record<'tanh' | 'relu' | 'sigmoid', number>> = {
  tanh: 0, relu: 1, sigmoid: 2,
};

/** Most dimensions the addon takes for strided kernels (more go to the JS backend). */
export const MAX_DIMS = 32;

/** Cell kinds of recurrentForward (sequence.h's CellKind). */
export const CELL_CODES = { lstm: 0, gru: 1, rnn_tanh: 2, rnn_relu: 3 } as const;
