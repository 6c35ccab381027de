import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileStore } from './index.js';

describe('fileStore', () => {
  it('replaces a file by rename (a new inode), leaves no temporary file, and removes idempotently', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unroll-filestore-'));
    const path = join(dir, 'ckpt.safetensors');
    await fileStore.write(path, Uint8Array.of(1, 2, 3));
    const before = await stat(path);
    await fileStore.write(path, Uint8Array.of(4, 5));
    const after = await stat(path);
    expect(after.ino).not.toBe(before.ino);
    expect([...(await readFile(path))]).toEqual([4, 5]);
    expect(await readdir(dir)).toEqual(['ckpt.safetensors']);
    await fileStore.remove(path);
    await fileStore.remove(path);
    expect(await readdir(dir)).toEqual([]);
  });
});
