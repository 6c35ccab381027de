import {
  Adagrad, Adam, clipGradNorm, crossEntropy, decodeCheckpoint, encodeCheckpoint, type Optimizer,
  RMSprop, restoreCheckpoint, SGD,
} from '@unroll/autograd';
import { detachState, type RecurrentState, resizeState } from '@unroll/cells';
import { ArgumentError, checkPositiveInt, FormatError, Generator, Tensor } from '@unroll/tensor';
import { StreamBatcher, splitTrainVal } from './batches.js';
import { evaluate, type LMMetrics } from './metrics.js';
import { CharLM, type CharLMConfig, validateCharLMConfig } from './model.js';
import { CharVocab } from './vocab.js';

/** Everything that defines a training run. */
export interface TrainConfig {
  model: Omit<CharLMConfig, 'vocabSize'>;
  seq: number;
  batch: number;
  optimizer: 'adam' | 'rmsprop' | 'adagrad' | 'sgd';
  lr: number;
  /** Multiply the learning rate by this every `decayEvery` steps (1: constant). */
  lrDecay: number;
  decayEvery: number;
  /** Clip the global gradient norm to this (0: no clipping). */
  clip: number;
  seed: number;
  valFraction: number;
}

/** Defaults: a one-layer LSTM trained with Adam on 64-step chunks of 32 streams. */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  model: { cell: 'lstm', hidden: 256, layers: 1, dropout: 0, embed: 0, forgetBias: 1 },
  seq: 64,
  batch: 32,
  optimizer: 'adam',
  lr: 3e-3,
  lrDecay: 0.9,
  decayEvery: 500,
  clip: 5,
  seed: 1,
  valFraction: 0.05,
};

/** One row of the training history. */
export interface HistoryEntry {
  step: number;
  /** Seconds of training so far (across resumes). */
  seconds: number;
  trainLoss: number;
  valLoss?: number;
}

/** The metadata a charlm checkpoint carries beside the weights. */
export interface CharLMCheckpointMeta {
  type: 'charlm';
  config: TrainConfig;
  vocab: string[];
  step: number;
  seconds: number;
  tokens: number;
  history: HistoryEntry[];
  generator: number[];
  /** The carried hidden state (flattened), so a resumed run continues exactly. */
  carried: { shape: number[]; h: number[]; c?: number[] } | null;
}

function checkTrainConfig(c: TrainConfig): void {
  checkPositiveInt('charlm', 'seq', c.seq);
  checkPositiveInt('charlm', 'batch', c.batch);
  checkPositiveInt('charlm', 'decayEvery', c.decayEvery);
  if (!(c.lr > 0 && Number.isFinite(c.lr))) throw new ArgumentError(`charlm: learning rate must be a positive number, got ${c.lr}`);
  if (!(c.lrDecay > 0 && c.lrDecay <= 1)) throw new ArgumentError(`charlm: lrDecay must be in (0, 1], got ${c.lrDecay}`);
  if (!(c.clip >= 0 && Number.isFinite(c.clip))) throw new ArgumentError(`charlm: clip must be a non-negative number, got ${c.clip}`);
  if (!['adam', 'rmsprop', 'adagrad', 'sgd'].includes(c.optimizer)) throw new ArgumentError(`charlm: optimizer must be adam, rmsprop, adagrad or sgd, got '${c.optimizer}'`);
}

function makeOptimizer(c: TrainConfig, model: CharLM): Optimizer {
  const params = model.parameters();
  switch (c.optimizer) {
    case 'adam': return new Adam(params, { lr: c.lr });
    case 'rmsprop': return new RMSprop(params, { lr: c.lr });
    case 'adagrad': return new Adagrad(params, { lr: c.lr });
    case 'sgd': return new SGD(params, { lr: c.lr, momentum: 0.9 });
  }
}

/**
 * Trains a character language model with truncated BPTT over B parallel streams (state carried
 * across chunks), gradient clipping and a decaying learning rate. Step by step, so that a CLI or
 * a browser can drive it, and checkpointable at any step (resume is exact).
 *
 * @example
 * ```ts
 * import { CharLMTrainer } from '@unroll/tasks';
 * const trainer = CharLMTrainer.create('hello world, hello moon. '.repeat(50), { seq: 16, batch: 4, model: { hidden: 32 } });
 * for (let i = 0; i < 100; i++) trainer.step();
 * console.log(trainer.validate().bitsPerChar);
 * ```
 */
export class CharLMTrainer {
  readonly batcher: StreamBatcher;
  readonly valIds: Int32Array;
  step_ = 0;
  seconds = 0;
  tokens = 0;
  history: HistoryEntry[] = [];
  private carried: RecurrentState | undefined;

  private constructor(
    readonly config: TrainConfig,
    readonly vocab: CharVocab,
    ids: Int32Array,
    readonly model: CharLM,
    readonly optimizer: Optimizer,
    readonly generator: Generator,
  ) {
    const { train, val } = splitTrainVal(ids, config.valFraction);
    this.batcher = new StreamBatcher(train, { batch: config.batch, seq: config.seq });
    this.valIds = val;
  }

  /** A fresh run on `text` with `overrides` of the defaults. */
  static create(text: string, overrides: Partial<Omit<TrainConfig, 'model'>> & { model?: Partial<TrainConfig['model']> } = {}): CharLMTrainer {
    const config: TrainConfig = {
      ...DEFAULT_TRAIN_CONFIG,
      ...definedOnly(overrides),
      model: { ...DEFAULT_TRAIN_CONFIG.model, ...definedOnly(overrides.model ?? {}) },
    };
    if (config.model.cell !== 'lstm') delete config.model.forgetBias;
    checkTrainConfig(config);
    const vocab = CharVocab.fromText(text);
    const modelConfig: CharLMConfig = { ...config.model, vocabSize: vocab.size };
    validateCharLMConfig(modelConfig);
    const generator = new Generator(config.seed);
    const model = new CharLM(modelConfig, { generator });
    return new CharLMTrainer(config, vocab, vocab.encode(text), model, makeOptimizer(config, model), generator);
  }

  /** Continues a run from checkpoint bytes (same text): weights, optimizer, data position, state, RNG. */
  static resume(bytes: Uint8Array, text: string): CharLMTrainer {
    const { meta, decoded } = readCharLMCheckpoint(bytes);
    const vocab = CharVocab.fromJSON(meta.vocab);
    const generator = new Generator(0).setState(meta.generator);
    const model = new CharLM({ ...meta.config.model, vocabSize: vocab.size }, { generator: new Generator(0) });
    // the model's dropout must draw from the restored generator
    const trainer = new CharLMTrainer(meta.config, vocab, vocab.encode(text), model, makeOptimizer(meta.config, model), generator);
    rebindGenerator(model, generator);
    restoreCheckpoint(decoded, { model, optimizer: trainer.optimizer });
    trainer.step_ = meta.step;
    trainer.seconds = meta.seconds;
    trainer.tokens = meta.tokens;
    trainer.history = meta.history;
    if (meta.carried) {
      const h = new Tensor(Float32Array.from(meta.carried.h), meta.carried.shape);
      trainer.carried = meta.carried.c ? { h, c: new Tensor(Float32Array.from(meta.carried.c), meta.carried.shape) } : { h };
    }
    return trainer;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.step_;
  }

  /** The learning rate for the current step. */
  currentLr(): number {
    return this.config.lr * this.config.lrDecay ** Math.floor(this.step_ / this.config.decayEvery);
  }

  /** One chunk of truncated BPTT: forward, backward, clip, update. Returns the chunk's mean loss. */
  step(): { loss: number; gradNorm: number } {
    const t0 = performance.now();
    const { x, y } = this.batcher.chunk(this.step_);
    const state = this.carried ? resizeState(detachState(this.carried), this.config.batch) : undefined;
    this.model.train();
    const { logits, state: next } = this.model.forward(x, state);
    const loss = crossEntropy(logits, y);
    this.optimizer.zeroGrad();
    loss.backward();
    const params = this.model.parameters();
    const gradNorm = this.config.clip > 0 ? clipGradNorm(params, this.config.clip) : 0;
    this.optimizer.lr = this.currentLr();
    this.optimizer.step();
    this.carried = detachState(next);
    this.step_++;
    this.tokens += x.size;
    this.seconds += (performance.now() - t0) / 1000;
    const value = loss.item();
    this.history.push({ step: this.step_, seconds: this.seconds, trainLoss: value });
    return { loss: value, gradNorm };
  }

  /** Validation metrics (on at most `maxChars` characters of the held-out split). */
  validate(opts: { maxChars?: number } = {}): LMMetrics {
    const m = evaluate(this.model, this.valIds, opts);
    const last = this.history[this.history.length - 1];
    if (last) last.valLoss = m.nats;
    return m;
  }

  /** The whole run as checkpoint bytes (weights, optimizer, config, vocabulary, history, state). */
  checkpoint(): Uint8Array {
    const carried = this.carried
      ? { shape: [...this.carried.h.shape], h: Array.from(this.carried.h.data), ...(this.carried.c ? { c: Array.from(this.carried.c.data) } : {}) }
      : null;
    const meta: CharLMCheckpointMeta = {
      type: 'charlm',
      config: this.config,
      vocab: CharVocab.toJSON(this.vocab),
      step: this.step_,
      seconds: this.seconds,
      tokens: this.tokens,
      history: this.history,
      generator: this.generator.getState(),
      carried,
    };
    return encodeCheckpoint({ model: this.model, optimizer: this.optimizer, metadata: meta });
  }
}

/** The entries of `o` whose value is not undefined (so that absent options keep their defaults). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function rebindGenerator(model: CharLM, g: Generator): void {
  if (model.rnn.dropoutLayer) model.rnn.dropoutLayer.generator = g;
}

/**
 * Reads a charlm checkpoint; FormatError when the bytes are not one (or hold another model type).
 * @example `const { meta } = readCharLMCheckpoint(await readFile('model.safetensors'))`
 */
export function readCharLMCheckpoint(bytes: Uint8Array): { meta: CharLMCheckpointMeta; decoded: ReturnType<typeof decodeCheckpoint> } {
  const decoded = decodeCheckpoint(bytes);
  const meta = decoded.metadata as Partial<CharLMCheckpointMeta> | undefined;
  if (!meta || typeof meta !== 'object') throw new FormatError('charlm: the checkpoint has no charlm metadata');
  if (meta.type !== 'charlm') throw new FormatError(`charlm: the checkpoint holds a '${String(meta.type)}' model, not a charlm`);
  if (!Array.isArray(meta.vocab) || !meta.config) throw new FormatError('charlm: the checkpoint metadata lacks the vocabulary or config');
  return { meta: meta as CharLMCheckpointMeta, decoded };
}

/**
 * Loads a trained model and its vocabulary from checkpoint bytes (for sampling and evaluation).
 * @example `const { model, vocab } = loadCharLM(bytes); sampleText(model, vocab, { length: 50 })`
 */
export function loadCharLM(bytes: Uint8Array): { model: CharLM; vocab: CharVocab; meta: CharLMCheckpointMeta } {
  const { meta, decoded } = readCharLMCheckpoint(bytes);
  const vocab = CharVocab.fromJSON(meta.vocab);
  const model = new CharLM({ ...meta.config.model, vocabSize: vocab.size });
  restoreCheckpoint(decoded, { model });
  model.eval();
  return { model, vocab, meta };
}
