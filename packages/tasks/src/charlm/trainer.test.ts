import { readFileSync } from 'node:fs';
import { encodeCheckpoint, Linear } from '@unroll/autograd';
import { ArgumentError, FormatError, Generator } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from '../core/envelope.js';
import { NonFiniteError } from '../core/errors.js';
import { registerTask, taskFor } from '../core/registry.js';
import { evaluate } from './metrics.js';
import { sampleText } from './sample.js';
import { CharLMTrainer, charlmTask, DEFAULT_TRAIN_CONFIG, loadCharLM, readCharLMCheckpoint } from './trainer.js';

const FOX = 'the quick brown fox jumps over the lazy dog. '.repeat(60);
const SMALL = { seq: 12, batch: 4, model: { hidden: 16 } } as const;

/** Every parameter's data, by name, copied. */
function snapshot(trainer: CharLMTrainer): Record<string, Float32Array> {
  return Object.fromEntries(trainer.model.namedParameters().map(([n, p]) => [n, Float32Array.from(p.data as Float32Array)]));
}

function expectBitwiseEqual(a: Record<string, Float32Array>, b: Record<string, Float32Array>): void {
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const name of Object.keys(a)) {
    const x = new Uint32Array(a[name]!.buffer);
    const y = new Uint32Array(b[name]!.buffer);
    expect(y.length, name).toBe(x.length);
    let diff = -1;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) { diff = i; break; }
    expect(diff, `${name} differs at ${diff}`).toBe(-1);
  }
}

describe('CharLMTrainer', () => {
  it('learns a small repetitive text: the loss falls well below ln(V)', () => {
    const trainer = CharLMTrainer.create(FOX, { seq: 16, batch: 8, lr: 1e-2, model: { hidden: 32 } });
    const lnV = Math.log(trainer.vocab.size);
    const losses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const { loss, gradNorm } = trainer.step();
      expect(Number.isFinite(loss)).toBe(true);
      expect(Number.isFinite(gradNorm)).toBe(true);
      losses.push(loss);
    }
    expect(losses[0]).toBeGreaterThan(0.8 * lnV); // starts near chance
    const tail = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(tail).toBeLessThan(0.5 * lnV);
    const val = trainer.validate();
    expect(val.nats).toBeLessThan(0.5 * lnV);
    expect(trainer.history.at(-1)!.valLoss).toBe(val.nats);
    expect(trainer.stepCount).toBe(150);
    expect(trainer.tokens).toBe(150 * 16 * 8);
    expect(trainer.history).toHaveLength(150);
    expect(trainer.history.map((h) => h.trainLoss)).toEqual(losses);
    // a trained model greedily reproduces the text it learned
    expect(sampleText(trainer.model, trainer.vocab, { prime: 'the quick brown ', length: 9, argmax: true })).toBe('fox jumps');
  }, 60_000);

  it('applies defaults, overrides and undefined overrides', () => {
    const t = CharLMTrainer.create(FOX, { seq: 8, batch: 2, lr: undefined, model: { hidden: 8, cell: undefined } });
    expect(t.config.lr).toBe(DEFAULT_TRAIN_CONFIG.lr);
    expect(t.config.model.cell).toBe('lstm');
    expect(t.config.model.hidden).toBe(8);
    expect(t.config.seq).toBe(8);
    expect(t.model.config.vocabSize).toBe(t.vocab.size);
    const g = CharLMTrainer.create(FOX, { seq: 8, batch: 2, model: { hidden: 8, cell: 'gru' } });
    expect(g.config.model.forgetBias).toBeUndefined();
    // the defaults object is not mutated
    expect(DEFAULT_TRAIN_CONFIG.model.forgetBias).toBe(1);
    expect(DEFAULT_TRAIN_CONFIG.model.cell).toBe('lstm');
  });

  it('decays the learning rate every decayEvery steps', () => {
    const t = CharLMTrainer.create(FOX, { ...SMALL, lr: 0.01, lrDecay: 0.5, decayEvery: 2 });
    expect(t.currentLr()).toBe(0.01);
    t.step();
    expect(t.currentLr()).toBe(0.01);
    t.step();
    expect(t.currentLr()).toBe(0.005);
    t.step();
    t.step();
    expect(t.currentLr()).toBe(0.0025);
  });

  it('follows a cosine schedule with warm-up tied to totalSteps, and resumes on it exactly', () => {
    const opts = { ...SMALL, lr: 0.01, schedule: 'cosine' as const, warmup: 2, minLr: 0.001, totalSteps: 10 };
    const t = CharLMTrainer.create(FOX, opts);
    const lrs: number[] = [];
    for (let i = 0; i < 10; i++) {
      lrs.push(t.optimizer.lr);
      t.step();
    }
    expect(lrs[0]).toBeCloseTo(0.005, 12); // warm-up: 1/2 of the rate, then the full rate
    expect(lrs[1]).toBeCloseTo(0.01, 12);
    for (let i = 2; i < 9; i++) expect(lrs[i + 1]!).toBeLessThan(lrs[i]!); // then decays
    expect(t.optimizer.lr).toBeCloseTo(0.001, 12); // minLr at totalSteps
    // an interrupted run resumes on the same schedule
    const a = CharLMTrainer.create(FOX, opts);
    for (let i = 0; i < 4; i++) a.step();
    const b = CharLMTrainer.resume(a.checkpoint(), FOX);
    for (let i = 0; i < 6; i++) b.step();
    expectBitwiseEqual(snapshot(b), snapshot(t));
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, schedule: 'wavy' as 'cosine' })).toThrow(/schedule must be/);
  });

  /** Runs `steps` steps, calling `seen` just before each optimizer update (gradients final, lr set). */
  function watchUpdates(t: CharLMTrainer, steps: number, seen: () => void): { gradNorm: number }[] {
    const update = t.optimizer.step.bind(t.optimizer);
    t.optimizer.step = () => {
      seen();
      update();
    };
    return Array.from({ length: steps }, () => t.step());
  }

  /** The global L2 norm of the model's gradients, in float64. */
  const gradNormOf = (t: CharLMTrainer) => Math.sqrt(t.model.parameters().reduce((acc, p) => acc + (p.grad ? Array.from(p.grad.data).reduce((a, v) => a + v * v, 0) : 0), 0));

  it('hands the optimizer the decayed learning rate at every step', () => {
    for (const optimizer of ['adam', 'sgd'] as const) {
      const t = CharLMTrainer.create(FOX, { ...SMALL, optimizer, lr: 0.01, lrDecay: 0.5, decayEvery: 2 });
      const used: number[] = [];
      watchUpdates(t, 7, () => used.push(t.optimizer.lr));
      expect(used, optimizer).toEqual([0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025, 0.00125]);
      expect(t.optimizer.stateDict().hyper.lr, optimizer).toBe(0.00125);
    }
  });

  it('clips the gradient norm to `clip` before the optimizer step', () => {
    const clip = 0.05;
    const t = CharLMTrainer.create(FOX, { ...SMALL, clip });
    const normsAtUpdate: number[] = [];
    const results = watchUpdates(t, 4, () => normsAtUpdate.push(gradNormOf(t)));
    for (const [i, { gradNorm }] of results.entries()) {
      expect(gradNorm, `step ${i}: the raw norm exceeds the clip, so clipping must act`).toBeGreaterThan(4 * clip);
      expect(normsAtUpdate[i]!, `step ${i}`).toBeLessThanOrEqual(clip * (1 + 1e-5));
      expect(normsAtUpdate[i]!, `step ${i}: scaled down to the clip, not zeroed`).toBeGreaterThan(clip * (1 - 1e-4));
    }
  });

  it('leaves gradients alone when their norm is under the clip, and with clip 0', () => {
    const loose = CharLMTrainer.create(FOX, { ...SMALL, clip: 1e6 });
    const seenLoose: number[] = [];
    const loosed = watchUpdates(loose, 3, () => seenLoose.push(gradNormOf(loose)));
    for (const [i, { gradNorm }] of loosed.entries()) expect(Math.abs(seenLoose[i]! - gradNorm) / gradNorm, `step ${i}`).toBeLessThan(1e-5);
    const off = CharLMTrainer.create(FOX, { ...SMALL, clip: 0 });
    const seenOff: number[] = [];
    const offd = watchUpdates(off, 3, () => seenOff.push(gradNormOf(off)));
    // measured when clipping is off (the non-finite guard reads it), and the gradients are untouched
    for (const [i, { gradNorm }] of offd.entries()) expect(Math.abs(seenOff[i]! - gradNorm) / gradNorm, `step ${i}`).toBeLessThan(1e-5);
    // the same run as `loose` (same seed, nothing clipped): the same gradients reach the optimizer
    expect(seenOff).toEqual(seenLoose);
  });

  it('rejects invalid configurations and too-short texts', () => {
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, model: { hidden: 0 } })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, lr: -1 })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, lr: 0 })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, seq: 0 })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, batch: 1.5 })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, clip: -1 })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, lrDecay: 0 })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, model: { hidden: 8, dropout: 1 } })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create(FOX, { ...SMALL, optimizer: 'lbfgs' as 'adam' })).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create('abc', SMALL)).toThrow(ArgumentError);
    expect(() => CharLMTrainer.create('', SMALL)).toThrow(ArgumentError);
  });

  const resumeCases: [string, Parameters<typeof CharLMTrainer.create>[1]][] = [
    ['1-layer LSTM, Adam', { ...SMALL }],
    ['2-layer LSTM with dropout (generator restored)', { ...SMALL, model: { hidden: 16, layers: 2, dropout: 0.3 } }],
    ['GRU with dropout, RMSprop, decay', { ...SMALL, optimizer: 'rmsprop', lrDecay: 0.5, decayEvery: 3, model: { hidden: 16, layers: 2, dropout: 0.25, cell: 'gru' } }],
    ['RNN with an embedding, SGD momentum, no clipping', { ...SMALL, optimizer: 'sgd', lr: 0.05, clip: 0, model: { hidden: 16, cell: 'rnn', embed: 6 } }],
  ];
  for (const [name, overrides] of resumeCases) {
    it(`resumes exactly: ${name}`, () => {
      const N = 5;
      const a = CharLMTrainer.create(FOX, overrides);
      const lossesA: number[] = [];
      for (let i = 0; i < 2 * N; i++) lossesA.push(a.step().loss);

      const b0 = CharLMTrainer.create(FOX, overrides);
      const lossesB: number[] = [];
      for (let i = 0; i < N; i++) lossesB.push(b0.step().loss);
      b0.validate({ maxChars: 50 });
      const bytes = b0.checkpoint();
      // keep training the original a bit: the checkpoint must not alias live state
      b0.step();
      const b = CharLMTrainer.resume(bytes, FOX);
      expect(b.stepCount).toBe(N);
      expect(b.tokens).toBe(N * overrides!.seq! * overrides!.batch!);
      expect(b.config).toEqual(b0.config);
      expect(b.vocab.tokens).toEqual(a.vocab.tokens);
      for (let i = 0; i < N; i++) lossesB.push(b.step().loss);

      expect(lossesB).toEqual(lossesA);
      expectBitwiseEqual(snapshot(a), snapshot(b));
      expect(b.stepCount).toBe(2 * N);
      expect(b.history.map((h) => h.trainLoss)).toEqual(a.history.map((h) => h.trainLoss));
      expect(b.history[N - 1]!.valLoss).toBeDefined();
      // the resumed run's own checkpoint is as good as the straight run's
      expectBitwiseEqual(snapshot(CharLMTrainer.resume(b.checkpoint(), FOX)), snapshot(a));
    }, 30_000);
  }

  it('a resumed run with dropout differs from a run whose generator is not restored', () => {
    // guards the test above: with dropout, the random stream matters
    const overrides = { ...SMALL, model: { hidden: 16, layers: 2, dropout: 0.5 } };
    const a = CharLMTrainer.create(FOX, overrides);
    for (let i = 0; i < 4; i++) a.step();
    const bytes = a.checkpoint();
    const b = CharLMTrainer.resume(bytes, FOX);
    const c = CharLMTrainer.resume(bytes, FOX);
    (c.generator as Generator).seed(12345);
    const lb = b.step().loss;
    const lc = c.step().loss;
    expect(lb).not.toBe(lc);
    expect(lb).toBe(a.step().loss);
  });
});

describe('charlm checkpoints', () => {
  it('readCharLMCheckpoint returns the metadata', () => {
    const t = CharLMTrainer.create(FOX, SMALL);
    t.step();
    t.step();
    const { meta, decoded } = readCharLMCheckpoint(t.checkpoint());
    expect(meta.type).toBe('charlm');
    expect(meta.step).toBe(2);
    expect(meta.vocab).toEqual(t.vocab.tokens);
    expect(meta.config).toEqual(t.config);
    expect(meta.history).toHaveLength(2);
    expect(meta.carried).not.toBeNull();
    expect(Object.keys(decoded.modelState).sort()).toEqual(t.model.namedParameters().map(([n]) => n).sort());
  });

  it('rejects a checkpoint of another model type', () => {
    const bytes = encodeCheckpoint({ model: new Linear(2, 2), metadata: { type: 'other' } });
    expect(() => readCharLMCheckpoint(bytes)).toThrow(FormatError);
    expect(() => readCharLMCheckpoint(bytes)).toThrow(/other/);
    expect(() => loadCharLM(bytes)).toThrow(FormatError);
    expect(() => CharLMTrainer.resume(bytes, FOX)).toThrow(FormatError);
  });

  it('rejects checkpoints without charlm metadata', () => {
    expect(() => readCharLMCheckpoint(encodeCheckpoint({ model: new Linear(2, 2) }))).toThrow(FormatError);
    expect(() => readCharLMCheckpoint(encodeCheckpoint({ metadata: 'charlm' }))).toThrow(FormatError);
    expect(() => readCharLMCheckpoint(encodeCheckpoint({ metadata: { type: 'charlm' } }))).toThrow(FormatError);
  });

  it('rejects random bytes, text and truncated checkpoints with a FormatError', () => {
    const g = new Generator(4);
    for (const n of [0, 1, 7, 8, 64, 1000]) {
      const bytes = Uint8Array.from({ length: n }, () => g.randint(0, 256));
      expect(() => readCharLMCheckpoint(bytes), `${n} random bytes`).toThrow(FormatError);
    }
    expect(() => readCharLMCheckpoint(new TextEncoder().encode('just some text, not a checkpoint\n'))).toThrow(FormatError);
    const good = CharLMTrainer.create(FOX, SMALL).checkpoint();
    expect(() => readCharLMCheckpoint(good.subarray(0, good.length - 10))).toThrow(FormatError);
    expect(() => readCharLMCheckpoint(good.subarray(0, 20))).toThrow(FormatError);
  });

  it('loadCharLM restores a model that samples and scores exactly like the trainer\'s', () => {
    const t = CharLMTrainer.create(FOX, { ...SMALL, model: { hidden: 16, layers: 2, dropout: 0.2 } });
    for (let i = 0; i < 10; i++) t.step();
    const { model, vocab, meta } = loadCharLM(t.checkpoint());
    expect(meta.step).toBe(10);
    expect(vocab.tokens).toEqual(t.vocab.tokens);
    expect(model.training).toBe(false);
    for (const opts of [{ seed: 1 }, { seed: 2, temperature: 0.5, topK: 3 }, { argmax: true }, { seed: 3, topP: 0.8, prime: 'the ' }]) {
      const o = { length: 60, ...opts };
      expect(sampleText(model, vocab, o)).toBe(sampleText(t.model, t.vocab, o));
    }
    const ids = t.vocab.encode(FOX.slice(0, 500));
    expect(evaluate(model, ids, { seq: 16 })).toEqual(evaluate(t.model, ids, { seq: 16 }));
  });
});

describe('charlm on the shared envelope', () => {
  it('writes the envelope: type, version 2, config, training state, vocabulary and history, no timings', () => {
    const t = CharLMTrainer.create(FOX, SMALL);
    for (let i = 0; i < 3; i++) t.step();
    const bytes = t.checkpoint();
    const { envelope, decoded } = decodeEnvelope(bytes, 'charlm');
    expect(envelope.version).toBe(2);
    expect(envelope.config).toEqual(t.config);
    expect(envelope.training.step).toBe(3);
    expect(envelope.training.tokens).toBe(3 * 12 * 4);
    expect(envelope.training.data).toEqual({ position: 3 });
    expect(envelope.training.carried!.shape).toEqual([1, 4, 16]);
    expect(envelope.vocab).toEqual(t.vocab.tokens);
    expect(envelope.history).toEqual(t.history.map((h) => ({ step: h.step, trainLoss: h.trainLoss })));
    expect(decoded.schedulerState).toEqual({ lastEpoch: 3, baseLr: t.config.lr, stepSize: t.config.decayEvery, gamma: t.config.lrDecay });
    expect(JSON.stringify(decoded.metadata)).not.toMatch(/seconds/);
    // the same command and seed give the same bytes (#16 item 9)
    const again = CharLMTrainer.create(FOX, SMALL);
    for (let i = 0; i < 3; i++) again.step();
    expect(again.checkpoint()).toEqual(bytes);
  });

  // testdata/charlm-v1.safetensors: CharLMTrainer.checkpoint() before the envelope (at 1aebf14), after 4 steps of
  // create(FOX, { seq: 8, batch: 2, lrDecay: 0.5, decayEvery: 3, model: { hidden: 4, layers: 2, dropout: 0.2 } }) and a validation.
  // That code, resuming it, took these three steps (loss, then the learning rate the update used):
  const V1_NEXT = [3.4242124557495117, 0.0015, 3.468266248703003, 0.0015, 3.3917083740234375, 0.00075];
  const v1 = () => new Uint8Array(readFileSync(new URL('./testdata/charlm-v1.safetensors', import.meta.url)));

  it('reads and resumes a version 1 checkpoint as the old trainer did', () => {
    const { meta } = readCharLMCheckpoint(v1());
    expect(meta.version).toBe(1);
    expect(meta.step).toBe(4);
    expect(meta.history).toHaveLength(4);
    expect(meta.history[3]!.valLoss).toBeDefined();
    const t = CharLMTrainer.resume(v1(), FOX);
    expect(t.stepCount).toBe(4);
    expect(t.optimizer.lr).toBe(0.0015); // the schedule stands at step 4: 3e-3 * 0.5 ** floor(4 / 3)
    const got: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lr = t.currentLr();
      got.push(t.step().loss, lr);
    }
    for (const [i, v] of V1_NEXT.entries()) expect(got[i]!, `entry ${i}`).toBeCloseTo(v, 5);
    // and it saves as version 2 from then on
    expect(readCharLMCheckpoint(t.checkpoint()).meta.version).toBe(2);
    expect(loadCharLM(v1()).model.config.hidden).toBe(4);
  });

  it('rejects an unknown version', () => {
    const { meta } = readCharLMCheckpoint(CharLMTrainer.create(FOX, SMALL).checkpoint());
    const bytes = encodeCheckpoint({ model: new Linear(2, 2), metadata: { ...meta, version: 9, training: { step: 0 } } });
    expect(() => readCharLMCheckpoint(bytes)).toThrow('charlm: unsupported checkpoint version 9 (this reader handles 1 and 2)');
  });

  it('is reachable through the task registry', () => {
    registerTask('charlm', charlmTask);
    const t = CharLMTrainer.create(FOX, SMALL);
    t.step();
    t.validate({ maxChars: 30 });
    const bytes = t.checkpoint();
    const { name, entry } = taskFor(bytes);
    expect(name).toBe('charlm');
    const d = entry.describe(bytes);
    expect(d).toMatchObject({ type: 'charlm', version: 2, steps: 1, vocabSize: t.vocab.size, parameters: t.model.numParameters() });
    expect(d.validation).toEqual([{ step: 1, valLoss: t.history[0]!.valLoss }]);
    const loaded = entry.load(bytes) as ReturnType<typeof loadCharLM>;
    expect(loaded.vocab.tokens).toEqual(t.vocab.tokens);
  });

  it('stops a diverging run with a NonFiniteError naming the step, weights untouched', () => {
    const t = CharLMTrainer.create(FOX, { ...SMALL, optimizer: 'sgd', lr: 1e308, clip: 0 }); // #16's --lr 1e308 --clip 0
    let err: unknown;
    const before: string[] = [];
    for (let i = 0; i < 20 && err === undefined; i++) {
      before.splice(0, before.length, JSON.stringify(Array.from(t.model.parameters()[0]!.data)));
      try {
        t.step();
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).step).toBe(t.stepCount + 1);
    expect((err as NonFiniteError).message).toMatch(new RegExp(`step ${t.stepCount + 1}: the (loss|gradient norm) is`));
    // the failing step changed nothing; the update before it blew the weights up, so no checkpoint is written
    expect(JSON.stringify(Array.from(t.model.parameters()[0]!.data))).toBe(before[0]);
    expect(t.model.parameters().some((p) => !Array.from(p.data).every(Number.isFinite))).toBe(true);
    expect(() => t.checkpoint()).toThrow(NonFiniteError);
    expect(() => t.checkpoint()).toThrow(new RegExp(`by step ${t.stepCount}: a weight is`));
  });
});

describe('charlm checkpoints checked against their tensors', () => {
  type Meta = { config: { model: Record<string, number> } };
  /** The trainer's checkpoint with its metadata edited (the tensors as they are). */
  function crafted(edit: (meta: Meta) => void, t = CharLMTrainer.create(FOX, SMALL)): Uint8Array {
    const meta = structuredClone(readCharLMCheckpointRaw(t.checkpoint()));
    edit(meta);
    return encodeCheckpoint({ model: t.model, metadata: meta });
  }
  function readCharLMCheckpointRaw(bytes: Uint8Array): Meta {
    return decodeEnvelope(bytes, 'charlm').decoded.metadata as Meta;
  }

  it('rejects metadata that claims more layers, another hidden size or embedding before building a model', () => {
    const layers = crafted((m) => { m.config.model.layers = 3000; });
    const hidden = crafted((m) => { m.config.model.hidden = 1e8; });
    const embed = crafted((m) => { m.config.model.embed = 4; });
    for (const read of [readCharLMCheckpoint, loadCharLM, (b: Uint8Array) => CharLMTrainer.resume(b, FOX)]) {
      expect(() => read(layers)).toThrow(FormatError);
      expect(() => read(layers)).toThrow(/the metadata says 3000 layers but the file holds weights for 1/);
      expect(() => read(hidden)).toThrow(/tensor 'rnn\.weight_ih_l0' has shape \[64,\d+\] but the metadata \(hidden 100000000/);
      expect(() => read(embed)).toThrow(/needs a tensor 'embedding\.weight' that the file lacks/);
    }
  });

  it('rejects non-finite weights, naming the tensor', () => {
    const t = CharLMTrainer.create(FOX, SMALL);
    const good = t.checkpoint();
    const bytes = encodeCheckpoint({ model: t.model, metadata: readCharLMCheckpointRaw(good) });
    expect(() => readCharLMCheckpoint(bytes)).not.toThrow();
    t.model.head.bias!.data[1] = Number.POSITIVE_INFINITY;
    const bad = encodeCheckpoint({ model: t.model, metadata: readCharLMCheckpointRaw(good) });
    for (const read of [readCharLMCheckpoint, loadCharLM, charlmTask.describe]) expect(() => read(bad)).toThrow(/weights are not finite \(tensor 'head\.bias' holds Infinity\)/);
  });

  it('carries the data fingerprint through a checkpoint and a resume', () => {
    const t = CharLMTrainer.create(FOX, SMALL);
    expect(readCharLMCheckpoint(t.checkpoint()).meta.data).toBeUndefined();
    t.data = { chars: FOX.length, hash: 'sha256:abc' };
    t.step();
    const bytes = t.checkpoint();
    expect(readCharLMCheckpoint(bytes).meta.data).toEqual({ chars: FOX.length, hash: 'sha256:abc' });
    expect(CharLMTrainer.resume(bytes, FOX).data).toEqual({ chars: FOX.length, hash: 'sha256:abc' });
  });
});
