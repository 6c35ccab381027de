import { decode } from '@unroll/seq2seq';
import { ArgumentError, checkPositiveInt, type Tensor } from '@unroll/tensor';
import { corpusBleu } from '../metrics/bleu.js';
import { errorRate, sequenceErrorRate } from '../metrics/edit-distance.js';
import { padRows } from './batches.js';
import type { TranslateExample } from './data.js';
import type { TranslateModel } from './trainer.js';

/** Options of `translateTexts`. */
export interface TranslateOptions {
  /** Beam width: 1 (default) is greedy decoding; a positive integer. */
  beam?: number;
  /** The most output tokens (default: 2 x the longest source + 10). */
  maxLength?: number;
  /** Sources decoded together (default 64). */
  batchSize?: number;
}

/** One translation. */
export interface Translation {
  /** The source's tokens, as the model saw them. */
  sourceTokens: string[];
  /** Source tokens outside the vocabulary (they were read as unk). */
  unknown: string[];
  /** The output tokens (no bos or eos). */
  tokens: string[];
  /** The output joined by the target tokeniser. */
  text: string;
  /** Sum of the log-probabilities of the output (eos included). */
  score: number;
  /** (T,L) attention: row t is output token t's weights over the source tokens (the last row: eos), when the model attends. */
  attention?: number[][];
}

/**
 * Translates texts with greedy decoding (`beam` 1) or beam search. ArgumentError for an empty
 * source (one without tokens, naming its index) or a beam that is not a positive integer;
 * words outside the vocabulary are read as unk and listed in `unknown`.
 *
 * @example
 * ```ts
 * import { loadTranslate, translateTexts } from '@unroll/tasks';
 * const [t] = translateTexts(loadTranslate(bytes), ['hello'], { beam: 5 });
 * t.text; // 'HH AH0 L OW1'
 * ```
 */
export function translateTexts(m: TranslateModel, sources: readonly string[], opts: TranslateOptions = {}): Translation[] {
  const beam = opts.beam ?? 1;
  checkPositiveInt('translate', 'beam', beam);
  const batchSize = opts.batchSize ?? 64;
  checkPositiveInt('translate', 'batchSize', batchSize);
  if (opts.maxLength !== undefined) checkPositiveInt('translate', 'maxLength', opts.maxLength);
  const encoded = sources.map((s, i) => {
    if (typeof s !== 'string') throw new ArgumentError(`translate: source ${i} must be a string, got ${typeof s}`);
    const r = m.source.encodeWithReport(s);
    if (r.ids.length === 0) throw new ArgumentError(`translate: source ${i} is empty (no tokens in ${JSON.stringify(s)})`);
    return { ...r, tokens: [...m.source.tokenize(s)] };
  });
  const tgt = m.target;
  const out: Translation[] = [];
  const wasTraining = m.model.training;
  m.model.eval();
  try {
    for (let i = 0; i < encoded.length; i += batchSize) {
      const chunk = encoded.slice(i, i + batchSize);
      const { ids, lengths } = padRows(chunk.map((e) => e.ids), m.source.padId); // (B,L)
      const { model, init } = m.model.stepModel(ids, lengths);
      const maxLength = opts.maxLength ?? 2 * ids.shape[1]! + 10;
      const common = { bos: tgt.bosId, eos: tgt.eosId, maxLength, batchSize: chunk.length, suppress: [tgt.padId, tgt.bosId] };
      const results = decode(model, init, beam === 1 ? { strategy: 'greedy', ...common } : { strategy: 'beam', beamWidth: beam, ...common });
      results.forEach((r, b) => {
        const tokens = tgt.decode(r.tokens, { skipSpecials: true });
        const e = chunk[b]!;
        out.push({
          sourceTokens: e.tokens, unknown: e.unknown, tokens, text: tgt.tokenizer ? tgt.tokenizer.detokenize(tokens) : tokens.join(' '), score: r.score,
          ...(r.attention ? { attention: attentionRows(r.attention, e.ids.length) } : {}),
        });
      });
    }
  } finally {
    if (wasTraining) m.model.train();
  }
  return out;
}

/** (T,L) weights as rows, cut to the source's real length. */
function attentionRows(a: Tensor, len: number): number[][] {
  const [T, L] = a.shape as [number, number];
  return Array.from({ length: T }, (_, t) => Array.from(a.data.subarray(t * L, t * L + len)));
}

/** `AH0` -> `AH`: the ARPAbet stress digit removed (the same rule as `stripStress` in @unroll/datasets, which this browser-safe package cannot import). @example `withoutStress(['HH', 'AH0']) // ['HH', 'AH']` */
export function withoutStress(tokens: readonly string[]): string[] {
  return tokens.map((t) => t.replace(/[012]$/, ''));
}

/** Scores of a set of outputs against their references. */
export interface TranslateScores {
  /** Examples scored. */
  count: number;
  /** Corpus BLEU-4 in [0, 1] (metric `bleu`). */
  bleu?: number;
  /** Phoneme error rate against each word's best reference (metric `phonemes`), stress kept and stripped. */
  per?: number;
  perNoStress?: number;
  /** Word error rate: words not equal to any reference (metric `phonemes`), stress kept and stripped. */
  wer?: number;
  werNoStress?: number;
}

/**
 * Scores output token lists against each example's references tokenised by the target
 * vocabulary's tokeniser: BLEU-4 for `bleu`; for `phonemes` PER (edits to the best reference
 * over the reference length) and WER (words matching no reference), with stress kept and stripped.
 *
 * @example `scoreTranslations(m, test, outputs.map((o) => o.tokens)) // { count, per, wer, perNoStress, werNoStress }`
 */
export function scoreTranslations(m: TranslateModel, examples: readonly TranslateExample[], outputs: readonly (readonly string[])[]): TranslateScores {
  if (examples.length !== outputs.length) throw new ArgumentError(`translate: ${outputs.length} outputs for ${examples.length} examples`);
  const refs = examples.map((e) => e.references.map((r) => [...m.target.tokenize(r)]));
  if (m.config.metric === 'bleu') return { count: examples.length, bleu: corpusBleu(refs, outputs).bleu };
  const refsNS = refs.map((rs) => rs.map(withoutStress));
  const outNS = outputs.map(withoutStress);
  return {
    count: examples.length,
    per: errorRate(refs, outputs).rate, wer: sequenceErrorRate(refs, outputs),
    perNoStress: errorRate(refsNS, outNS).rate, werNoStress: sequenceErrorRate(refsNS, outNS),
  };
}

/**
 * Translates each example's source (greedy or beam) and scores the outputs (see
 * `scoreTranslations`). Pass the validation split to choose settings; the test split only to report.
 *
 * @example `evaluateTranslate(loadTranslate(bytes), test, { beam: 5 }).scores.per`
 */
export function evaluateTranslate(m: TranslateModel, examples: readonly TranslateExample[], opts: TranslateOptions = {}): { scores: TranslateScores; outputs: Translation[] } {
  if (examples.length === 0) throw new ArgumentError('translate: nothing to evaluate (no examples)');
  const outputs = translateTexts(m, examples.map((e) => e.source), opts);
  return { scores: scoreTranslations(m, examples, outputs.map((o) => o.tokens)), outputs };
}
