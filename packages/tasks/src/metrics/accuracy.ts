import { ArgumentError } from '@unroll/tensor';
import type { Token } from './corpus.js';

/**
 * Token accuracy: position-wise matches `hyp[t] === ref[t]` summed over the corpus, divided by the
 * summed reference lengths (one reference per hypothesis, e.g. teacher-forced predictions against
 * their targets). A hypothesis shorter than its reference counts the missing positions as wrong;
 * tokens past the reference's end are ignored. An empty corpus or references without tokens =>
 * ArgumentError (the accuracy is undefined); mismatched counts => ArgumentError.
 *
 * @example
 * ```ts
 * import { tokenAccuracy } from '@unroll/tasks';
 * tokenAccuracy([['a', 'b', 'c'], ['d']], [['a', 'x', 'c'], []]);   // 0.5 (2 of 4)
 * ```
 */
export function tokenAccuracy(references: readonly (readonly Token[])[], hypotheses: readonly (readonly Token[])[]): number {
  if (references.length !== hypotheses.length) throw new ArgumentError(`tokenAccuracy: ${hypotheses.length} hypotheses but ${references.length} references`);
  let hits = 0;
  let total = 0;
  references.forEach((ref, i) => {
    const hyp = hypotheses[i]!;
    for (let t = 0; t < ref.length; t++) if (t < hyp.length && hyp[t] === ref[t]) hits++;
    total += ref.length;
  });
  if (total === 0) throw new ArgumentError('tokenAccuracy: the references hold no tokens, so the accuracy is undefined');
  return hits / total;
}
