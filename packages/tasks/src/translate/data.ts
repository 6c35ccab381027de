import { charTokenizer, identityTokenizer, type Tokenizer, Vocabulary, wordTokenizer } from '@unroll/seq2seq';
import { ArgumentError } from '@unroll/tensor';
import type { TranslateConfig, TranslateTokens } from './config.js';

/**
 * One example: a source text and its reference translations. The first reference is the one
 * trained on; all of them count when scoring (a cmudict word's alternate pronunciations, several
 * translations of one sentence).
 */
export interface TranslateExample {
  source: string;
  references: string[];
}

/** The tokeniser of a side: `char`, `word` (lower-cased words and punctuation) or `space` (whitespace split, as written). @example `tokenizerFor('space').tokenize('HH AH0') // ['HH', 'AH0']` */
export function tokenizerFor(kind: TranslateTokens): Tokenizer {
  if (kind === 'char') return charTokenizer();
  if (kind === 'word') return wordTokenizer({ lowercase: true });
  return identityTokenizer();
}

/** Checks a list of examples (non-empty, each with a source and at least one reference): ArgumentError naming the first bad one. @example `checkExamples('train', [{ source: 'a', references: [] }]) // throws` */
export function checkExamples(where: string, examples: readonly TranslateExample[]): void {
  if (!Array.isArray(examples) || examples.length === 0) throw new ArgumentError(`${where}: no examples`);
  examples.forEach((e, i) => {
    if (typeof e?.source !== 'string' || !Array.isArray(e.references) || e.references.length === 0) {
      throw new ArgumentError(`${where}: example ${i} needs a source string and at least one reference`);
    }
  });
}

/**
 * The source and target vocabularies, built from the training examples only (the first reference
 * of each), with the config's tokenisers, `minFreq` and `maxSize`.
 *
 * @example
 * ```ts
 * import { buildTranslateVocabularies, resolveTranslateConfig } from '@unroll/tasks';
 * const config = resolveTranslateConfig({ source: 'char', target: 'space' });
 * const { source, target } = buildTranslateVocabularies([{ source: 'hi', references: ['HH AY1'] }], config);
 * target.tokens; // ['<pad>', '<bos>', '<eos>', '<unk>', 'AY1', 'HH']
 * ```
 */
export function buildTranslateVocabularies(train: readonly TranslateExample[], config: Pick<TranslateConfig, 'source' | 'target' | 'minFreq' | 'maxSize'>): { source: Vocabulary; target: Vocabulary } {
  checkExamples('translate vocabularies', train);
  const opts = { minFreq: config.minFreq, maxSize: config.maxSize };
  return {
    source: Vocabulary.build(train.map((e) => e.source), { ...opts, tokenizer: tokenizerFor(config.source) }),
    target: Vocabulary.build(train.map((e) => e.references[0]!), { ...opts, tokenizer: tokenizerFor(config.target) }),
  };
}

/** A side of an example as ids, without bos or eos. */
export interface EncodedExample {
  source: Int32Array;
  target: Int32Array;
}

/** Encodes the examples (the first reference as target); examples whose source or target has no tokens are dropped. @example `encodeExamples(train, source, target)[0] // { source: Int32Array, target: Int32Array }` */
export function encodeExamples(examples: readonly TranslateExample[], source: Vocabulary, target: Vocabulary): EncodedExample[] {
  const out: EncodedExample[] = [];
  for (const e of examples) {
    const s = source.encode(e.source);
    const t = target.encode(e.references[0]!);
    if (s.length > 0 && t.length > 0) out.push({ source: s, target: t });
  }
  return out;
}
