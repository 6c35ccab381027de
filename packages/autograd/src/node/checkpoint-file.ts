/**
 * Checkpoint files on disk (Node only). The format itself lives in `../checkpoint.ts`.
 */
import { readFile } from 'node:fs/promises';
import { renameFormatError } from '@unroll/tensor';
import { writeFileAtomic } from '@unroll/tensor/node';
import { type CheckpointParts, type DecodedCheckpoint, decodeCheckpoint, encodeCheckpoint } from '../checkpoint.js';

/**
 * Saves a checkpoint atomically: the bytes are encoded first (an encoding error leaves any
 * existing file untouched), then written to a temporary file, flushed and renamed over `path`,
 * so a crash never leaves a partial checkpoint.
 *
 * @example
 * ```ts
 * import { Linear, Adam } from '@unroll/autograd';
 * import { saveCheckpoint } from '@unroll/autograd/node';
 * const model = new Linear(4, 2);
 * const optimizer = new Adam(model.parameters());
 * await saveCheckpoint('/tmp/run.ckpt', { model, optimizer, metadata: { epoch: 1 } });
 * ```
 */
export async function saveCheckpoint(path: string, parts: CheckpointParts): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(parts));
}

/**
 * Reads and decodes a checkpoint file (load it with `restoreCheckpoint`). A file that is not an
 * unroll checkpoint raises a FormatError whose message starts with `loadCheckpoint: <path>:`;
 * I/O errors are thrown as Node reports them.
 *
 * @example
 * ```ts
 * import { Linear, Adam, restoreCheckpoint } from '@unroll/autograd';
 * import { loadCheckpoint } from '@unroll/autograd/node';
 * const model = new Linear(4, 2);
 * const optimizer = new Adam(model.parameters());
 * const ckpt = await loadCheckpoint('/tmp/run.ckpt');
 * restoreCheckpoint(ckpt, { model, optimizer });
 * console.log(ckpt.metadata); // { epoch: 1 }
 * ```
 */
export async function loadCheckpoint(path: string): Promise<DecodedCheckpoint> {
  const bytes = await readFile(path);
  return renameFormatError(() => decodeCheckpoint(bytes), (m) => m.replace(/^decodeCheckpoint: /, `loadCheckpoint: ${path}: `));
}
