import { Adam, type DecodedCheckpoint, noGrad, type Optimizer, restoreCheckpoint, type Scheduler } from '@unroll/autograd';
import { Seq2Seq, sequenceLoss, Vocabulary } from '@unroll/seq2seq';
import { argmax, FormatError } from '@unroll/tensor';
import { decodeEnvelope, encodeEnvelope } from '../core/envelope.js';
import { TrainingLoop } from '../core/loop.js';
import type { TaskEntry } from '../core/registry.js';
import { createSchedule } from '../core/schedule.js';
import { type Budget, type CheckpointStore, type TrainEvent, type TrainResult, train } from '../core/train.js';
import { type PairBatch, PairBatcher, pairBatch } from './batches.js';
import { resolveTranslateConfig, type TranslateConfig } from './config.js';
import { buildTranslateVocabularies, checkExamples, type EncodedExample, encodeExamples, type TranslateExample } from './data.js';

/** The checkpoint type of the translate task. @example `checkpointType(bytes).type === TRANSLATE_TYPE` */
export const TRANSLATE_TYPE = 'translate';
/** The translate checkpoint version. @example `decodeEnvelope(bytes, TRANSLATE_TYPE).envelope.version // 1` */
export const TRANSLATE_CHECKPOINT_VERSION = 1;

/** A trained model with its vocabularies and config (what `loadTranslate` returns). */
export interface TranslateModel {
  model: Seq2Seq;
  source: Vocabulary;
  target: Vocabulary;
  config: TranslateConfig;
}

/** Validation metrics: teacher-forced loss (nats per target token) and token accuracy on the validation pairs. */
export interface TranslateValidation {
  loss: number;
  tokenAccuracy: number;
}

/** The Seq2Seq model a config describes (seeded by `config.seed`). @example `translateModel(resolveTranslateConfig({ attention: 'dot' }), source, target)` */
export function translateModel(config: TranslateConfig, source: Vocabulary, target: Vocabulary): Seq2Seq {
  return new Seq2Seq({
    srcVocabSize: source.size, tgtVocabSize: target.size, embeddingSize: config.embeddingSize, hiddenSize: config.hiddenSize,
    cell: config.cell, encoderLayers: config.layers, bidirectional: config.bidirectional, attention: config.attention,
    padId: source.padId, seed: config.seed,
  });
}

/**
 * Teacher-forced loss and token accuracy of a model over pairs (eval mode, no gradients), in
 * batches of 64: the loss is the mean over all real target tokens (eos included); a token is
 * right when the argmax at its position is the reference token.
 *
 * @example `validateTranslate(trained, encodeExamples(val, trained.source, trained.target)) // { loss, tokenAccuracy }`
 */
export function validateTranslate(m: TranslateModel, pairs: readonly EncodedExample[]): TranslateValidation {
  const ids = { pad: m.target.padId, bos: m.target.bosId, eos: m.target.eosId };
  const wasTraining = m.model.training;
  m.model.eval();
  let nats = 0;
  let hits = 0;
  let tokens = 0;
  try {
    noGrad(() => {
      for (let i = 0; i < pairs.length; i += 64) {
        const b = pairBatch(pairs.slice(i, i + 64), ids);
        const { logits } = m.model.forward(b.src, b.srcLengths, b.tgtIn); // (B,T,V)
        nats += sequenceLoss(logits, b.tgtOut, b.tgtMask).item() * b.tokens;
        const guess = argmax(logits, 2).data; // (B,T)
        const want = b.tgtOut.data;
        const mask = b.tgtMask.data;
        for (let k = 0; k < mask.length; k++) if (mask[k] === 1 && guess[k] === want[k]) hits++;
        tokens += b.tokens;
      }
    });
  } finally {
    if (wasTraining) m.model.train();
  }
  return { loss: tokens > 0 ? nats / tokens : Number.NaN, tokenAccuracy: tokens > 0 ? hits / tokens : Number.NaN };
}

/** Options of `TranslateTrainer.run`. */
export interface TranslateRunOptions {
  budget: Budget;
  /** Save to `path` through `store` every `every` steps (0 or absent: at the end only). */
  checkpoint?: { path: string; store: CheckpointStore; every?: number };
  onEvent?: (event: TrainEvent) => void;
  signal?: AbortSignal;
}

/**
 * Trains a `Seq2Seq` model on pairs with the shared training loop: vocabularies from the train
 * split only, seeded length-bucketed batches, masked cross-entropy (optional label smoothing),
 * Adam with a warm-up + cosine schedule tied to the budget, gradient clipping, validation
 * (teacher-forced loss and token accuracy on at most `valLimit` validation pairs) and
 * checkpoints of type `translate` (vocabularies and config in the metadata) that resume
 * exactly: the batches are a function of the step.
 *
 * @example
 * ```ts
 * import { TranslateTrainer } from '@unroll/tasks';
 * const pairs = [{ source: 'cat', references: ['K AE1 T'] }, { source: 'at', references: ['AE1 T'] }];
 * const t = TranslateTrainer.create(pairs, pairs, { source: 'char', target: 'space', metric: 'phonemes', batch: 2, totalSteps: 50 });
 * await t.run({ budget: { steps: 50 } });
 * t.validate(); // { loss, tokenAccuracy }
 * ```
 */
export class TranslateTrainer implements TranslateModel {
  readonly loop: TrainingLoop<PairBatch>;
  readonly batcher: PairBatcher;
  readonly optimizer: Optimizer;
  readonly scheduler: Scheduler | undefined;
  private readonly valPairs: EncodedExample[];

  private constructor(
    readonly config: TranslateConfig,
    readonly source: Vocabulary,
    readonly target: Vocabulary,
    readonly model: Seq2Seq,
    train: readonly TranslateExample[],
    val: readonly TranslateExample[],
  ) {
    const encoded = encodeExamples(train, source, target);
    this.batcher = new PairBatcher(encoded, { batch: config.batch, seed: config.seed, pad: target.padId, bos: target.bosId, eos: target.eosId });
    this.valPairs = encodeExamples(val.slice(0, config.valLimit), source, target);
    this.optimizer = new Adam(model.parameters(), { lr: config.lr });
    this.scheduler = createSchedule(this.optimizer, { kind: 'cosine', warmup: config.warmup, minLr: config.lr / 20 }, { steps: config.totalSteps || undefined });
    this.loop = new TrainingLoop({
      model, optimizer: this.optimizer, clip: config.clip, generator: model.generator,
      ...(this.scheduler ? { scheduler: this.scheduler } : {}),
      nextBatch: (step) => this.batcher.batch(step),
      loss: (b) => model.loss(b.src, b.srcLengths, b.tgtIn, b.tgtOut, b.tgtMask, { labelSmoothing: config.labelSmoothing }),
      tokens: (b) => b.tokens,
    });
  }

  /** A fresh run: config from the defaults and `overrides`, vocabularies from `train` only. */
  static create(train: readonly TranslateExample[], val: readonly TranslateExample[], overrides: Partial<TranslateConfig> = {}): TranslateTrainer {
    checkExamples('translate: train', train);
    const config = resolveTranslateConfig(overrides);
    const { source, target } = buildTranslateVocabularies(train, config);
    return new TranslateTrainer(config, source, target, translateModel(config, source, target), train, val);
  }

  /**
   * Continues a run from its checkpoint on the same data (the saved vocabularies and config are
   * used): FormatError for a checkpoint of another task.
   */
  static resume(bytes: Uint8Array, train: readonly TranslateExample[], val: readonly TranslateExample[]): TranslateTrainer {
    const { envelope, decoded } = decodeEnvelope<TranslateConfig>(bytes, TRANSLATE_TYPE);
    const { config, source, target } = readMeta(envelope);
    const t = new TranslateTrainer(config, source, target, translateModel(config, source, target), train, val);
    t.loop.restore(decoded, envelope.training);
    return t;
  }

  /** Steps taken. */
  get step(): number {
    return this.loop.step;
  }

  /** Validation metrics on the validation pairs (the first `valLimit`). */
  validate(): TranslateValidation {
    return validateTranslate(this, this.valPairs);
  }

  /** The checkpoint bytes now (type `translate`; config and vocabularies in the metadata). */
  checkpoint(): Uint8Array {
    return encodeEnvelope(this.loop, {
      type: TRANSLATE_TYPE, version: TRANSLATE_CHECKPOINT_VERSION, config: this.config,
      extra: { sourceVocab: this.source.toJSON(), targetVocab: this.target.toJSON() },
    });
  }

  /** Trains with the shared loop until the budget is spent, validating every `validateEvery` steps (when there are validation pairs). */
  run(opts: TranslateRunOptions): Promise<TrainResult> {
    const { checkpoint } = opts;
    return train({
      loop: this.loop, budget: opts.budget,
      ...(this.valPairs.length > 0 ? { validate: { every: this.config.validateEvery, run: () => ({ ...this.validate() }) } } : {}),
      ...(checkpoint ? { checkpoint: { path: checkpoint.path, store: checkpoint.store, every: checkpoint.every, encode: () => this.checkpoint() } } : {}),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
}

function readMeta(envelope: { config: TranslateConfig; [key: string]: unknown }): { config: TranslateConfig; source: Vocabulary; target: Vocabulary } {
  if (envelope.sourceVocab === undefined || envelope.targetVocab === undefined) throw new FormatError('translate: the checkpoint has no vocabularies');
  let config: TranslateConfig;
  try {
    config = resolveTranslateConfig(envelope.config);
  } catch (e) {
    throw new FormatError(`translate: the checkpoint's config is not valid: ${(e as Error).message}`);
  }
  return { config, source: Vocabulary.fromJSON(envelope.sourceVocab), target: Vocabulary.fromJSON(envelope.targetVocab) };
}

/**
 * The trained model of a translate checkpoint, in eval mode, with its vocabularies and config;
 * FormatError for a checkpoint of another task or without vocabularies.
 *
 * @example
 * ```ts
 * import { loadTranslate, translateTexts } from '@unroll/tasks';
 * const m = loadTranslate(bytes);
 * translateTexts(m, ['hello'], { beam: 5 })[0].text; // 'HH AH0 L OW1'
 * ```
 */
export function loadTranslate(bytes: Uint8Array): TranslateModel & { decoded: DecodedCheckpoint; step: number } {
  const { envelope, decoded } = decodeEnvelope<TranslateConfig>(bytes, TRANSLATE_TYPE);
  const { config, source, target } = readMeta(envelope);
  const model = translateModel(config, source, target);
  restoreCheckpoint(decoded, { model });
  model.eval();
  return { model, source, target, config, decoded, step: envelope.training.step };
}

/**
 * The translate task as the registry sees it (`registerTask('translate', translateTask)`).
 *
 * @example `registerTask('translate', translateTask); taskFor(bytes).entry.describe(bytes)`
 */
export const translateTask: TaskEntry<ReturnType<typeof loadTranslate>> = {
  load: loadTranslate,
  describe: (bytes) => {
    const m = loadTranslate(bytes);
    const parameters = m.model.parameters().reduce((n, p) => n + p.size, 0);
    return { type: TRANSLATE_TYPE, config: m.config, sourceVocab: m.source.size, targetVocab: m.target.size, parameters, steps: m.step };
  },
};
