import { ArgumentError } from '@unroll/tensor';
import { checkCorpus, type Token } from './corpus.js';

/** corpusBleu's answer. @example `const { bleu, precisions, brevityPenalty } = corpusBleu(refs, hyps)` */
export interface BleuResult {
  /** BP x exp(mean over n of log p_n), in [0, 1]. */
  bleu: number;
  /** Corpus-level modified n-gram precision p_n for n = 1..maxOrder (matches / hypothesis n-grams). */
  precisions: number[];
  brevityPenalty: number;
  /** Total hypothesis length c. */
  hypothesisLength: number;
  /** Total of the reference lengths closest to each hypothesis, r. */
  referenceLength: number;
}

/**
 * Corpus BLEU (Papineni et al. 2002), computed as NLTK's `corpus_bleu` without smoothing (its golden
 * values are the test): n-gram matches clipped by the maximum count in any reference, summed over
 * the corpus, then geometric mean of p_1..p_maxOrder (uniform weights) times the brevity penalty
 * BP = 1 if c > r, else exp(1 - r/c) (0 when c = 0), r = sum of each hypothesis' closest reference
 * length (ties: the shorter).
 *
 * Edge cases: no unigram match, or no n-gram match for some n <= maxOrder => BLEU 0 exactly (NLTK
 * returns a value below 1e-70 there, not 0); an empty hypothesis adds 0 to c and, as in NLTK, one
 * n-gram to each order's denominator (NLTK counts max(1, n-grams) per sentence; so does every
 * hypothesis shorter than n); an empty corpus, a hypothesis without references or
 * `maxOrder` not a positive integer => ArgumentError. Tokens compare with `===`.
 *
 * @example
 * ```ts
 * import { corpusBleu } from '@unroll/tasks';
 * const refs = [[['the', 'cat', 'is', 'on', 'the', 'mat'], ['there', 'is', 'a', 'cat', 'on', 'the', 'mat']]];
 * corpusBleu(refs, [['the', 'cat', 'is', 'on', 'the', 'mat']]).bleu;   // 1
 * corpusBleu(refs, [['the', 'cat', 'sat', 'on', 'the', 'mat']]).bleu;  // 0 (no 4-gram matches)
 * corpusBleu(refs, [['the', 'cat', 'sat', 'on', 'the', 'mat']], { maxOrder: 2 }).bleu;   // sqrt(5/6 * 3/5)
 * ```
 */
export function corpusBleu(
  references: readonly (readonly (readonly Token[])[])[],
  hypotheses: readonly (readonly Token[])[],
  opts: { maxOrder?: number } = {},
): BleuResult {
  const maxOrder = opts.maxOrder ?? 4;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) throw new ArgumentError(`corpusBleu: maxOrder must be a positive integer, got ${maxOrder}`);
  checkCorpus('corpusBleu', references, hypotheses);
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let c = 0;
  let r = 0;
  hypotheses.forEach((hyp, i) => {
    const refs = references[i]!;
    for (let n = 1; n <= maxOrder; n++) {
      const counts = ngramCounts(hyp, n);
      const maxRef = new Map<string, number>();
      for (const ref of refs) for (const [g, k] of ngramCounts(ref, n)) if (counts.has(g)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, k));
      let hits = 0;
      let total = 0;
      for (const [g, k] of counts) {
        hits += Math.min(k, maxRef.get(g) ?? 0);
        total += k;
      }
      matches[n - 1]! += hits;
      totals[n - 1]! += Math.max(1, total);
    }
    c += hyp.length;
    r += closestLength(refs, hyp.length);
  });
  const precisions = matches.map((m, k) => m / totals[k]!);
  const brevityPenalty = c > r ? 1 : c === 0 ? 0 : Math.exp(1 - r / c);
  const bleu = precisions.some((p) => p === 0) ? 0 : brevityPenalty * Math.exp(precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder);
  return { bleu, precisions, brevityPenalty, hypothesisLength: c, referenceLength: r };
}

/** Counts of the n-grams of `seq` (keys: tokens joined by U+0000). */
function ngramCounts(seq: readonly Token[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= seq.length; i++) {
    const key = seq.slice(i, i + n).join('\u0000');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** The reference length closest to `len` (ties: the shorter), as NLTK's closest_ref_length. */
function closestLength(refs: readonly (readonly Token[])[], len: number): number {
  let best = refs[0]!.length;
  for (const ref of refs) {
    const d = Math.abs(ref.length - len);
    const bd = Math.abs(best - len);
    if (d < bd || (d === bd && ref.length < best)) best = ref.length;
  }
  return best;
}
