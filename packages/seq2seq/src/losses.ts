import { crossEntropy } from '@unroll/autograd';
import { formatShape, ShapeError, type Tensor } from '@unroll/tensor';

/** Options of `sequenceLoss`. */
export interface SequenceLossOptions {
  /** ε in [0, 1): 1 - ε on the target, ε/V on every token (default 0). */
  labelSmoothing?: number;
}

/**
 * Masked token-level cross-entropy of (B,T,V) logits against (B,T) int32 targets: the mean over
 * the real target tokens (mask 1), padded positions (mask 0) giving no loss and no gradient;
 * optional label smoothing (autograd's `crossEntropy`).
 *
 * @example
 * ```ts
 * import { sequenceLoss } from '@unroll/seq2seq';
 * import { tensor, zeros } from '@unroll/tensor';
 * sequenceLoss(zeros([1, 2, 4]), tensor([[3, 0]], undefined, 'int32'), tensor([[1, 0]])).item(); // ln 4
 * ```
 */
export function sequenceLoss(logits: Tensor, targets: Tensor, mask: Tensor, opts: SequenceLossOptions = {}): Tensor {
  if (logits.ndim !== 3) throw new ShapeError(`sequenceLoss: logits must be (B,T,V), got ${formatShape(logits.shape)}`);
  const [B, T] = logits.shape as [number, number];
  for (const [what, t] of [['targets', targets], ['mask', mask]] as const) {
    if (t.ndim !== 2 || t.shape[0] !== B || t.shape[1] !== T) throw new ShapeError(`sequenceLoss: ${what} must be (${B},${T}) like the logits' (B,T), got ${formatShape(t.shape)}`);
  }
  return crossEntropy(logits, targets, { weight: mask, labelSmoothing: opts.labelSmoothing ?? 0 });
}
