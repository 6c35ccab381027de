/**
 * Node-only parts of @unroll/tasks: the training loop's checkpoint store on disk. (Corpora and
 * data generators live in `@unroll/datasets`.)
 *
 * @example
 * ```ts
 * import { fileStore } from '@unroll/tasks/node';
 * await fileStore.write('/tmp/model.safetensors', new Uint8Array(8));
 * ```
 */
export { fileStore } from './file-store.js';
