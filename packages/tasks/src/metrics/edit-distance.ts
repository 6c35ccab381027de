import { ArgumentError } from '@unroll/tensor';
import { checkCorpus, type Token } from './corpus.js';

/**
 * Levenshtein distance between two token arrays: the fewest insertions, deletions and
 * substitutions (each costing 1) that turn `a` into `b`. Tokens compare with `===`; a string is a
 * sequence of UTF-16 units, so pass `Array.from(s)` for characters.
 *
 * @example
 * ```ts
 * import { editDistance } from '@unroll/tasks';
 * editDistance(['K', 'AE1', 'T'], ['K', 'AA1', 'T', 'S']);   // 2 (one substitution, one insertion)
 * editDistance([], ['a', 'b']);                               // 2
 * ```
 */
export function editDistance(a: readonly Token[], b: readonly Token[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** errorRate's answer. @example `const { rate, edits, referenceLength } = errorRate(refs, hyps)` */
export interface ErrorRate {
  /** edits / referenceLength. */
  rate: number;
  /** Sum over the corpus of each hypothesis' edit distance to its best reference. */
  edits: number;
  /** Sum of the lengths of those best references. */
  referenceLength: number;
  /** Index of the reference each hypothesis was scored against. */
  chosen: number[];
}

/**
 * Corpus error rate over tokens: the sum of edit distances divided by the sum of reference lengths
 * (not the mean of per-sentence rates). Each hypothesis is scored against its best reference, the
 * one with the fewest edits (ties: the longer reference, so the lower rate, then the first), since
 * cmudict words have alternate pronunciations. Over phonemes this is the phoneme error rate (PER),
 * over the words of sentences the word error rate (WER); see `wordErrorRate` / `tokenErrorRate`.
 *
 * Edge cases: an empty hypothesis costs its reference's length; the rate can exceed 1 (insertions);
 * empty references with an empty hypothesis cost 0; a corpus whose chosen references hold no token
 * at all, an empty corpus, a hypothesis without references => ArgumentError (the rate is undefined).
 *
 * @example
 * ```ts
 * import { errorRate } from '@unroll/tasks';
 * const refs = [[['T', 'AH0', 'M', 'EY1', 'T', 'OW2'], ['T', 'AH0', 'M', 'AA1', 'T', 'OW2']]];
 * errorRate(refs, [['T', 'AH0', 'M', 'AA1', 'T', 'OW0']]);   // { rate: 1/6, edits: 1, referenceLength: 6, chosen: [1] }
 * ```
 */
export function errorRate(references: readonly (readonly (readonly Token[])[])[], hypotheses: readonly (readonly Token[])[]): ErrorRate {
  checkCorpus('errorRate', references, hypotheses);
  let edits = 0;
  let referenceLength = 0;
  const chosen = hypotheses.map((hyp, i) => {
    let best = -1;
    let bestEdits = 0;
    references[i]!.forEach((ref, k) => {
      const e = editDistance(ref, hyp);
      const bestLen = best < 0 ? 0 : references[i]![best]!.length;
      if (best < 0 || e < bestEdits || (e === bestEdits && ref.length > bestLen)) {
        best = k;
        bestEdits = e;
      }
    });
    edits += bestEdits;
    referenceLength += references[i]![best]!.length;
    return best;
  });
  if (referenceLength === 0) throw new ArgumentError('errorRate: the references hold no tokens, so the rate is undefined');
  return { rate: edits / referenceLength, edits, referenceLength, chosen };
}

/**
 * Word error rate of sentences: `errorRate` over word tokens.
 * @example `wordErrorRate([[['a', 'cat']]], [['the', 'cat']]).rate // 0.5`
 */
export const wordErrorRate = errorRate;

/**
 * Phoneme (or any token) error rate: `errorRate` over phoneme tokens.
 * @example `tokenErrorRate([[['K', 'AE1', 'T']]], [['K', 'AE1']]).rate // 1/3`
 */
export const tokenErrorRate = errorRate;

/**
 * Sequence error rate: the fraction of hypotheses equal to none of their references (the "word
 * error rate" of grapheme-to-phoneme papers, where a word is wrong if any phoneme is). Empty corpus
 * or a hypothesis without references => ArgumentError.
 *
 * @example
 * ```ts
 * import { sequenceErrorRate } from '@unroll/tasks';
 * sequenceErrorRate([[['HH', 'AH0'], ['HH', 'EH0']], [['OW1']]], [['HH', 'EH0'], ['AA1']]);   // 0.5
 * ```
 */
export function sequenceErrorRate(references: readonly (readonly (readonly Token[])[])[], hypotheses: readonly (readonly Token[])[]): number {
  checkCorpus('sequenceErrorRate', references, hypotheses);
  const wrong = hypotheses.filter((hyp, i) => !references[i]!.some((ref) => ref.length === hyp.length && ref.every((t, j) => t === hyp[j]))).length;
  return wrong / hypotheses.length;
}
