export { type Split, type StreamBatch, StreamBatcher, splitTrainVal } from './batches.js';
export { evaluate, type LMMetrics } from './metrics.js';
export { CharLM, type CharLMConfig, validateCharLMConfig } from './model.js';
export { charLMStepModel, checkSampleOptions, pickNext, type SampleOptions, sampleChars, sampleText } from './sample.js';
export {
  CHARLM_CHECKPOINT_VERSION, type CharLMCheckpointMeta, CharLMTrainer, charlmTask, type DataFingerprint, DEFAULT_TRAIN_CONFIG, type HistoryEntry,
  loadCharLM, readCharLMCheckpoint, type TrainConfig,
} from './trainer.js';
export { CharVocab, UNK_CHAR, UNK_INDEX } from './vocab.js';
