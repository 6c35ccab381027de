/**
 * Node-only parts of @unroll/tasks: corpora on disk, now in `@unroll/datasets` and re-exported
 * here so that existing imports keep working.
 *
 * @example
 * ```ts
 * import { loadMobyDick } from '@unroll/tasks/node';
 * const text = await loadMobyDick();
 * ```
 */
export { loadMobyDick, readTextCorpus } from '@unroll/datasets';
