/**
 * Safetensors files on disk (Node only). The format itself lives in `../safetensors.ts`.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { renameFormatError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsContents } from '../safetensors.js';
import type { Tensor } from '../tensor.js';

/**
 * Writes `bytes` to `path` atomically: the bytes go to a temporary file in the same directory
 * (`${path}.tmp-${pid}-${random}`), which is flushed to disk (fsync) and then renamed over
 * `path`. Readers see either the old file or the complete new one, never a partial write; on
 * failure the temporary file is removed and an existing file at `path` is left untouched.
 * An existing file's permission bits are kept. After the rename, temporary files of the same
 * `path` left by processes that no longer run (a run killed mid-save) are removed
 * (`removeStaleTemps`).
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@unroll/tensor/node';
 * await writeFileAtomic('/tmp/hello.txt', new TextEncoder().encode('hello\n'));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  let mode = 0o666;
  try {
    mode = (await stat(path)).mode & 0o777;
  } catch {
    // No existing file: default mode (subject to the umask).
  }
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(tmp, 'wx', mode);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
  } catch (err) {
    if (handle !== undefined) await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  // Make the rename itself durable. Best effort: directories cannot be fsynced everywhere.
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // ignore
  }
  await removeStaleTemps(path);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/**
 * Removes `${path}.tmp-PID-HEX` files whose writer process is gone (best effort); returns the
 * names removed.
 *
 * @example `await removeStaleTemps('/tmp/model.safetensors') // ['model.safetensors.tmp-4242-0a1b2c3d4e5f']`
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const prefix = `${basename(path)}.tmp-`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]{12}$/.exec(name.slice(prefix.length));
    if (!m || processAlive(Number(m[1]))) continue;
    try {
      await unlink(join(dirname(path), name));
      removed.push(name);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/**
 * Saves tensors (and optional string metadata) to a safetensors file, atomically (see
 * `writeFileAtomic`). The bytes are encoded before the file system is touched, so an encoding
 * error (an `ArgumentError`) leaves any existing file as it was.
 *
 * @example
 * ```ts
 * import { Tensor } from '@unroll/tensor';
 * import { saveSafetensors, loadSafetensors } from '@unroll/tensor/node';
 * const w = new Tensor(new Float32Array([0.5, -1.5]), [2]);
 * await saveSafetensors('/tmp/model.safetensors', { w }, { format: 'pt' });
 * const { tensors } = await loadSafetensors('/tmp/model.safetensors');
 * console.log(Array.from(tensors.w!.data)); // [ 0.5, -1.5 ]
 * ```
 */
export async function saveSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Loads a safetensors file: its tensors and its `__metadata__` map, as `decodeSafetensors`
 * returns them. A malformed file raises a `FormatError` whose message starts with
 * `safetensors: <path>:`; I/O errors (a missing file...) are thrown as Node reports them.
 *
 * @example
 * ```ts
 * import { loadSafetensors } from '@unroll/tensor/node';
 * const { tensors, metadata } = await loadSafetensors('/tmp/model.safetensors');
 * for (const [name, t] of Object.entries(tensors)) console.log(name, t.dtype, t.shape);
 * ```
 */
export async function loadSafetensors(path: string): Promise<SafetensorsContents> {
  const bytes = await readFile(path);
  return renameFormatError(() => decodeSafetensors(bytes), (m) => m.replace(/^safetensors: /, `safetensors: ${path}: `));
}
