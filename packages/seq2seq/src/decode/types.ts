import type { Tensor } from '@unroll/tensor';

/** Output of one decoding step for a batch of N rows (N = batch x beam in beam search). */
export interface StepOutput<S> {
  /** (N,V) unnormalised scores of the next token. */
  logits: Tensor;
  /** The state after this step. */
  state: S;
  /** (N,L) attention weights over the L source positions, when the model attends. */
  attention?: Tensor;
}

/**
 * A decoder as the decoding toolkit sees it: one step from the previous tokens (N) and state, and
 * how to reorder/duplicate state rows (beam search): `select(state, rows)` returns the state
 * whose row i is row rows[i] of `state`.
 */
export interface StepModel<S> {
  step(tokens: Int32Array, state: S): StepOutput<S>;
  select(state: S, rows: Int32Array): S;
}
