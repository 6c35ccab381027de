/**
 * Node-only parts of @unroll/tasks: corpora on disk.
 *
 * @example
 * ```ts
 * import { loadMobyDick } from '@unroll/tasks/node';
 * const text = await loadMobyDick();
 * ```
 */
export { loadMobyDick, readTextCorpus } from './corpus.js';
