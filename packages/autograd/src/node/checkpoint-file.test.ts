import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FormatError, Generator, randn, zeros } from '@unroll/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCheckpoint, restoreCheckpoint } from '../checkpoint.js';
import { Module, Parameter } from '../module.js';
import { SGD } from '../optim/index.js';
import { loadCheckpoint, saveCheckpoint } from './index.js';

class M extends Module {
  w = new Parameter(randn([3, 2], { generator: new Generator(7) }));
  b = new Parameter(zeros([2]));
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unroll-checkpoint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips a checkpoint through a file', async () => {
    const model = new M();
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    for (const p of model.parameters()) p.grad = zeros(p.shape).add(0.5);
    optimizer.step();
    const path = join(dir, 'run.ckpt');
    await saveCheckpoint(path, { model, optimizer, metadata: { epoch: 1 } });
    expect(new Uint8Array(await readFile(path))).toEqual(encodeCheckpoint({ model, optimizer, metadata: { epoch: 1 } }));
    const ckpt = await loadCheckpoint(path);
    expect(ckpt.metadata).toEqual({ epoch: 1 });
    const other = new M();
    other.w.data.fill(0);
    const otherOpt = new SGD(other.parameters(), { lr: 1 });
    restoreCheckpoint(ckpt, { model: other, optimizer: otherOpt });
    expect(Array.from(other.w.data)).toEqual(Array.from(model.w.data));
    expect(otherOpt.stateDict().tensors['0.momentumBuffer']!.data).toEqual(optimizer.stateDict().tensors['0.momentumBuffer']!.data);
    expect(await readdir(dir)).toEqual(['run.ckpt']); // no temporary files left
  });

  it('writes atomically: a failed encode leaves the old file as it was', async () => {
    const path = join(dir, 'run.ckpt');
    await saveCheckpoint(path, { model: new M(), metadata: 'v1' });
    const old = await readFile(path);
    await expect(saveCheckpoint(path, { model: new M(), metadata: { n: 1n } })).rejects.toThrow(ArgumentError);
    expect(await readFile(path)).toEqual(old);
    await saveCheckpoint(path, { metadata: 'v2' });
    expect((await loadCheckpoint(path)).metadata).toBe('v2');
    expect(await readdir(dir)).toEqual(['run.ckpt']);
  });

  it('raises a FormatError naming the path for a file that is not a checkpoint', async () => {
    const path = join(dir, 'junk.bin');
    await writeFile(path, 'this is not a checkpoint');
    await expect(loadCheckpoint(path)).rejects.toThrow(FormatError);
    await expect(loadCheckpoint(path)).rejects.toThrow(`loadCheckpoint: ${path}: not an unroll checkpoint`);
    await expect(loadCheckpoint(join(dir, 'missing.ckpt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
