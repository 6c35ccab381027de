import type { Tensor } from '@unroll/tensor';

/**
 * What an attention module keeps of one batch of sources, computed once per source (not per
 * decoder step): the values it averages, the keys it scores (projected where the kind projects
 * them) and the padding mask.
 */
export interface AttentionMemory {
  /** (B,L,K) encoder outputs, averaged into the context. */
  values: Tensor;
  /** (B,L,·) what the query is scored against: W_k values (additive), W_a values (general), values (dot). */
  keys: Tensor;
  /** (B,L) 1 on real source positions, 0 on padding, in the values' dtype. */
  mask: Tensor;
}

/** One attention read: the context vector and the weights it was averaged with. */
export interface AttentionResult {
  /** (B,K) Σ_l weights[b,l] values[b,l]. */
  context: Tensor;
  /** (B,L) softmax over the real positions; exactly 0 on padding. */
  weights: Tensor;
}

/** The three kinds of attention. */
export type AttentionKind = 'additive' | 'dot' | 'general';

/** An attention module: prepare a source once, then attend to it from a query at every step. */
export interface Attention {
  readonly kind: AttentionKind;
  /** Size of the queries it takes. */
  readonly querySize: number;
  /** Size of the values (and of the context it returns). */
  readonly valueSize: number;
  /** values (B,L,K), mask (B,L) -> the memory the steps attend to. */
  prepare(values: Tensor, mask: Tensor): AttentionMemory;
  /** query (B,Q) -> context (B,K) and weights (B,L). */
  attend(query: Tensor, memory: AttentionMemory): AttentionResult;
}
