export { type PairBatch, PairBatcher, padRows, pairBatch } from './batches.js';
export { DEFAULT_TRANSLATE_CONFIG, dataDefaults, resolveTranslateConfig, type TranslateConfig, type TranslateMetric, type TranslateTokens } from './config.js';
export { buildTranslateVocabularies, checkExamples, type EncodedExample, encodeExamples, type TranslateExample, tokenizerFor } from './data.js';
export {
  evaluateTranslate, scoreTranslations, type TranslateOptions, type TranslateScores, type Translation, translateTexts, withoutStress,
} from './evaluate.js';
export { attentionHeatmap } from './heatmap.js';
export {
  loadTranslate, TRANSLATE_CHECKPOINT_VERSION, TRANSLATE_TYPE, type TranslateModel, type TranslateRunOptions, TranslateTrainer,
  type TranslateValidation, translateModel, translateTask, validateTranslate,
} from './trainer.js';
