import { chmod, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError, FormatError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors } from '../safetensors.js';
import { Tensor } from '../tensor.js';
import { loadSafetensors, removeStaleTemps, saveSafetensors, writeFileAtomic } from './safetensors-file.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unroll-safetensors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const f32 = (values: number[], shape: number[]) => new Tensor(new Float32Array(values), shape);

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips tensors and metadata through a file', async () => {
    const path = join(dir, 'model.safetensors');
    const tensors = {
      w: f32([1, 2, 3, 4, 5, 6], [2, 3]),
      b: new Tensor(new Float64Array([0.5]), []),
      i: new Tensor(new Int32Array([-1, 7]), [2]),
      e: f32([], [0, 3]),
    };
    await saveSafetensors(path, tensors, { format: 'pt' });
    const bytes = await readFile(path);
    expect(new Uint8Array(bytes)).toEqual(encodeSafetensors(tensors, { format: 'pt' }));
    const { tensors: out, metadata } = await loadSafetensors(path);
    expect(metadata).toEqual({ format: 'pt' });
    for (const [name, t] of Object.entries(tensors)) {
      expect(out[name]!.dtype).toBe(t.dtype);
      expect([...out[name]!.shape]).toEqual([...t.shape]);
      expect(Array.from(out[name]!.data)).toEqual(Array.from(t.data));
    }
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('replaces an existing file and leaves no temporary file', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, { a: f32([1], [1]) });
    await saveSafetensors(path, { a: f32([2, 3], [2]) });
    expect(Array.from((await loadSafetensors(path)).tensors.a!.data)).toEqual([2, 3]);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('leaves an existing file untouched when encoding fails', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, { a: f32([1, 2], [2]) });
    const before = await readFile(path);
    const bad = { a: f32([9], [1]), b: 'not a tensor' as unknown as Tensor };
    await expect(saveSafetensors(path, bad)).rejects.toBeInstanceOf(ArgumentError);
    const throwing = {} as Record<string, Tensor>;
    Object.defineProperty(throwing, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
    await expect(saveSafetensors(path, throwing)).rejects.toThrow('boom');
    expect(await readFile(path)).toEqual(before);
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('reports malformed files with FormatError naming the path', async () => {
    const path = join(dir, 'broken.safetensors');
    await writeFile(path, new Uint8Array([1, 2, 3]));
    const err = await loadSafetensors(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/^safetensors: /);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain('too short');
  });

  it('passes I/O errors through', async () => {
    await expect(loadSafetensors(join(dir, 'missing.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('writeFileAtomic', () => {
  it('writes bytes and leaves only the target file', async () => {
    const path = join(dir, 'out.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('replaces the file by rename: a new inode, and a reader of the old file still sees all of it', async () => {
    const path = join(dir, 'out.bin');
    const old = Uint8Array.from({ length: 4096 }, (_, i) => i % 251);
    await writeFileAtomic(path, old);
    const before = await stat(path);
    const reader = await open(path, 'r'); // opened before the save, like a concurrent loader
    try {
      const next = Uint8Array.from({ length: 100 }, (_, i) => 255 - i);
      await writeFileAtomic(path, next);
      const after = await stat(path);
      expect(after.ino).not.toBe(before.ino); // a new file took the name; the old one was not rewritten
      expect(new Uint8Array(await readFile(path))).toEqual(next);
      const seen = new Uint8Array(old.length + 1);
      const { bytesRead } = await reader.read(seen, 0, seen.length, 0);
      expect(bytesRead).toBe(old.length);
      expect(seen.subarray(0, bytesRead)).toEqual(old);
    } finally {
      await reader.close();
    }
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('removes its temporary file and keeps the old file when writing fails', async () => {
    const path = join(dir, 'out.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    // Not bytes: fails after the temporary file was created.
    await expect(writeFileAtomic(path, 42 as unknown as Uint8Array)).rejects.toThrow();
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('removes its temporary file when the final rename fails', async () => {
    // The target is a non-empty directory, so rename() fails after the data was written.
    const target = join(dir, 'occupied');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'keep');
    await expect(writeFileAtomic(target, new Uint8Array([1]))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['occupied']);
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('keep');
  });

  it('fails cleanly when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'no', 'such', 'file.bin'), new Uint8Array([1]))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it("keeps an existing file's permission bits", async () => {
    if (process.platform === 'win32') return;
    const path = join(dir, 'out.bin');
    await writeFile(path, 'old');
    await chmod(path, 0o640);
    await writeFileAtomic(path, new Uint8Array([1]));
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });
});

type Expected = {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; readAs: string; shape: number[]; values: (number | string)[] }>;
};

describe('fixture written with PyTorch (fixtures/make_safetensors_fixture.py)', () => {
  it('loads every tensor with the values PyTorch wrote', async () => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'torch_fixture.expected.json'), 'utf8')) as Expected;
    const { tensors, metadata } = await loadSafetensors(join(FIXTURES, 'torch_fixture.safetensors'));
    expect(metadata).toEqual(expected.metadata);
    expect(metadata.format).toBe('pt');
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    const dtypes = new Set(Object.values(expected.tensors).map((e) => e.dtype));
    for (const d of ['F32', 'F64', 'I32']) expect(dtypes.has(d)).toBe(true);
    for (const [name, exp] of Object.entries(expected.tensors)) {
      const t = tensors[name]!;
      expect(t, name).toBeInstanceOf(Tensor);
      expect(t.dtype, name).toBe(exp.readAs);
      expect([...t.shape], name).toEqual(exp.shape);
      const want = exp.values.map((v) => (typeof v === 'string' ? Number(v) : v));
      const got = Array.from(t.data);
      expect(got.length, name).toBe(want.length);
      for (let i = 0; i < want.length; i++) {
        // Exact: float32 values are stored in the JSON as their exact double widening.
        expect(Object.is(got[i], want[i]), `${name}[${i}]: got ${got[i]}, want ${want[i]}`).toBe(true);
      }
    }
  });

  it('re-encodes the fixture losslessly (F32/F64/I32 tensors)', async () => {
    const bytes = new Uint8Array(await readFile(join(FIXTURES, 'torch_fixture.safetensors')));
    const { tensors, metadata } = decodeSafetensors(bytes);
    const again = decodeSafetensors(encodeSafetensors(tensors, metadata));
    expect(again.metadata).toEqual(metadata);
    for (const [name, t] of Object.entries(tensors)) {
      const u = again.tensors[name]!;
      expect(u.dtype).toBe(t.dtype);
      expect([...u.shape]).toEqual([...t.shape]);
      expect(new Uint8Array(u.data.buffer)).toEqual(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
  });
});

describe('writeFileAtomic and temporary files of killed runs', () => {
  it("removes a dead writer's NAME.tmp-PID-HEX file, keeps a live one's and other files", async () => {
    const { spawnSync } = await import('node:child_process');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // has exited by now
    const path = join(dir, 'model.safetensors');
    const stale = `model.safetensors.tmp-${dead}-0123456789ab`;
    const live = `model.safetensors.tmp-${process.pid}-ba9876543210`;
    const other = `other.safetensors.tmp-${dead}-0123456789ab`;
    for (const name of [stale, live, other]) await writeFile(join(dir, name), 'partial');
    await writeFileAtomic(path, Uint8Array.of(1, 2));
    expect((await readdir(dir)).sort()).toEqual(['model.safetensors', live, other].sort());
    await writeFile(join(dir, stale), 'partial');
    expect(await removeStaleTemps(path)).toEqual([stale]);
  });
});
