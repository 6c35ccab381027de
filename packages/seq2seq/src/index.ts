/** The package name, exported so that the package can be imported before it fills up. */
export const name = '@unroll/seq2seq';
export {
  AdditiveAttention, type Attention, type AttentionKind, type AttentionMemory, type AttentionResult, createAttention, DotAttention,
  GeneralAttention, maskedSoftmax, sourceMask,
} from './attention/index.js';
export { Bridge, type BridgeSource } from './bridge.js';
export {
  type BeamOptions, type DecodeResult, type DecodingOptions, type DecodingStep, decode, decodeSteps, type GreedyOptions, type Hypothesis,
  resolveDecodingOptions, type SamplingOptions, type SamplingParams, type StepModel, type StepOutput, TokenChooser,
} from './decode/index.js';
export { Decoder, type DecoderOptions, type DecoderState, type DecoderStep } from './decoder.js';
export { checkSource, Encoder, type EncoderOptions, type EncoderOutput, type RecurrentCell } from './encoder.js';
export { type SequenceLossOptions, sequenceLoss } from './losses.js';
export { Seq2Seq, type Seq2SeqConfig, type Seq2SeqOutput, type Seq2SeqState, type TeacherForcingOptions } from './seq2seq.js';
export { charTokenizer, identityTokenizer, type Tokenizer, type TokenizerSpec, tokenizerFromSpec, wordTokenizer } from './tokenizers.js';
export {
  type BuildOptions, DEFAULT_SPECIALS, type EncodeReport, SPECIAL_NAMES, type SpecialName, Vocabulary, type VocabularyJSON,
} from './vocabulary.js';
export { type DecodeOptions, decodeBatch, type EncodeBatchOptions, type EncodedBatch, encodeBatch } from './vocabulary-batch.js';
