/**
 * Node-only helpers of @unroll/autograd: checkpoint files on disk.
 *
 * @example
 * ```ts
 * import { Linear } from '@unroll/autograd';
 * import { saveCheckpoint, loadCheckpoint } from '@unroll/autograd/node';
 * await saveCheckpoint('/tmp/m.ckpt', { model: new Linear(2, 2) });
 * const { modelState } = await loadCheckpoint('/tmp/m.ckpt');
 * ```
 */
export { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
