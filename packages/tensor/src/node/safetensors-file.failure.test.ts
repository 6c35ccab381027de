/**
 * Atomic saves under a write that fails midway. `node:fs/promises` is wrapped so that, while
 * `failAfter` is set, every file write (through a FileHandle or `writeFile`) puts that many bytes
 * on disk and then throws ENOSPC, like a full disk.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Tensor } from '../tensor.js';
import { saveSafetensors, writeFileAtomic } from './safetensors-file.js';

const injected = vi.hoisted(() => ({ failAfter: undefined as number | undefined, partialWrites: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });
  const bytesOf = (data: unknown): Uint8Array => (typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array((data as Uint8Array).buffer, (data as Uint8Array).byteOffset, (data as Uint8Array).byteLength));
  const open: typeof fs.open = async (...args: Parameters<typeof fs.open>) => {
    const handle = await fs.open(...args);
    const partial = async (data: unknown): Promise<never> => {
      injected.partialWrites++;
      await fs.appendFile(handle, bytesOf(data).subarray(0, injected.failAfter));
      throw enospc();
    };
    const { writeFile, write } = handle;
    handle.writeFile = ((data: unknown, ...rest: unknown[]) => (injected.failAfter === undefined ? (writeFile as (...a: unknown[]) => Promise<void>).call(handle, data, ...rest) : partial(data))) as typeof handle.writeFile;
    handle.write = ((data: unknown, ...rest: unknown[]) => (injected.failAfter === undefined ? (write as (...a: unknown[]) => Promise<unknown>).call(handle, data, ...rest) : partial(data))) as typeof handle.write;
    return handle;
  };
  const writeFile: typeof fs.writeFile = async (file, data, options) => {
    if (injected.failAfter === undefined) return fs.writeFile(file, data, options);
    injected.partialWrites++;
    await fs.writeFile(file, bytesOf(data).subarray(0, injected.failAfter));
    throw enospc();
  };
  return { ...fs, default: { ...fs, open, writeFile }, open, writeFile };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unroll-atomic-'));
  injected.failAfter = undefined;
  injected.partialWrites = 0;
});
afterEach(async () => {
  injected.failAfter = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic when the write fails midway', () => {
  it('leaves the old file byte-identical (same inode) and no temporary file', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, { w: new Tensor(new Float32Array([1, 2, 3]), [3]) }, { step: '1' });
    const old = await readFile(path);
    const oldIno = (await stat(path)).ino;

    injected.failAfter = 20; // part of the header reaches the disk, then the disk is full
    const bigger = { w: new Tensor(Float32Array.from({ length: 1000 }, (_, i) => i), [1000]) };
    await expect(saveSafetensors(path, bigger, { step: '2' })).rejects.toMatchObject({ code: 'ENOSPC' });
    injected.failAfter = undefined;

    expect(injected.partialWrites).toBe(1); // the failure was really injected into the save
    expect(await readFile(path)).toEqual(old);
    expect((await stat(path)).ino).toBe(oldIno);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('with no file there before, leaves nothing behind', async () => {
    injected.failAfter = 3;
    await expect(writeFileAtomic(join(dir, 'new.bin'), new Uint8Array(64).fill(7))).rejects.toMatchObject({ code: 'ENOSPC' });
    injected.failAfter = undefined;
    expect(injected.partialWrites).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('the wrapper passes writes through when no failure is injected', async () => {
    const path = join(dir, 'ok.bin');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    expect(injected.partialWrites).toBe(0);
  });
});
