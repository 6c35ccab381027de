import { Module } from '@unroll/autograd';
import { ArgumentError, type Tensor } from '@unroll/tensor';
import { checkQuery, checkValues, dotScores, readMemory } from './mask.js';
import type { Attention, AttentionMemory, AttentionResult } from './types.js';

/**
 * Multiplicative "dot" attention (Luong et al.): score(q, k_l) = q . k_l. No parameters; the
 * query and the values must have the same size.
 *
 * @example
 * ```ts
 * import { DotAttention, sourceMask } from '@unroll/seq2seq';
 * import { randn } from '@unroll/tensor';
 * const att = new DotAttention(8);
 * const { weights } = att.attend(randn([2, 8]), att.prepare(randn([2, 4, 8]), sourceMask([4, 2], 4))); // (2,4)
 * ```
 */
export class DotAttention extends Module implements Attention {
  readonly kind = 'dot' as const;
  readonly querySize: number;

  constructor(readonly valueSize: number, querySize: number = valueSize) {
    super();
    if (querySize !== valueSize) {
      throw new ArgumentError(`DotAttention: the query size (${querySize}) must equal the value size (${valueSize}); use 'general' or 'additive' attention for different sizes`);
    }
    this.querySize = querySize;
  }

  prepare(values: Tensor, mask: Tensor): AttentionMemory {
    checkValues('DotAttention', values, mask, this.valueSize);
    return { values, keys: values, mask };
  }

  attend(query: Tensor, memory: AttentionMemory): AttentionResult {
    checkQuery('DotAttention', query, memory, this.querySize);
    return readMemory(dotScores(memory.keys, query), memory);
  }
}
