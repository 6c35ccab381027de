import type { BudgetLR } from '@unroll/autograd';
import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, NonFiniteError, stampedPath, type TrainEvent, train } from './index.js';
import { memoryStore, toyLoop } from './test-helpers.js';

type Loop = ReturnType<typeof toyLoop>;
const encoder = (loop: Loop) => () => encodeEnvelope(loop, { type: 'toy', version: 1, config: {} });

describe('train', () => {
  it('runs to a steps budget, validating and saving every N steps, with events in order', async () => {
    const loop = toyLoop();
    const store = memoryStore();
    const events: TrainEvent[] = [];
    let validations = 0;
    const result = await train({
      loop, budget: { steps: 5 }, onEvent: (e) => events.push(e),
      validate: { every: 2, run: () => ({ loss: ++validations }) },
      checkpoint: { path: 'run.safetensors', every: 2, encode: encoder(loop), store },
    });
    expect(result.step).toBe(5);
    expect(result.reason).toBe('steps');
    expect(result.last!.step).toBe(5);
    expect(events.map((e) => `${e.type} ${e.step}`)).toEqual([
      'step 1', 'step 2', 'validate 2', 'checkpoint 2', 'step 3', 'step 4', 'validate 4', 'checkpoint 4', 'step 5', 'checkpoint 5', 'done 5',
    ]);
    const steps = events.filter((e) => e.type === 'step');
    for (const e of steps) {
      expect(Number.isFinite(e.loss) && e.gradNorm > 0 && e.tokensPerSecond > 0).toBe(true);
      expect(e.lr).toBe(loop.parts.scheduler!.lrAt(e.step - 1));
    }
    expect(events.find((e) => e.type === 'validate' && e.step === 4)).toEqual({ type: 'validate', step: 4, metrics: { loss: 2 } });
    expect(store.log).toEqual(['write run.safetensors', 'write run.safetensors', 'write run.safetensors']);
    expect(decodeEnvelope(store.files.get('run.safetensors')!, 'toy').envelope.training.step).toBe(5);
  });

  it('checkpoint.minutes saves when that much time has passed since the last save', async () => {
    const loop = toyLoop();
    const store = memoryStore();
    let now = 0;
    const saved: number[] = [];
    await train({
      loop, budget: { steps: 5 }, clock: () => now,
      onEvent: (e) => {
        if (e.type === 'step') now += 30_000; // each step takes half a minute
        if (e.type === 'checkpoint') saved.push(e.step);
      },
      checkpoint: { path: 'run.safetensors', minutes: 1, encode: encoder(loop), store },
    });
    expect(saved).toEqual([2, 4, 5]); // every minute, and once at the end
  });

  it('a run through train() equals the same steps taken by hand, and a resumed train() continues it exactly', async () => {
    const byHand = toyLoop();
    for (let i = 0; i < 9; i++) byHand.runStep();
    const first = toyLoop();
    const store = memoryStore();
    await train({ loop: first, budget: { steps: 4 }, checkpoint: { path: 'a.safetensors', encode: encoder(first), store } });
    const second = toyLoop(11);
    const { envelope, decoded } = decodeEnvelope(store.files.get('a.safetensors')!, 'toy');
    second.restore(decoded, envelope.training);
    await train({ loop: second, budget: { steps: 9 } });
    expect(encoder(second)()).toEqual(encoder(byHand)());
  });

  it('stops after the current step when the signal aborts, and saves', async () => {
    const loop = toyLoop();
    const store = memoryStore();
    const controller = new AbortController();
    const events: TrainEvent[] = [];
    const result = await train({
      loop, budget: { steps: 100 }, signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'step' && e.step === 3) controller.abort();
      },
      checkpoint: { path: 'x.safetensors', every: 10, encode: encoder(loop), store },
    });
    expect(result).toMatchObject({ step: 3, reason: 'aborted' });
    expect(events.slice(-2).map((e) => e.type)).toEqual(['checkpoint', 'done']);
    expect(decodeEnvelope(store.files.get('x.safetensors')!, 'toy').envelope.training.step).toBe(3);
    // an already aborted signal takes no step, and still saves
    const again = await train({ loop, budget: { steps: 100 }, signal: controller.signal, checkpoint: { path: 'y.safetensors', encode: encoder(loop), store } });
    expect(again).toMatchObject({ step: 3, reason: 'aborted' });
    expect(store.files.has('y.safetensors')).toBe(true);
  });

  it('on a NaN keeps the last good checkpoint and rejects with a NonFiniteError naming the step', async () => {
    const loop = toyLoop(3, { poisonAt: 7 });
    const store = memoryStore();
    const events: TrainEvent[] = [];
    const run = train({ loop, budget: { steps: 20 }, onEvent: (e) => events.push(e), checkpoint: { path: 'n.safetensors', every: 2, keep: 2, encode: encoder(loop), store } });
    await expect(run).rejects.toBeInstanceOf(NonFiniteError);
    await expect(run).rejects.toMatchObject({ step: 7, quantity: 'loss' });
    expect(events.map((e) => e.type)).not.toContain('done');
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => e.step)).toEqual([2, 4, 6]);
    const kept = decodeEnvelope(store.files.get('n.safetensors')!, 'toy');
    expect(kept.envelope.training.step).toBe(6);
    for (const t of Object.values(kept.decoded.modelState)) expect(Array.from(t.data).every(Number.isFinite)).toBe(true);
    expect(store.log.at(-1)).toBe('remove n.step-000004.safetensors');
  });

  it('never saves non-finite weights: the save rejects and the last good file stays', async () => {
    const loop = toyLoop();
    const store = memoryStore();
    const w = loop.parts.model.parameters()[0]!;
    const run = train({
      loop, budget: { steps: 10 }, checkpoint: { path: 'w.safetensors', every: 2, encode: encoder(loop), store },
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 3) w.data[1] = Number.POSITIVE_INFINITY;
      },
    });
    await expect(run).rejects.toThrow('training diverged by step 4: a weight is Infinity; no checkpoint was written');
    expect(decodeEnvelope(store.files.get('w.safetensors')!, 'toy').envelope.training.step).toBe(2);
  });

  it('keeps the last keep checkpoints: the latest path plus keep - 1 stamped copies', async () => {
    const loop = toyLoop();
    const store = memoryStore();
    await train({ loop, budget: { steps: 5 }, checkpoint: { path: 'k.safetensors', every: 1, keep: 3, encode: encoder(loop), store } });
    expect([...store.files.keys()].sort()).toEqual(['k.safetensors', 'k.step-000004.safetensors', 'k.step-000005.safetensors']);
    expect(stampedPath('out/model.safetensors', 42)).toBe('out/model.step-000042.safetensors');
    expect(stampedPath('model.st', 7)).toBe('model.st.step-000007.safetensors');
  });

  it('a minutes budget stops on the clock and drives a BudgetLR by elapsed fraction', async () => {
    const loop = toyLoop(3, { steps: 1000 });
    let now = 0;
    const events: TrainEvent[] = [];
    // each clock read advances 3 s: a 1-minute budget ends after a handful of steps
    const result = await train({ loop, budget: { minutes: 1 }, clock: () => (now += 3000), onEvent: (e) => events.push(e) });
    expect(result.reason).toBe('minutes');
    const lrs = events.flatMap((e) => (e.type === 'step' ? [e.lr] : []));
    expect(lrs.length).toBe(result.step);
    expect(result.step).toBeGreaterThan(3);
    expect(result.step).toBeLessThan(20);
    const sched = loop.parts.scheduler as BudgetLR;
    expect(sched.timeFraction).toBeGreaterThan(0.5);
    // after warm-up the rate follows the clock, far ahead of the 1000-step budget, down towards minLr
    expect(lrs.at(-1)!).toBeLessThan(0.5 * 0.05);
    const stepOnly = toyLoop(3, { steps: 1000 }).parts.scheduler!; // the same schedule without the clock
    expect(lrs.at(-1)!).toBeLessThan(0.5 * stepOnly.lrAt(result.step - 1));
  });

  it('rejects bad budgets and options with an ArgumentError', async () => {
    const loop = toyLoop();
    await expect(train({ loop, budget: {} })).rejects.toThrow('train: budget needs steps, minutes or both');
    await expect(train({ loop, budget: { steps: 0 } })).rejects.toBeInstanceOf(ArgumentError);
    await expect(train({ loop, budget: { minutes: -1 } })).rejects.toThrow(/budget.minutes must be a positive number/);
    await expect(train({ loop, budget: { steps: 2 }, validate: { every: 0, run: () => ({}) } })).rejects.toBeInstanceOf(ArgumentError);
    await expect(train({ loop, budget: { steps: 2 }, checkpoint: { path: 'p', keep: 0, encode: encoder(loop), store: memoryStore() } })).rejects.toBeInstanceOf(ArgumentError);
    expect(loop.step).toBe(0);
  });
});
