import { readFile } from 'node:fs/promises';
import { ArgumentError, renameFormatError } from '@unroll/tensor';

/** Reads a checkpoint file, with an error naming the path when it cannot. */
export async function readCheckpointFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ArgumentError(`cannot read checkpoint '${path}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** Runs `fn` on a checkpoint's bytes, naming the file in any format error. */
export async function withCheckpoint<T>(path: string, fn: (bytes: Uint8Array) => T): Promise<T> {
  const bytes = await readCheckpointFile(path);
  return renameFormatError(() => fn(bytes), (m) => `'${path}' is not a usable checkpoint: ${m}`);
}

/** Prints a value as one line of JSON. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
