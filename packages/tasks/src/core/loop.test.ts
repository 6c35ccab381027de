import { AnomalyError, Linear, SGD } from '@unroll/autograd';
import { TruncatedBPTT } from '@unroll/cells';
import { FormatError, Generator, mul, sqrt, sum, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, NonFiniteError, TrainingLoop } from './index.js';
import { toyLoop } from './test-helpers.js';

type Loop = ReturnType<typeof toyLoop>;
const save = (loop: Loop) => encodeEnvelope(loop, { type: 'toy', version: 1, config: { width: 8 } });

/** Bit patterns of the weights and the optimizer buffers, by name. */
function bits(loop: Loop): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [n, t] of Object.entries(loop.parts.model.stateDict())) out[`model.${n}`] = Array.from(new Uint32Array(Float32Array.from(t.data).buffer));
  for (const [n, t] of Object.entries(loop.parts.optimizer.stateDict().tensors)) out[`optimizer.${n}`] = Array.from(new Uint32Array(Float64Array.from(t.data).buffer));
  return out;
}

describe('TrainingLoop', () => {
  it('N steps, save, resume, M steps equals N + M steps, bit for bit (weights, optimizer, schedule, RNG)', () => {
    const straight = toyLoop();
    const lossesA = Array.from({ length: 12 }, () => straight.runStep().loss);

    const first = toyLoop();
    const lossesB = Array.from({ length: 5 }, () => first.runStep().loss);
    const bytes = save(first);
    first.runStep(); // the saved bytes must not alias live state
    const resumed = toyLoop(77); // another seed: everything must come from the checkpoint
    const { envelope, decoded } = decodeEnvelope(bytes, 'toy');
    expect(envelope.training.step).toBe(5);
    expect(envelope.training.data.position).toBe(5);
    resumed.restore(decoded, envelope.training);
    expect(resumed.step).toBe(5);
    expect(resumed.tokens).toBe(40);
    expect(resumed.parts.optimizer.lr).toBe(straight.parts.scheduler!.lrAt(5));
    for (let i = 0; i < 7; i++) lossesB.push(resumed.runStep().loss);

    expect(lossesB).toEqual(lossesA);
    expect(bits(resumed)).toEqual(bits(straight));
    // the whole file, RNG and schedule included, is byte-identical
    expect(save(resumed)).toEqual(save(straight));
  });

  it('without restoring the generator the resumed run differs (guards the test above)', () => {
    const a = toyLoop();
    for (let i = 0; i < 5; i++) a.runStep();
    const { envelope, decoded } = decodeEnvelope(save(a), 'toy');
    const b = toyLoop(77);
    b.restore(decoded, { ...envelope.training, rng: new Generator(5).getState() });
    expect(b.runStep().loss).not.toBe(a.runStep().loss);
  });

  it('the same seed gives byte-identical checkpoints', () => {
    const a = toyLoop();
    const b = toyLoop();
    for (let i = 0; i < 4; i++) {
      a.runStep();
      b.runStep();
    }
    expect(save(a)).toEqual(save(b));
    expect(save(a)).not.toEqual(save(toyLoop()));
  });

  it('reports the learning rate used, the raw gradient norm, and clips to `clip`', () => {
    const loop = toyLoop(3, { clip: 1e-3 });
    const scheduler = loop.parts.scheduler!;
    for (let k = 0; k < 5; k++) {
      const r = loop.runStep();
      expect(r.step).toBe(k + 1);
      expect(r.lr).toBe(scheduler.lrAt(k));
      expect(r.gradNorm).toBeGreaterThan(1e-2); // the raw norm, well above the clip
      const clipped = Math.sqrt(loop.parts.model.parameters().reduce((a, p) => a + Array.from(p.grad!.data).reduce((s, v) => s + v * v, 0), 0));
      expect(clipped).toBeLessThanOrEqual(1e-3 * (1 + 1e-5));
      expect(r.tokens).toBe(8);
    }
    expect(scheduler.lastEpoch).toBe(5);
  });

  it('stops at a NaN loss before the update, naming the step', () => {
    const loop = toyLoop(3, { poisonAt: 4 });
    for (let i = 0; i < 3; i++) loop.runStep();
    const before = JSON.stringify(loop.parts.model.stateDict());
    const err = (() => {
      try {
        loop.runStep();
      } catch (e) {
        return e;
      }
    })() as NonFiniteError;
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(err.step).toBe(4);
    expect(err.quantity).toBe('loss');
    expect(err.message).toMatch(/step 4: the loss is NaN/);
    expect(loop.step).toBe(3);
    expect(JSON.stringify(loop.parts.model.stateDict())).toBe(before);
  });

  it('stops at a non-finite gradient norm with a finite loss, before the update', () => {
    const model = new Linear(2, 1);
    model.weight.data.fill(0);
    model.bias!.data.fill(0);
    const x = tensor([[1, 2]]);
    // sqrt at 0: the loss is 0 but its gradient is Inf * 0 = NaN
    const loop = new TrainingLoop({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), nextBatch: () => x, loss: (b) => sqrt(sum(mul(model.forward(b), model.forward(b)))) });
    expect(() => loop.runStep()).toThrow(NonFiniteError);
    expect(() => loop.runStep()).toThrow(/step 1: the gradient norm is NaN/);
    expect(Array.from(model.weight.data)).toEqual([0, 0]);
    expect(loop.step).toBe(0);
  });

  it('with detectAnomaly, names the op whose backward made the gradient non-finite, before the update', () => {
    const model = new Linear(2, 1);
    model.weight.data.fill(0);
    model.bias!.data.fill(0);
    const x = tensor([[1, 2]]);
    const loop = new TrainingLoop({
      model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), nextBatch: () => x, detectAnomaly: true,
      loss: (b) => sqrt(sum(mul(model.forward(b), model.forward(b)))),
    });
    expect(() => loop.runStep()).toThrow(AnomalyError);
    expect(() => loop.runStep()).toThrow(/'sqrt'/);
    expect(Array.from(model.weight.data)).toEqual([0, 0]);
    expect(loop.step).toBe(0);
  });

  it('saves and restores a carried recurrent state', () => {
    const tbptt = new TruncatedBPTT({ k1: 4 });
    const model = new Linear(1, 1);
    const loop = new TrainingLoop({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), carried: tbptt, nextBatch: () => tensor([[1]]), loss: (b) => sum(model.forward(b)) });
    tbptt.state = { h: tensor([[[1.5, -2]]]), c: tensor([[[0.25, 3]]]) };
    const state = loop.state();
    expect(state.carried).toEqual({ shape: [1, 1, 2], h: [1.5, -2], c: [0.25, 3] });
    expect(state.rng).toBeNull();
    const other = new TruncatedBPTT({ k1: 4 });
    const again = new TrainingLoop({ ...loop.parts, carried: other });
    again.restore(decodeEnvelope(encodeEnvelope(loop, { type: 'toy', version: 1, config: null }), 'toy').decoded, state);
    expect(Array.from(other.state!.h.data)).toEqual([1.5, -2]);
    expect(Array.from(other.state!.c!.data)).toEqual([0.25, 3]);
    expect(() => again.restore(decodeEnvelope(encodeEnvelope(loop, { type: 'toy', version: 1, config: null }), 'toy').decoded, { ...state, carried: { shape: [1, 1, 3], h: [1] } })).toThrow(FormatError);
  });

  it('rejects a bad clip', () => {
    expect(() => toyLoop(3, { clip: -1 })).toThrow(/clip must be a non-negative number, got -1/);
  });
});
