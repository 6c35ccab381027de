import { ArgumentError, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { StateDictError } from '../errors.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { CosineAnnealingLR, ExponentialLR, LinearWarmup, type Scheduler, StepLR } from './schedules.js';
import { SGD } from './sgd.js';
import { fixture } from './test-helpers.js';

type Spec = { type: string; options: Record<string, unknown> };

function build(opt: Optimizer, spec: Spec): Scheduler {
  const o = spec.options as Record<string, number>;
  switch (spec.type) {
    case 'StepLR': return new StepLR(opt, { stepSize: o.stepSize!, gamma: o.gamma! });
    case 'ExponentialLR': return new ExponentialLR(opt, { gamma: o.gamma! });
    case 'CosineAnnealingLR': return new CosineAnnealingLR(opt, { tMax: o.tMax!, etaMin: o.etaMin! });
    case 'LinearWarmup': {
      const after = spec.options.after === undefined ? undefined : build(opt, spec.options.after as Spec);
      return new LinearWarmup(opt, { warmupSteps: o.warmupSteps!, after });
    }
    default: throw new Error(`unknown scheduler ${spec.type}`);
  }
}

const sgd = (lr = 0.1) => new SGD([zeros([1])], { lr });

describe('schedulers', () => {
  it.each(fixture.schedulers.map((c) => [c.name, c] as const))('match torch.optim.lr_scheduler: %s', (_, c) => {
    const opt = sgd(c.lr);
    const sched = build(opt, c);
    const got = [opt.lr];
    for (let k = 1; k < c.lrs.length; k++) {
      sched.step();
      got.push(opt.lr);
      expect(sched.lastEpoch).toBe(k);
    }
    got.forEach((lr, k) => {
      expect(Math.abs(lr - c.lrs[k]!)).toBeLessThan(1e-12);
      expect(Math.abs(sched.lrAt(k) - lr)).toBeLessThan(1e-12);
    });
  });

  it('StepLR and ExponentialLR follow their closed forms', () => {
    const opt = sgd(1);
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    expect([0, 1, 2, 3, 4, 5].map((e) => s.lrAt(e))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    const e = new ExponentialLR(sgd(2), { gamma: 0.5 });
    expect(e.lrAt(3)).toBe(0.25);
  });

  it('LinearWarmup without after holds baseLr after warmup', () => {
    const opt = sgd(0.4);
    const w = new LinearWarmup(opt, { warmupSteps: 4 });
    const lrs = [opt.lr];
    for (let k = 0; k < 6; k++) {
      w.step();
      lrs.push(opt.lr);
    }
    expect(lrs).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.4, 0.4, 0.4]);
  });

  it('rejects bad options with an ArgumentError naming the scheduler and value', () => {
    expect(() => new StepLR(sgd(), { stepSize: 0 })).toThrow(ArgumentError);
    expect(() => new StepLR(sgd(), { stepSize: 1.5 })).toThrow('StepLR: stepSize must be a positive integer, got 1.5');
    expect(() => new ExponentialLR(sgd(), { gamma: -1 })).toThrow('ExponentialLR: gamma must be >= 0, got -1');
    expect(() => new CosineAnnealingLR(sgd(), { tMax: Number.NaN })).toThrow('CosineAnnealingLR: tMax must be a finite number, got NaN');
    expect(() => new LinearWarmup(sgd(), { warmupSteps: 0 })).toThrow(/LinearWarmup: warmupSteps .*0/);
    expect(() => new StepLR({} as Optimizer, { stepSize: 1 })).toThrow(/StepLR: optimizer must be an Optimizer/);
    const other = new CosineAnnealingLR(sgd(), { tMax: 3 });
    expect(() => new LinearWarmup(sgd(), { warmupSteps: 2, after: other })).toThrow('LinearWarmup: after must schedule the same optimizer');
  });

  it.each([
    ['StepLR', (o: Optimizer) => new StepLR(o, { stepSize: 3, gamma: 0.7 })],
    ['ExponentialLR', (o: Optimizer) => new ExponentialLR(o, { gamma: 0.93 })],
    ['CosineAnnealingLR', (o: Optimizer) => new CosineAnnealingLR(o, { tMax: 7, etaMin: 1e-4 })],
    ['LinearWarmup+Cosine', (o: Optimizer) => new LinearWarmup(o, { warmupSteps: 3, after: new CosineAnnealingLR(o, { tMax: 5 }) })],
  ] as const)('%s resumes exactly from its state dict', (_, make) => {
    const optA = new Adam([zeros([1])], { lr: 0.01 });
    const a = make(optA);
    const straight: number[] = [];
    for (let k = 0; k < 12; k++) {
      a.step();
      straight.push(optA.lr);
    }
    const optB = new Adam([zeros([1])], { lr: 0.01 });
    const b = make(optB);
    for (let k = 0; k < 5; k++) b.step();
    const saved = JSON.parse(JSON.stringify(b.stateDict()));
    for (const v of Object.values(saved)) expect(typeof v).toBe('number');
    const optC = new Adam([zeros([1])], { lr: 123 });
    const c = make(optC);
    c.loadStateDict(saved);
    expect(c.stateDict()).toEqual(b.stateDict());
    const resumed: number[] = [];
    for (let k = 5; k < 12; k++) {
      c.step();
      resumed.push(optC.lr);
    }
    expect(resumed).toEqual(straight.slice(5));
  });

  it('stateDict of LinearWarmup nests after under "after."', () => {
    const opt = sgd(0.1);
    const w = new LinearWarmup(opt, { warmupSteps: 2, after: new StepLR(opt, { stepSize: 2, gamma: 0.5 }) });
    for (let k = 0; k < 5; k++) w.step();
    expect(w.stateDict()).toEqual({
      lastEpoch: 5, baseLr: 0.1, warmupSteps: 2,
      'after.lastEpoch': 3, 'after.baseLr': 0.1, 'after.stepSize': 2, 'after.gamma': 0.5,
    });
  });

  it('loadStateDict validates keys and values, naming the key, and changes nothing on error', () => {
    const s = new StepLR(sgd(), { stepSize: 2, gamma: 0.5 });
    const good = s.stateDict();
    expect(() => s.loadStateDict({ ...good, lastEpoch: -1 })).toThrow(StateDictError);
    expect(() => s.loadStateDict({ ...good, lastEpoch: -1 })).toThrow('StepLR.loadStateDict: lastEpoch must be a non-negative integer, got -1');
    const { gamma: _, ...noGamma } = good;
    expect(() => s.loadStateDict(noGamma)).toThrow('StepLR.loadStateDict: gamma is missing');
    expect(() => s.loadStateDict({ ...good, tMax: 3 })).toThrow("StepLR.loadStateDict: tMax is not a key of StepLR's state");
    expect(() => s.loadStateDict({ ...good, stepSize: 0 })).toThrow('StepLR.loadStateDict: stepSize must be a positive integer, got 0');
    const opt = sgd();
    const w = new LinearWarmup(opt, { warmupSteps: 2, after: new CosineAnnealingLR(opt, { tMax: 4 }) });
    const ws = w.stateDict();
    const { 'after.tMax': _t, ...noTMax } = ws;
    expect(() => w.loadStateDict(noTMax)).toThrow(/LinearWarmup.loadStateDict: after: .*tMax is missing/);
    expect(() => new LinearWarmup(sgd(), { warmupSteps: 2 }).loadStateDict(ws)).toThrow(/after\.lastEpoch is not a key/);
    expect(s.stateDict()).toEqual(good);
  });
});
