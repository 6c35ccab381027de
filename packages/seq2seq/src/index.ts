/** The package name, exported so that the package can be imported before it fills up. */
export const name = '@unroll/seq2seq';
export { charTokenizer, identityTokenizer, type Tokenizer, type TokenizerSpec, tokenizerFromSpec, wordTokenizer } from './tokenizers.js';
export {
  type BuildOptions, DEFAULT_SPECIALS, type EncodeReport, SPECIAL_NAMES, type SpecialName, Vocabulary, type VocabularyJSON,
} from './vocabulary.js';
export { type DecodeOptions, decodeBatch, type EncodeBatchOptions, type EncodedBatch, encodeBatch } from './vocabulary-batch.js';
