import { rm } from 'node:fs/promises';
import { writeFileAtomic } from '@unroll/tensor/node';
import type { CheckpointStore } from '../core/train.js';

/**
 * The training loop's checkpoint store on the local file system: each write goes to a temporary
 * file in the same folder and is renamed over the target (a reader never sees half a
 * checkpoint), and removing a file that is already gone is not an error.
 *
 * @example
 * ```ts
 * import { fileStore } from '@unroll/tasks/node';
 * await fileStore.write('/tmp/run.safetensors', new Uint8Array([1, 2, 3]));
 * await fileStore.remove('/tmp/run.safetensors');
 * ```
 */
export const fileStore: CheckpointStore = {
  write: (path, bytes) => writeFileAtomic(path, bytes),
  remove: (path) => rm(path, { force: true }),
};
