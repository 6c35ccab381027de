import { Adagrad, Adam, crossEntropy, type DecodedCheckpoint, type Optimizer, RMSprop, restoreCheckpoint, type Scheduler, SGD } from '@unroll/autograd';
import { TruncatedBPTT } from '@unroll/cells';
import { ArgumentError, checkPositiveInt, FormatError, Generator } from '@unroll/tensor';
import { checkpointType, decodeEnvelope, encodeEnvelope } from '../core/envelope.js';
import { type CarriedJSON, TrainingLoop } from '../core/loop.js';
import type { TaskEntry } from '../core/registry.js';
import { createSchedule } from '../core/schedule.js';
import { type StreamBatch, StreamBatcher, splitTrainVal } from './batches.js';
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
  /**
   * The learning-rate schedule (absent: `step`, the `lrDecay` every `decayEvery` steps above).
   * `cosine` and `linear` decay to `minLr` by `totalSteps` (0: by the elapsed fraction of a
   * minutes budget, which `train()` tells the schedule).
   */
  schedule?: 'step' | 'cosine' | 'linear' | 'constant';
  /** Linear warm-up steps before the schedule (default 0). */
  warmup?: number;
  /** The rate `cosine` and `linear` end at (default 0). */
  minLr?: number;
  /** The run's total steps, for `cosine` and `linear` (0 or absent: tied to a minutes budget). */
  totalSteps?: number;
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
  /**
   * Seconds of training so far in this process (0 for rows read from a checkpoint: timings go to
   * events and logs, not the file, so that the same run gives the same bytes).
   */
  seconds: number;
  trainLoss: number;
  valLoss?: number;
}

/** The charlm checkpoint version written now (1: the format before the shared envelope). */
export const CHARLM_CHECKPOINT_VERSION = 2;

/**
 * A charlm checkpoint's metadata as readers see it, whatever the version: version 2 files hold
 * the shared envelope (`type`, `version`, `config`, `training`) plus `vocab` and `history`;
 * version 1 files (no `version` key) hold these fields directly. `seconds` is 0 for version 2.
 */
export interface CharLMCheckpointMeta {
  type: 'charlm';
  version: number;
  config: TrainConfig;
  vocab: string[];
  step: number;
  seconds: number;
  tokens: number;
  history: HistoryEntry[];
  /** `Generator.getState()`, the NaN of "no cached normal" as null (JSON has no NaN). */
  generator: (number | null)[];
  /** The carried hidden state (flattened), so a resumed run continues exactly. */
  carried: CarriedJSON | null;
  /** What the run trained on, when the writer recorded it (`CharLMTrainer.data`). */
  data?: DataFingerprint;
}

/** A training text's identity: its length in characters (code points) and a hash of its bytes, both chosen by the writer. */
export interface DataFingerprint {
  chars: number;
  /** `<algorithm>:<hex digest>`, e.g. `sha256:...`. */
  hash: string;
}

function checkTrainConfig(c: TrainConfig): void {
  checkPositiveInt('charlm', 'seq', c.seq);
  checkPositiveInt('charlm', 'batch', c.batch);
  checkPositiveInt('charlm', 'decayEvery', c.decayEvery);
  if (!(c.lr > 0 && Number.isFinite(c.lr))) throw new ArgumentError(`charlm: learning rate must be a positive number, got ${c.lr}`);
  if (!(c.lrDecay > 0 && c.lrDecay <= 1)) throw new ArgumentError(`charlm: lrDecay must be in (0, 1], got ${c.lrDecay}`);
  if (!(c.clip >= 0 && Number.isFinite(c.clip))) throw new ArgumentError(`charlm: clip must be a non-negative number, got ${c.clip}`);
  if (c.schedule !== undefined && !['step', 'cosine', 'linear', 'constant'].includes(c.schedule)) throw new ArgumentError(`charlm: schedule must be step, cosine, linear or constant, got '${c.schedule}'`);
  if (c.warmup !== undefined && !(Number.isSafeInteger(c.warmup) && c.warmup >= 0)) throw new ArgumentError(`charlm: warmup must be a non-negative integer, got ${c.warmup}`);
  if (c.totalSteps !== undefined && !(Number.isSafeInteger(c.totalSteps) && c.totalSteps >= 0)) throw new ArgumentError(`charlm: totalSteps must be a non-negative integer, got ${c.totalSteps}`);
  if (c.minLr !== undefined && !(c.minLr >= 0 && c.minLr <= c.lr)) throw new ArgumentError(`charlm: minLr must be in [0, lr], got ${c.minLr}`);
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
 * across chunks by cells' `TruncatedBPTT`), gradient clipping and a step-decayed learning rate
 * (autograd's `StepLR`), on the shared `TrainingLoop`. Step by step, so that a CLI or a browser
 * can drive it (or hand `loop` to `train()`), and checkpointable at any step (resume is exact).
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
  /** Seconds spent in `step()` in this process (not saved: timings stay out of checkpoints). */
  seconds = 0;
  history: HistoryEntry[] = [];
  /** Carries the hidden state from chunk to chunk. */
  readonly tbptt: TruncatedBPTT;
  /** The learning-rate schedule (`lr * lrDecay ** floor(step / decayEvery)` by default; undefined: constant). */
  readonly scheduler: Scheduler | undefined;
  /** The shared training step (batch, forward, backward, guard, clip, update, schedule). */
  readonly loop: TrainingLoop<StreamBatch>;
  /** The training text's fingerprint, written into checkpoints when set (a resumed run reads it back). */
  data: DataFingerprint | undefined;

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
    this.tbptt = new TruncatedBPTT({ k1: config.seq });
    this.scheduler = makeSchedule(config, optimizer);
    this.loop = new TrainingLoop<StreamBatch>({
      model,
      optimizer,
      ...(this.scheduler ? { scheduler: this.scheduler } : {}),
      clip: config.clip,
      generator,
      carried: this.tbptt,
      nextBatch: (step) => this.batcher.chunk(step),
      // (T,B) ids -> (T,B,V) logits; one segment per chunk (k2 = k1 = seq)
      loss: ({ x, y }) => this.tbptt.runChunk(x, y, (xs, ys, state) => {
        const { logits, state: next } = model.forward(xs, state);
        return { loss: crossEntropy(logits, ys), state: next };
      }),
      tokens: ({ x }) => x.size,
    });
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

  /**
   * Continues a run from checkpoint bytes (same text): weights, optimizer, schedule, data
   * position, carried state, RNG. Reads version 2 files and the version 1 files written before
   * the shared envelope.
   */
  static resume(bytes: Uint8Array, text: string): CharLMTrainer {
    const { meta, decoded } = readCharLMCheckpoint(bytes);
    checkTrainConfig(meta.config);
    const vocab = CharVocab.fromJSON(meta.vocab);
    const generator = new Generator(0);
    const model = new CharLM({ ...meta.config.model, vocabSize: vocab.size }, { generator: new Generator(0) });
    // the model's dropout must draw from the restored generator
    const trainer = new CharLMTrainer(meta.config, vocab, vocab.encode(text), model, makeOptimizer(meta.config, model), generator);
    rebindGenerator(model, generator);
    trainer.loop.restore(decoded, { step: meta.step, tokens: meta.tokens, rng: meta.generator, carried: meta.carried, data: { position: meta.step } });
    trainer.history = meta.history;
    trainer.data = meta.data;
    return trainer;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.loop.step;
  }

  /** Characters trained on so far. */
  get tokens(): number {
    return this.loop.tokens;
  }

  /** The learning rate for the current step. */
  currentLr(): number {
    return this.scheduler ? this.scheduler.lrAt(this.loop.step) : this.config.lr;
  }

  /**
   * One chunk of truncated BPTT: forward, backward, clip, update. Returns the chunk's mean loss
   * and the gradient norm before clipping. A NaN or infinite loss or norm throws a
   * NonFiniteError naming the step, before the update.
   */
  step(): { loss: number; gradNorm: number } {
    const t0 = performance.now();
    const { loss, gradNorm } = this.loop.runStep();
    this.seconds += (performance.now() - t0) / 1000;
    this.history.push({ step: this.loop.step, seconds: this.seconds, trainLoss: loss });
    return { loss, gradNorm };
  }

  /** Validation metrics (on at most `maxChars` characters of the held-out split). */
  validate(opts: { maxChars?: number } = {}): LMMetrics {
    const m = evaluate(this.model, this.valIds, opts);
    const last = this.history[this.history.length - 1];
    if (last) last.valLoss = m.nats;
    return m;
  }

  /** The whole run as checkpoint bytes (the shared envelope, plus the vocabulary and the loss history; no timings). */
  checkpoint(): Uint8Array {
    const history = this.history.map(({ seconds: _s, ...h }) => h);
    return encodeEnvelope(this.loop, { type: 'charlm', version: CHARLM_CHECKPOINT_VERSION, config: this.config, extra: { vocab: CharVocab.toJSON(this.vocab), history, ...(this.data ? { data: this.data } : {}) } });
  }
}

function makeSchedule(c: TrainConfig, optimizer: Optimizer): Scheduler | undefined {
  const warmup = c.warmup ?? 0;
  const budget = c.totalSteps ? { steps: c.totalSteps } : {};
  switch (c.schedule ?? 'step') {
    case 'step': return createSchedule(optimizer, { kind: 'step', stepSize: c.decayEvery, gamma: c.lrDecay, warmup }, budget);
    case 'constant': return createSchedule(optimizer, { kind: 'constant', warmup }, budget);
    default: return createSchedule(optimizer, { kind: c.schedule as 'cosine' | 'linear', warmup, minLr: c.minLr ?? 0 }, budget);
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
 * Reads a charlm checkpoint (version 2, or version 1 from before the shared envelope) into one
 * view; FormatError when the bytes are not one (or hold another model type).
 * @example `const { meta } = readCharLMCheckpoint(await readFile('model.safetensors'))`
 */
export function readCharLMCheckpoint(bytes: Uint8Array): { meta: CharLMCheckpointMeta; decoded: DecodedCheckpoint } {
  const { type, decoded } = checkpointType(bytes);
  const raw = decoded.metadata as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object' || type === undefined) throw new FormatError('charlm: the checkpoint has no charlm metadata');
  if (type !== 'charlm') throw new FormatError(`charlm: the checkpoint holds a '${type}' model, not a charlm`);
  if (!Array.isArray(raw.vocab) || !raw.config) throw new FormatError('charlm: the checkpoint metadata lacks the vocabulary or config');
  const history = (Array.isArray(raw.history) ? raw.history : []) as HistoryEntry[];
  if (raw.version === undefined) {
    // version 1: the fields sit at the top level
    const meta = { ...(raw as unknown as CharLMCheckpointMeta), version: 1 };
    checkWeights(meta, decoded);
    return { meta, decoded };
  }
  if (raw.version !== CHARLM_CHECKPOINT_VERSION) throw new FormatError(`charlm: unsupported checkpoint version ${JSON.stringify(raw.version)} (this reader handles 1 and ${CHARLM_CHECKPOINT_VERSION})`);
  const { envelope } = decodeEnvelope<TrainConfig>(bytes, 'charlm');
  const t = envelope.training;
  const meta: CharLMCheckpointMeta = {
    type: 'charlm',
    version: CHARLM_CHECKPOINT_VERSION,
    config: envelope.config,
    vocab: raw.vocab as string[],
    step: t.step,
    seconds: 0,
    tokens: t.tokens,
    history: history.map((h) => ({ ...h, seconds: 0 })),
    generator: t.rng ?? [],
    carried: t.carried,
    ...(isFingerprint(raw.data) ? { data: raw.data } : {}),
  };
  checkWeights(meta, decoded);
  return { meta, decoded };
}

function isFingerprint(v: unknown): v is DataFingerprint {
  const d = v as DataFingerprint;
  return d !== null && typeof d === 'object' && Number.isSafeInteger(d.chars) && typeof d.hash === 'string';
}

/**
 * The state-dict shapes a charlm config implies, by name, computed from the config alone (no
 * allocation), so that a checkpoint's metadata can be checked against its tensors before a model
 * is built.
 */
function expectedShapes(c: CharLMConfig): Map<string, number[]> {
  const gates = { lstm: 4, gru: 3, rnn: 1 }[c.cell];
  const out = new Map<string, number[]>();
  if (c.embed > 0) out.set('embedding.weight', [c.vocabSize, c.embed]);
  for (let l = 0; l < c.layers; l++) {
    const inSize = l === 0 ? (c.embed > 0 ? c.embed : c.vocabSize) : c.hidden;
    out.set(`rnn.weight_ih_l${l}`, [gates * c.hidden, inSize]);
    out.set(`rnn.weight_hh_l${l}`, [gates * c.hidden, c.hidden]);
    out.set(`rnn.bias_ih_l${l}`, [gates * c.hidden]);
    out.set(`rnn.bias_hh_l${l}`, [gates * c.hidden]);
  }
  out.set('head.weight', [c.vocabSize, c.hidden]);
  out.set('head.bias', [c.vocabSize]);
  return out;
}

/**
 * Checks a checkpoint's config against its tensors (names and shapes, before anything is built,
 * so crafted metadata such as `"layers": 3000` fails at once) and that every weight is finite.
 */
function checkWeights(meta: CharLMCheckpointMeta, decoded: DecodedCheckpoint): void {
  const m = meta.config?.model;
  if (m === null || typeof m !== 'object') throw new FormatError('charlm: the checkpoint metadata has no model config');
  const config: CharLMConfig = { ...m, vocabSize: meta.vocab.length };
  try {
    validateCharLMConfig(config);
  } catch (e) {
    throw new FormatError(`the checkpoint's model config is invalid: ${(e as Error).message}`);
  }
  const found = decoded.modelState;
  // bounded before the loop: a layer count beyond the tensors present is wrong whatever else holds
  const layersInFile = Object.keys(found).filter((k) => /^rnn\.weight_ih_l\d+$/.test(k)).length;
  if (config.layers !== layersInFile) throw new FormatError(`charlm: the metadata says ${config.layers} layers but the file holds weights for ${layersInFile}`);
  const want = expectedShapes(config);
  for (const [name, shape] of want) {
    const t = found[name];
    if (t === undefined) throw new FormatError(`charlm: the metadata's model (${config.cell}, hidden ${config.hidden}, embed ${config.embed}) needs a tensor '${name}' that the file lacks`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new FormatError(`charlm: tensor '${name}' has shape [${t.shape.join(',')}] but the metadata (hidden ${config.hidden}, vocabulary ${config.vocabSize}) implies [${shape.join(',')}]`);
    }
  }
  for (const name of Object.keys(found)) if (!want.has(name)) throw new FormatError(`charlm: the file holds a tensor '${name}' that the metadata's model does not have`);
  for (const [name, t] of Object.entries(found)) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i]!)) throw new FormatError(`charlm: the weights are not finite (tensor '${name}' holds ${d[i]}): the checkpoint was saved from a diverged run`);
    }
  }
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

/**
 * The char model as the task registry sees it (`registerTask('charlm', charlmTask)`): `load`
 * gives the model and vocabulary, `describe` a summary for `unroll info`.
 *
 * @example
 * ```ts
 * import { charlmTask, registerTask } from '@unroll/tasks';
 * registerTask('charlm', charlmTask);
 * ```
 */
export const charlmTask: TaskEntry<ReturnType<typeof loadCharLM>> = {
  load: loadCharLM,
  describe: (bytes) => {
    const { meta, decoded } = readCharLMCheckpoint(bytes);
    const parameters = Object.values(decoded.modelState).reduce((n, t) => n + t.size, 0);
    const withVal = meta.history.filter((h) => h.valLoss !== undefined);
    return {
      type: 'charlm', version: meta.version, config: meta.config, vocabSize: meta.vocab.length, parameters, steps: meta.step, tokens: meta.tokens,
      lastTrainLoss: meta.history.at(-1)?.trainLoss, validation: withVal.map((h) => ({ step: h.step, valLoss: h.valLoss })),
    };
  },
};
