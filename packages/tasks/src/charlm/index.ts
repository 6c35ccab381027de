export { CharVocab, UNK_CHAR, UNK_INDEX } from './vocab.js';
export { StreamBatcher, splitTrainVal, type Split, type StreamBatch } from './batches.js';
export { CharLM, validateCharLMConfig, type CharLMConfig } from './model.js';
export { sampleChars, sampleText, pickNext, checkSampleOptions, type SampleOptions } from './sample.js';
export { evaluate, type LMMetrics } from './metrics.js';
export {
  CharLMTrainer, DEFAULT_TRAIN_CONFIG, readCharLMCheckpoint, loadCharLM,
  type TrainConfig, type HistoryEntry, type CharLMCheckpointMeta,
} from './trainer.js';
