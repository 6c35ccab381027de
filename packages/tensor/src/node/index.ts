/**
 * Node-only helpers of @unroll/tensor: safetensors files on disk, atomic writes.
 *
 * @example
 * ```ts
 * import { saveSafetensors, loadSafetensors } from '@unroll/tensor/node';
 * import { ones } from '@unroll/tensor';
 * await saveSafetensors('/tmp/w.safetensors', { w: ones([2, 2]) });
 * const { tensors } = await loadSafetensors('/tmp/w.safetensors');
 * ```
 */
export * from './safetensors-file.js';
