import { Adam, Dropout, Linear, mse, Sequential, Tanh } from '@unroll/autograd';
import { Generator, randn, slice, type Tensor } from '@unroll/tensor';
import { type CheckpointStore, createSchedule, TrainingLoop } from './index.js';

/** A small regression run with dropout (so the generator matters), Adam, a cosine budget schedule and clipping. */
export function toyLoop(seed = 3, opts: { steps?: number; poisonAt?: number; clip?: number } = {}): TrainingLoop<{ x: Tensor; y: Tensor }> {
  const g = new Generator(seed);
  const model = new Sequential(new Linear(4, 8, { generator: g }), new Tanh(), new Dropout(0.3, { generator: g }), new Linear(8, 2, { generator: g }));
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  const scheduler = createSchedule(optimizer, { kind: 'cosine', warmup: 3, minLr: 0.001 }, { steps: opts.steps ?? 20 });
  const data = new Generator(99);
  const xs = randn([32, 4], { generator: data }); // (32,4)
  const ys = randn([32, 2], { generator: data }); // (32,2)
  return new TrainingLoop({
    model, optimizer, scheduler, clip: opts.clip ?? 0.5, generator: g,
    nextBatch: (step) => {
      const rows: [number, number] = [(step % 4) * 8, (step % 4) * 8 + 8];
      const y = slice(ys, [rows]); // (8,2)
      if (step + 1 === opts.poisonAt) y.data[0] = Number.NaN;
      return { x: slice(xs, [rows]), y };
    },
    loss: (b) => mse(model.forward(b.x), b.y),
    tokens: () => 8,
  });
}

/** A checkpoint store in memory, recording the order of writes and removals. */
export function memoryStore(): CheckpointStore & { files: Map<string, Uint8Array>; log: string[] } {
  const files = new Map<string, Uint8Array>();
  const log: string[] = [];
  return {
    files,
    log,
    write: async (path, bytes) => {
      files.set(path, bytes.slice());
      log.push(`write ${path}`);
    },
    remove: async (path) => {
      files.delete(path);
      log.push(`remove ${path}`);
    },
  };
}
