import { type LayerOptions, Linear, Module } from '@unroll/autograd';
import { add, checkPositiveInt, reshape, type Tensor, tanh, unsqueeze } from '@unroll/tensor';
import { checkQuery, checkValues, readMemory } from './mask.js';
import type { Attention, AttentionMemory, AttentionResult } from './types.js';

/**
 * Additive attention (Bahdanau et al.): score(q, k_l) = v^T tanh(W_q q + W_k k_l). The keys'
 * projection W_k k is computed once per source in `prepare`, not at every step. Parameters
 * `W_q.weight` (A,Q), `W_k.weight` (A,K) and `W_k.bias` (A), `v.weight` (1,A).
 *
 * @example
 * ```ts
 * import { AdditiveAttention, sourceMask } from '@unroll/seq2seq';
 * import { randn } from '@unroll/tensor';
 * const att = new AdditiveAttention(16, 32, 24);
 * const memory = att.prepare(randn([2, 5, 32]), sourceMask([5, 3], 5));
 * const { context, weights } = att.attend(randn([2, 16]), memory); // (2,32), (2,5)
 * ```
 */
export class AdditiveAttention extends Module implements Attention {
  readonly kind = 'additive' as const;
  W_q: Linear;
  W_k: Linear;
  v: Linear;

  constructor(readonly querySize: number, readonly valueSize: number, readonly attentionSize: number = querySize, opts: LayerOptions = {}) {
    super();
    checkPositiveInt('AdditiveAttention', 'attentionSize', attentionSize);
    this.W_q = new Linear(querySize, attentionSize, { ...opts, bias: false });
    this.W_k = new Linear(valueSize, attentionSize, opts);
    this.v = new Linear(attentionSize, 1, { ...opts, bias: false });
  }

  prepare(values: Tensor, mask: Tensor): AttentionMemory {
    checkValues('AdditiveAttention', values, mask, this.valueSize);
    return { values, keys: this.W_k.forward(values), mask }; // keys (B,L,A)
  }

  attend(query: Tensor, memory: AttentionMemory): AttentionResult {
    checkQuery('AdditiveAttention', query, memory, this.querySize);
    const [B, L] = memory.keys.shape as [number, number];
    const hidden = tanh(add(memory.keys, unsqueeze(this.W_q.forward(query), 1))); // (B,L,A)
    const scores = reshape(this.v.forward(hidden), [B, L]); // (B,L)
    return readMemory(scores, memory);
  }
}
