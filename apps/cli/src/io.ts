import { readFile } from 'node:fs/promises';
import { ArgumentError } from '@unroll/tensor';

/** Reads a checkpoint file, with an error naming the path when it cannot. */
export async function readCheckpointFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ArgumentError(`cannot read checkpoint '${path}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** Prints a value as one line of JSON. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
