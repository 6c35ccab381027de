import { type LayerOptions, Linear, Module } from '@unroll/autograd';
import type { Tensor } from '@unroll/tensor';
import { checkQuery, checkValues, dotScores, readMemory } from './mask.js';
import type { Attention, AttentionMemory, AttentionResult } from './types.js';

/**
 * Multiplicative "general" attention (Luong et al.): score(q, k_l) = q^T W_a k_l, with W_a k_l
 * computed once per source in `prepare`. Parameter `W_a.weight` (Q,K).
 *
 * @example
 * ```ts
 * import { GeneralAttention, sourceMask } from '@unroll/seq2seq';
 * import { randn } from '@unroll/tensor';
 * const att = new GeneralAttention(16, 32);
 * const { context } = att.attend(randn([2, 16]), att.prepare(randn([2, 5, 32]), sourceMask([5, 1], 5))); // (2,32)
 * ```
 */
export class GeneralAttention extends Module implements Attention {
  readonly kind = 'general' as const;
  W_a: Linear;

  constructor(readonly querySize: number, readonly valueSize: number, opts: LayerOptions = {}) {
    super();
    this.W_a = new Linear(valueSize, querySize, { ...opts, bias: false });
  }

  prepare(values: Tensor, mask: Tensor): AttentionMemory {
    checkValues('GeneralAttention', values, mask, this.valueSize);
    return { values, keys: this.W_a.forward(values), mask }; // keys (B,L,Q)
  }

  attend(query: Tensor, memory: AttentionMemory): AttentionResult {
    checkQuery('GeneralAttention', query, memory, this.querySize);
    return readMemory(dotScores(memory.keys, query), memory);
  }
}
