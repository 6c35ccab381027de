import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError } from './fail.js';

/**
 * Checks, before any work, that a file can be written at `path` (named by `flag` in the error):
 * its folder exists and is writable, and `path` is not a folder. CliError (exit 2) otherwise.
 *
 * @example
 * ```ts
 * await checkOutputPath('runs/model.safetensors', '--out'); // throws when runs/ is missing
 * ```
 */
export async function checkOutputPath(path: string, flag: string): Promise<void> {
  const fail = (why: string): never => {
    throw new CliError(`${flag} '${path}': ${why}`, 2);
  };
  if (path === '') fail('an empty path');
  try {
    if ((await stat(path)).isDirectory()) fail('is a directory, not a file');
  } catch (e) {
    if (e instanceof CliError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail((e as NodeJS.ErrnoException).code ?? String(e));
  }
  const dir = dirname(resolve(path));
  try {
    if (!(await stat(dir)).isDirectory()) fail(`'${dir}' is not a folder`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    fail(`the folder '${dir}' does not exist`);
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    fail(`cannot write in the folder '${dir}'`);
  }
}
