import { type DecodedCheckpoint, decodeCheckpoint, encodeCheckpoint } from '@unroll/autograd';
import { ArgumentError, FormatError } from '@unroll/tensor';
import type { TrainingLoop, TrainingState } from './loop.js';

/** The metadata every task's checkpoint carries (task-specific keys, such as a vocabulary, beside these). */
export interface Envelope<C = unknown> {
  /** The task name (`charlm`, `translate`...). */
  type: string;
  /** The task's checkpoint version. */
  version: number;
  /** The model (and training) configuration. */
  config: C;
  /** Where the run stands. */
  training: TrainingState;
  [key: string]: unknown;
}

const RESERVED = ['type', 'version', 'config', 'training'];

/**
 * One `.safetensors` checkpoint for any task: the loop's model, optimizer and schedule states as
 * tensors and header JSON, and in the metadata `type`, `version`, `config`, the training state
 * (step, generator, carried state, data position) and the task's `extra` keys. No timings, so
 * the same run gives the same bytes. NonFiniteError (nothing encoded) when a weight is NaN or
 * infinite. Write it with an atomic writer (`fileStore`,
 * `writeFileAtomic`).
 *
 * @example
 * ```ts
 * import { encodeEnvelope, decodeEnvelope } from '@unroll/tasks';
 * const bytes = encodeEnvelope(loop, { type: 'charlm', version: 2, config, extra: { vocab } });
 * const { envelope } = decodeEnvelope(bytes, 'charlm'); // envelope.training.step === loop.step
 * ```
 */
export function encodeEnvelope<C, B>(loop: TrainingLoop<B>, head: { type: string; version: number; config: C; extra?: Record<string, unknown> }): Uint8Array {
  if (typeof head?.type !== 'string' || head.type === '') throw new ArgumentError(`encodeEnvelope: type must be a task name, got ${String(head?.type)}`);
  if (!Number.isSafeInteger(head.version) || head.version < 1) throw new ArgumentError(`encodeEnvelope: version must be a positive integer, got ${String(head.version)}`);
  const extra = head.extra ?? {};
  for (const key of RESERVED) if (Object.hasOwn(extra, key)) throw new ArgumentError(`encodeEnvelope: extra must not set the envelope's own key '${key}'`);
  loop.checkFinite(); // never write NaN weights over a good checkpoint
  const metadata: Envelope<C> = { type: head.type, version: head.version, config: head.config, training: loop.state(), ...extra };
  const { model, optimizer, scheduler } = loop.parts;
  return encodeCheckpoint({ model, optimizer, ...(scheduler ? { scheduler } : {}), metadata });
}

/**
 * The type a checkpoint's metadata names (undefined when it names none). FormatError for bytes
 * that are not an unroll checkpoint.
 *
 * @example `checkpointType(bytes) // 'charlm'`
 */
export function checkpointType(bytes: Uint8Array): { type: string | undefined; decoded: DecodedCheckpoint } {
  const decoded = decodeCheckpoint(bytes);
  const meta = decoded.metadata as { type?: unknown } | undefined;
  const type = meta !== null && typeof meta === 'object' && typeof meta.type === 'string' ? meta.type : undefined;
  return { type, decoded };
}

/**
 * Decodes an envelope and checks it holds `type`: FormatError otherwise (another task, no
 * training state). Nothing is built: pass `decoded` to `TrainingLoop.restore`.
 *
 * @example `const { envelope, decoded } = decodeEnvelope(bytes, 'charlm'); loop.restore(decoded, envelope.training)`
 */
export function decodeEnvelope<C = unknown>(bytes: Uint8Array, type: string): { envelope: Envelope<C>; decoded: DecodedCheckpoint } {
  const { type: found, decoded } = checkpointType(bytes);
  if (found === undefined) throw new FormatError(`${type}: the checkpoint has no task type in its metadata`);
  if (found !== type) throw new FormatError(`${type}: the checkpoint holds a '${found}' model, not a ${type}`);
  const env = decoded.metadata as Envelope<C>;
  if (!Number.isSafeInteger(env.version)) throw new FormatError(`${type}: the checkpoint has no envelope version`);
  const t = env.training as Partial<TrainingState> | undefined;
  if (t === null || typeof t !== 'object' || !Number.isSafeInteger(t.step)) throw new FormatError(`${type}: the checkpoint has no training state`);
  return { envelope: env, decoded };
}
