import type { LayerOptions, Module } from '@unroll/autograd';
import { ArgumentError } from '@unroll/tensor';
import { AdditiveAttention } from './additive.js';
import { DotAttention } from './dot.js';
import { GeneralAttention } from './general.js';
import type { Attention, AttentionKind } from './types.js';

export { AdditiveAttention } from './additive.js';
export { DotAttention } from './dot.js';
export { GeneralAttention } from './general.js';
export { maskedSoftmax, sourceMask } from './mask.js';
export type { Attention, AttentionKind, AttentionMemory, AttentionResult } from './types.js';

/**
 * An attention module of the given kind for queries of size Q and values of size K
 * (`attentionSize`: the hidden width of additive attention, Q by default).
 *
 * @example
 * ```ts
 * import { createAttention } from '@unroll/seq2seq';
 * const att = createAttention('general', 16, 32); // GeneralAttention
 * ```
 */
export function createAttention(kind: AttentionKind, querySize: number, valueSize: number, opts: LayerOptions & { attentionSize?: number } = {}): Attention & Module {
  if (kind === 'additive') return new AdditiveAttention(querySize, valueSize, opts.attentionSize ?? querySize, opts);
  if (kind === 'dot') return new DotAttention(valueSize, querySize);
  if (kind === 'general') return new GeneralAttention(querySize, valueSize, opts);
  throw new ArgumentError(`createAttention: kind must be 'additive', 'dot' or 'general', got '${kind as string}'`);
}
