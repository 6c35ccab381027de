import { readFile } from 'node:fs/promises';
import { ArgumentError, FormatError } from '@unroll/tensor';

/**
 * Reads a UTF-8 text file for training or evaluation, refusing files that are empty, binary
 * (NUL bytes or invalid UTF-8) or missing, with an error that names the file. A leading
 * byte-order mark is removed; nothing else is changed (line endings included).
 *
 * @example
 * ```ts
 * import { readTextCorpus } from '@unroll/datasets';
 * const text = await readTextCorpus('shakespeare.txt');
 * ```
 */
export async function readTextCorpus(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ArgumentError(`cannot read data file '${path}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}`);
  }
  if (bytes.length === 0) throw new FormatError(`data file '${path}' is empty`);
  if (bytes.includes(0)) throw new FormatError(`data file '${path}' looks binary (it contains NUL bytes); expected UTF-8 text`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(`data file '${path}' is not valid UTF-8 text`);
  }
  return text.replace(/^\uFEFF/, '');
}
