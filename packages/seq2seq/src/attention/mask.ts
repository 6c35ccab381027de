import { ArgumentError, type DType, formatShape, matmul, mul, reshape, ShapeError, softmax, Tensor, unsqueeze, where } from '@unroll/tensor';
import type { AttentionMemory, AttentionResult } from './types.js';

/** Added in place of the scores of padded positions before the softmax (finite: no inf - inf). */
export const PAD_SCORE = -1e9;

/**
 * The (B,L) padding mask of a batch of sources: 1 where l < lengths[b], else 0.
 *
 * @example
 * ```ts
 * import { sourceMask } from '@unroll/seq2seq';
 * sourceMask([3, 1], 3).data; // [1, 1, 1, 1, 0, 0]
 * ```
 */
export function sourceMask(lengths: readonly number[] | Int32Array, L: number, dtype: DType = 'float32'): Tensor {
  const B = lengths.length;
  const m = new Tensor(dtype === 'float64' ? new Float64Array(B * L) : new Float32Array(B * L), [B, L]);
  for (let b = 0; b < B; b++) {
    const n = lengths[b]!;
    if (!Number.isInteger(n) || n < 1 || n > L) throw new ArgumentError(`sourceMask: lengths[${b}] = ${n} must be an integer in [1, ${L}]`);
    m.data.fill(1, b * L, b * L + n);
  }
  return m;
}

/**
 * Softmax of (B,L) scores over the real positions only: padded positions get exactly 0 (their
 * scores are replaced by a large negative number, and the result is multiplied by the mask, so
 * no approximate exp can leave a residue) and the real ones sum to 1.
 *
 * @example
 * ```ts
 * import { maskedSoftmax, sourceMask } from '@unroll/seq2seq';
 * import { zeros } from '@unroll/tensor';
 * maskedSoftmax(zeros([1, 4]), sourceMask([2], 4)).data; // [0.5, 0.5, 0, 0]
 * ```
 */
export function maskedSoftmax(scores: Tensor, mask: Tensor): Tensor {
  if (scores.ndim !== 2 || mask.ndim !== 2 || scores.shape[0] !== mask.shape[0] || scores.shape[1] !== mask.shape[1]) {
    throw new ShapeError(`maskedSoftmax: scores ${formatShape(scores.shape)} and mask ${formatShape(mask.shape)} must both be (B,L)`);
  }
  return mul(softmax(where(mask, scores, PAD_SCORE), -1), mask); // (B,L)
}

/** Checks a (B,Q) query against the memory's batch and the module's query size. */
export function checkQuery(name: string, query: Tensor, memory: AttentionMemory, Q: number): void {
  const B = memory.values.shape[0]!;
  if (query.ndim !== 2 || query.shape[0] !== B || query.shape[1] !== Q) {
    throw new ShapeError(`${name}: query must be (${B},${Q}) for a memory of batch ${B}, got ${formatShape(query.shape)}`);
  }
}

/** Checks values (B,L,K) and mask (B,L) given to `prepare`. */
export function checkValues(name: string, values: Tensor, mask: Tensor, K: number): void {
  if (values.ndim !== 3 || values.shape[2] !== K) throw new ShapeError(`${name}: values must be (B,L,${K}), got ${formatShape(values.shape)}`);
  const [B, L] = values.shape as [number, number];
  if (L === 0 || B === 0) throw new ArgumentError(`${name}: the source is empty (values ${formatShape(values.shape)})`);
  if (mask.ndim !== 2 || mask.shape[0] !== B || mask.shape[1] !== L) {
    throw new ShapeError(`${name}: mask must be (${B},${L}) like the values' (B,L), got ${formatShape(mask.shape)}`);
  }
}

/** Softmax of the (B,L) scores over the real positions and the weighted average of the values. */
export function readMemory(scores: Tensor, memory: AttentionMemory): AttentionResult {
  const weights = maskedSoftmax(scores, memory.mask); // (B,L)
  const [B, , K] = memory.values.shape as [number, number, number];
  const context = reshape(matmul(unsqueeze(weights, 1), memory.values), [B, K]); // (B,1,L)@(B,L,K) -> (B,K)
  return { context, weights };
}

/** (B,L) scores q . k_l: (B,L,Q) @ (B,Q,1). */
export function dotScores(keys: Tensor, query: Tensor): Tensor {
  const [B, L] = keys.shape as [number, number];
  return reshape(matmul(keys, unsqueeze(query, 2)), [B, L]);
}
