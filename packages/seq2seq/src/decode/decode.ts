import { beamSearch } from './beam.js';
import { type DecodingOptions, resolveDecodingOptions } from './options.js';
import { type DecodeResult, stackAttention } from './result.js';
import { decodeSteps } from './steps.js';
import type { StepModel } from './types.js';

/**
 * Decodes B rows with any step model: greedy, sampling (temperature, top-k, top-p) or batched
 * beam search, named by `opts.strategy`. `init` is the model's state for the B rows (B =
 * `batchSize`, or the length of `bos` when it is an array, else 1); every row starts from `bos`
 * and runs until eos or `maxLength` steps. Returns one result per row: its tokens (without bos,
 * without eos: `eos` says whether it ended with one), its score (the sum of log-probabilities,
 * eos included), the length-normalised score beam search ranked it by, the (T,L) attention when
 * the model returns attention, and for beam search the `nBest` best hypotheses. Bad options throw
 * an ArgumentError naming the option (`beamWidth 0`, `maxLength 0`, `temperature 0` (use greedy),
 * `topP` outside (0, 1], an unknown strategy).
 *
 * @example
 * ```ts
 * import { decode, type StepModel } from '@unroll/seq2seq';
 * import { Tensor } from '@unroll/tensor';
 * // a stateless bigram model over 4 tokens (0 pad, 1 bos, 2 eos, 3 'a'): after bos 'a', after 'a' eos
 * const table = [[0, 0, 0, 0], [0, 0, 0, 5], [0, 0, 0, 0], [0, 0, 5, 0]];
 * const bigram: StepModel<null> = {
 *   step: (tokens) => ({ logits: new Tensor(Float32Array.from([...tokens].flatMap((t) => table[t]!)), [tokens.length, 4]), state: null }),
 *   select: (state) => state,
 * };
 * const [best] = decode(bigram, null, { strategy: 'beam', beamWidth: 3, bos: 1, eos: 2, maxLength: 10, suppress: [0, 1] });
 * best!.tokens; // Int32Array [3]
 * best!.eos; // true
 * ```
 */
export function decode<S>(model: StepModel<S>, init: S, opts: DecodingOptions): DecodeResult[] {
  const o = resolveDecodingOptions(opts);
  if (o.strategy === 'beam') return beamSearch(model, init, o);
  const B = o.batchSize;
  const tokens: number[][] = Array.from({ length: B }, () => []);
  const scores = new Float64Array(B);
  const ended = new Uint8Array(B);
  const attention: Float32Array[][] = Array.from({ length: B }, () => []);
  let L = -1;
  for (const s of decodeSteps(model, init, opts as Exclude<DecodingOptions, { strategy: 'beam' }>)) {
    if (s.attention) L = s.attention.shape[1]!;
    const att = s.attention?.data;
    for (let i = 0; i < s.rows.length; i++) {
      const b = s.rows[i]!;
      scores[b] = scores[b]! + s.logProbs[i]!;
      if (s.tokens[i] === o.eos) ended[b] = 1;
      else tokens[b]!.push(s.tokens[i]!);
      if (att) attention[b]!.push(Float32Array.from(att.subarray(i * L, (i + 1) * L)));
    }
  }
  return tokens.map((t, b) => {
    const hyp = { tokens: Int32Array.from(t), eos: ended[b] === 1, score: scores[b]!, normalizedScore: scores[b]!, ...(L >= 0 ? { attention: stackAttention(attention[b]!, L) } : {}) };
    return { ...hyp, hypotheses: [hyp] };
  });
}
