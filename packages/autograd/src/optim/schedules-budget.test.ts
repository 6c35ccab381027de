import { ArgumentError, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { StateDictError } from '../errors.js';
import { annealedLr, BudgetLR, CosineAnnealingLR, LinearLR, LinearWarmup } from './schedules.js';
import { SGD } from './sgd.js';

const sgd = (lr = 0.1) => new SGD([zeros([1])], { lr });
const close = (a: number, b: number): void => {
  expect(Math.abs(a - b)).toBeLessThan(1e-12);
};

describe('LinearLR', () => {
  it('moves the factor linearly over totalIters, then holds (torch LinearLR values)', () => {
    const opt = sgd(0.05);
    const s = new LinearLR(opt, { startFactor: 0.25, endFactor: 1, totalIters: 3 });
    const lrs = [opt.lr];
    for (let k = 0; k < 5; k++) {
      s.step();
      lrs.push(opt.lr);
    }
    // torch.optim.lr_scheduler.LinearLR(SGD(lr=0.05), 0.25, 1.0, 3): 0.0125, 0.025, 0.0375, 0.05, 0.05, 0.05
    [0.0125, 0.025, 0.0375, 0.05, 0.05, 0.05].forEach((v, k) => {
      close(lrs[k]!, v);
    });
  });

  it('rejects bad options and round-trips its state', () => {
    expect(() => new LinearLR(sgd(), { totalIters: 0 })).toThrow(ArgumentError);
    expect(() => new LinearLR(sgd(), { endFactor: -1 })).toThrow(/LinearLR: endFactor/);
    const a = new LinearLR(sgd(), { startFactor: 1, endFactor: 0.1, totalIters: 10 });
    for (let k = 0; k < 4; k++) a.step();
    const b = new LinearLR(sgd(), { totalIters: 1 });
    b.loadStateDict(a.stateDict());
    expect(b.lrAt(7)).toBe(a.lrAt(7));
    expect(b.lastEpoch).toBe(4);
  });
});

describe('annealedLr', () => {
  it('runs from baseLr to minLr, clamped outside [0, 1]', () => {
    for (const shape of ['cosine', 'linear'] as const) {
      close(annealedLr(shape, 2, 0.5, 0), 2);
      close(annealedLr(shape, 2, 0.5, 1), 0.5);
      close(annealedLr(shape, 2, 0.5, -1), 2);
      close(annealedLr(shape, 2, 0.5, 3), 0.5);
    }
    close(annealedLr('linear', 2, 0, 0.25), 1.5);
    close(annealedLr('cosine', 2, 0, 0.25), 1 + Math.SQRT1_2); // (1 + cos(pi/4))
  });
});

describe('BudgetLR', () => {
  it('with a steps budget equals LinearWarmup then CosineAnnealingLR over the rest', () => {
    const a = sgd(0.3);
    const b = sgd(0.3);
    const budget = new BudgetLR(a, { warmupSteps: 4, totalSteps: 24, minLr: 0.01 });
    const ref = new LinearWarmup(b, { warmupSteps: 4, after: new CosineAnnealingLR(b, { tMax: 20, etaMin: 0.01 }) });
    for (let k = 0; k <= 24; k++) {
      close(a.lr, b.lr);
      budget.step();
      ref.step();
    }
    close(budget.lrAt(24), 0.01);
    // past the budget it stays at the floor (torch's cosine would climb back)
    close(budget.lrAt(40), 0.01);
    expect(ref.lrAt(40)).toBeGreaterThan(0.2);
  });

  it('linear decay reaches minLr exactly at the end of the budget', () => {
    const s = new BudgetLR(sgd(1), { decay: 'linear', totalSteps: 10, minLr: 0.1 });
    [1, 0.55, 0.1, 0.1].forEach((v, k) => {
      close(s.lrAt([0, 5, 10, 20][k]!), v);
    });
  });

  it('follows the elapsed fraction of a time budget when it is ahead of the steps', () => {
    const opt = sgd(1);
    const s = new BudgetLR(opt, { decay: 'linear', warmupSteps: 2, totalSteps: 102 });
    s.step();
    s.step();
    s.step();
    close(opt.lr, 0.99); // step progress 1/100
    s.timeFraction = 0.5;
    s.step();
    close(opt.lr, 0.5); // time ahead: half-way
    s.timeFraction = 0.001;
    s.step();
    close(opt.lr, 0.97); // steps ahead again
    const timeOnly = new BudgetLR(sgd(1), { decay: 'cosine' });
    close(timeOnly.lrAt(1000), 1); // no budget: constant
    timeOnly.timeFraction = 1;
    close(timeOnly.lrAt(1000), 0);
    // warm-up is by steps whatever the clock says
    const warm = new BudgetLR(sgd(1), { warmupSteps: 4 });
    warm.timeFraction = 0.9;
    close(warm.lrAt(1), 0.5);
  });

  it('keeps timeFraction out of its state and restores step state', () => {
    const s = new BudgetLR(sgd(1), { warmupSteps: 1, totalSteps: 50, minLr: 0.001 });
    s.timeFraction = 0.7;
    for (let k = 0; k < 7; k++) s.step();
    expect(s.stateDict()).toEqual({ lastEpoch: 7, baseLr: 1, warmupSteps: 1, totalSteps: 50, minLr: 0.001 });
    const t = new BudgetLR(sgd(1), { totalSteps: 3 });
    t.loadStateDict(s.stateDict());
    expect(t.timeFraction).toBe(0);
    expect(t.lrAt(20)).toBe(new BudgetLR(sgd(1), { warmupSteps: 1, totalSteps: 50, minLr: 0.001 }).lrAt(20));
    expect(() => t.loadStateDict({ ...s.stateDict(), totalSteps: 1.5 })).toThrow(StateDictError);
  });

  it('rejects bad options with an ArgumentError naming the value', () => {
    expect(() => new BudgetLR(sgd(), { warmupSteps: -1 })).toThrow('BudgetLR: warmupSteps must be a non-negative integer, got -1');
    expect(() => new BudgetLR(sgd(), { totalSteps: 2.5 })).toThrow(ArgumentError);
    expect(() => new BudgetLR(sgd(), { warmupSteps: 10, totalSteps: 10 })).toThrow('BudgetLR: totalSteps (10) must exceed warmupSteps (10)');
    expect(() => new BudgetLR(sgd(), { decay: 'step' as 'linear' })).toThrow(/decay must be 'cosine' or 'linear'/);
    expect(() => new BudgetLR(sgd(), { minLr: Number.NaN })).toThrow(ArgumentError);
  });
});
