/**
 * Training checkpoints in memory (browser-safe): a model's state dict, an optimizer's and a
 * scheduler's state and user metadata, in one safetensors file. See `./node/checkpoint-file.ts`
 * for files on disk.
 *
 * Layout: model tensors are named `model.<name>`, optimizer buffers `optimizer.<index>.<buffer>`;
 * `__metadata__` holds strings: `format` (`unroll-checkpoint`), `version` (`1`) and, when present,
 * `optimizer` (JSON of type, hyper, stepCount, numParams), `scheduler` (JSON of its state) and
 * `metadata` (JSON of the user's value).
 */
import { ArgumentError, decodeSafetensors, encodeSafetensors, FormatError, type Tensor } from '@unroll/tensor';
import { StateDictError } from './errors.js';
import { Module } from './module.js';
import { type HyperValue, Optimizer, type OptimizerState } from './optim/optimizer.js';
import { Scheduler, type SchedulerState } from './optim/schedules.js';

/** The checkpoint format name stored in `__metadata__.format`. */
export const CHECKPOINT_FORMAT = 'unroll-checkpoint';
/** The checkpoint format version written and read. */
export const CHECKPOINT_VERSION = '1';

/** What a checkpoint holds; every part is optional. */
export interface CheckpointParts {
  model?: Module;
  optimizer?: Optimizer;
  scheduler?: Scheduler;
  /** Any JSON-serialisable value (epoch, config, metrics...). */
  metadata?: unknown;
}

/** A decoded checkpoint, as `decodeCheckpoint` returns it. */
export interface DecodedCheckpoint {
  /** Model tensors by state-dict name (empty when no model was saved). */
  modelState: Record<string, Tensor>;
  optimizerState?: OptimizerState;
  schedulerState?: SchedulerState;
  /** The user's metadata (undefined when none was saved). */
  metadata: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Encodes a checkpoint to safetensors bytes. Throws an ArgumentError for a part of the wrong
 * kind or metadata that JSON cannot represent.
 *
 * @example
 * ```ts
 * import { Linear, Adam, encodeCheckpoint, decodeCheckpoint } from '@unroll/autograd';
 * const model = new Linear(4, 2);
 * const optimizer = new Adam(model.parameters());
 * const bytes = encodeCheckpoint({ model, optimizer, metadata: { epoch: 3 } });
 * console.log(decodeCheckpoint(bytes).metadata); // { epoch: 3 }
 * ```
 */
export function encodeCheckpoint(parts: CheckpointParts): Uint8Array {
  if (!isObject(parts)) throw new ArgumentError(`encodeCheckpoint: parts must be an object, got ${String(parts)}`);
  const { model, optimizer, scheduler, metadata } = parts;
  if (model !== undefined && !(model instanceof Module)) throw new ArgumentError(`encodeCheckpoint: model must be a Module, got ${String(model)}`);
  if (optimizer !== undefined && !(optimizer instanceof Optimizer)) throw new ArgumentError(`encodeCheckpoint: optimizer must be an Optimizer, got ${String(optimizer)}`);
  if (scheduler !== undefined && !(scheduler instanceof Scheduler)) throw new ArgumentError(`encodeCheckpoint: scheduler must be a Scheduler, got ${String(scheduler)}`);
  const tensors: Record<string, Tensor> = {};
  const meta: Record<string, string> = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION };
  if (model !== undefined) for (const [name, t] of Object.entries(model.stateDict())) tensors[`model.${name}`] = t;
  if (optimizer !== undefined) {
    const { tensors: buffers, ...rest } = optimizer.stateDict();
    for (const [key, t] of Object.entries(buffers)) tensors[`optimizer.${key}`] = t;
    meta.optimizer = JSON.stringify(rest);
  }
  if (scheduler !== undefined) meta.scheduler = JSON.stringify(scheduler.stateDict());
  if (metadata !== undefined) {
    let json: string | undefined;
    try {
      json = JSON.stringify(metadata);
    } catch (err) {
      throw new ArgumentError(`encodeCheckpoint: metadata is not JSON-serialisable: ${(err as Error).message}`);
    }
    if (json === undefined) throw new ArgumentError(`encodeCheckpoint: metadata is not JSON-serialisable (a ${typeof metadata})`);
    meta.metadata = json;
  }
  return encodeSafetensors(tensors, meta);
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FormatError(`decodeCheckpoint: __metadata__.${key} is not valid JSON: ${(err as Error).message}`);
  }
}

function parseOptimizer(text: string, tensors: Record<string, Tensor>): OptimizerState {
  const v = parseJson('optimizer', text);
  const bad = (what: string): never => {
    throw new FormatError(`decodeCheckpoint: __metadata__.optimizer: ${what}`);
  };
  if (!isObject(v)) return bad(`expected an object, got ${text.slice(0, 80)}`);
  if (typeof v.type !== 'string') bad(`type must be a string, got ${JSON.stringify(v.type)}`);
  if (!Number.isSafeInteger(v.stepCount)) bad(`stepCount must be an integer, got ${JSON.stringify(v.stepCount)}`);
  if (!Number.isSafeInteger(v.numParams)) bad(`numParams must be an integer, got ${JSON.stringify(v.numParams)}`);
  if (!isObject(v.hyper)) bad(`hyper must be an object, got ${JSON.stringify(v.hyper)}`);
  const hyper = v.hyper as Record<string, unknown>;
  for (const [k, x] of Object.entries(hyper)) {
    if (typeof x !== 'number' && typeof x !== 'boolean') bad(`hyper.${k} must be a number or boolean, got ${JSON.stringify(x)}`);
  }
  return {
    type: v.type as string,
    hyper: hyper as Record<string, HyperValue>,
    stepCount: v.stepCount as number,
    numParams: v.numParams as number,
    tensors,
  };
}

function parseScheduler(text: string): SchedulerState {
  const v = parseJson('scheduler', text);
  if (!isObject(v)) throw new FormatError(`decodeCheckpoint: __metadata__.scheduler: expected an object, got ${text.slice(0, 80)}`);
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number') throw new FormatError(`decodeCheckpoint: __metadata__.scheduler: ${k} must be a number, got ${JSON.stringify(x)}`);
  }
  return v as SchedulerState;
}

/**
 * Decodes checkpoint bytes. Throws a FormatError for bytes that are not a safetensors file, a
 * safetensors file that is not an unroll checkpoint (or of another version), and malformed
 * parts. Nothing is loaded: pass the result to `restoreCheckpoint`.
 *
 * @example
 * ```ts
 * import { Linear, encodeCheckpoint, decodeCheckpoint } from '@unroll/autograd';
 * const { modelState } = decodeCheckpoint(encodeCheckpoint({ model: new Linear(2, 2) }));
 * console.log(Object.keys(modelState)); // [ 'bias', 'weight' ] (file order)
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array): DecodedCheckpoint {
  let contents: ReturnType<typeof decodeSafetensors>;
  try {
    contents = decodeSafetensors(bytes);
  } catch (err) {
    if (err instanceof FormatError) {
      const wrapped = new FormatError(`decodeCheckpoint: not an unroll checkpoint: ${err.message}`);
      (wrapped as Error & { cause?: unknown }).cause = err;
      throw wrapped;
    }
    if (err instanceof ArgumentError) throw new ArgumentError('decodeCheckpoint: expected a Uint8Array of checkpoint bytes');
    throw err;
  }
  const { tensors, metadata: meta } = contents;
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new FormatError(`decodeCheckpoint: not an unroll checkpoint: __metadata__.format is ${JSON.stringify(meta.format ?? null)}, expected "${CHECKPOINT_FORMAT}"`);
  }
  if (meta.version !== CHECKPOINT_VERSION) {
    throw new FormatError(`decodeCheckpoint: unsupported checkpoint version ${JSON.stringify(meta.version ?? null)} (this reader handles "${CHECKPOINT_VERSION}")`);
  }
  const modelState: Record<string, Tensor> = {};
  const optimizerTensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith('model.')) modelState[name.slice(6)] = t;
    else if (name.startsWith('optimizer.')) optimizerTensors[name.slice(10)] = t;
    else throw new FormatError(`decodeCheckpoint: tensor ${JSON.stringify(name)} belongs to no part (expected a "model." or "optimizer." prefix)`);
  }
  const out: DecodedCheckpoint = { modelState, metadata: undefined };
  if (meta.optimizer !== undefined) out.optimizerState = parseOptimizer(meta.optimizer, optimizerTensors);
  else if (Object.keys(optimizerTensors).length > 0) throw new FormatError('decodeCheckpoint: optimizer tensors without __metadata__.optimizer');
  if (meta.scheduler !== undefined) out.schedulerState = parseScheduler(meta.scheduler);
  if (meta.metadata !== undefined) out.metadata = parseJson('metadata', meta.metadata);
  return out;
}

/**
 * Loads a decoded checkpoint into the given parts, strictly: the model's state dict must match
 * exactly (see `Module.loadStateDict`), and a part passed here must be in the checkpoint. All
 * parts are validated before any is changed; errors are StateDictErrors naming the key.
 *
 * @example
 * ```ts
 * import { Linear, SGD, encodeCheckpoint, decodeCheckpoint, restoreCheckpoint } from '@unroll/autograd';
 * const model = new Linear(4, 2);
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const bytes = encodeCheckpoint({ model, optimizer });
 * restoreCheckpoint(decodeCheckpoint(bytes), { model, optimizer });
 * ```
 */
export function restoreCheckpoint(decoded: DecodedCheckpoint, parts: Omit<CheckpointParts, 'metadata'>): void {
  if (!isObject(decoded) || !isObject(decoded.modelState)) throw new ArgumentError('restoreCheckpoint: decoded must be what decodeCheckpoint returns');
  if (!isObject(parts)) throw new ArgumentError(`restoreCheckpoint: parts must be an object, got ${String(parts)}`);
  const { model, optimizer, scheduler } = parts;
  const { optimizerState, schedulerState } = decoded;
  if (optimizer !== undefined) {
    if (optimizerState === undefined) throw new StateDictError('restoreCheckpoint: the checkpoint has no optimizer state');
    optimizer.checkStateDict(optimizerState);
  }
  if (scheduler !== undefined) {
    if (schedulerState === undefined) throw new StateDictError('restoreCheckpoint: the checkpoint has no scheduler state');
    scheduler.checkStateDict(schedulerState);
  }
  if (model !== undefined) model.loadStateDict(decoded.modelState, { strict: true });
  if (optimizer !== undefined) optimizer.loadStateDict(optimizerState!);
  if (scheduler !== undefined) scheduler.loadStateDict(schedulerState!);
}
