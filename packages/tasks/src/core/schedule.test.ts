import { BudgetLR, LinearWarmup, SGD, StepLR } from '@unroll/autograd';
import { ArgumentError, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { createSchedule } from './index.js';

const sgd = (lr = 1) => new SGD([zeros([1])], { lr });

describe('createSchedule', () => {
  it('builds autograd schedulers tied to the budget', () => {
    expect(createSchedule(sgd(), { kind: 'constant' }, { steps: 10 })).toBeUndefined();
    const warm = createSchedule(sgd(), { kind: 'constant', warmup: 4 }, { steps: 10 })!;
    expect(warm).toBeInstanceOf(LinearWarmup);
    expect([0, 3, 9].map((e) => warm.lrAt(e))).toEqual([0.25, 1, 1]);
    const cos = createSchedule(sgd(), { kind: 'cosine', warmup: 2, minLr: 0.1 }, { steps: 12 }) as BudgetLR;
    expect(cos).toBeInstanceOf(BudgetLR);
    expect(cos.decay).toBe('cosine');
    expect(cos.lrAt(12)).toBeCloseTo(0.1, 12); // the floor exactly at the end of the budget
    expect(cos.lrAt(7)).toBeCloseTo(0.55, 12); // half-way through the decay
    const lin = createSchedule(sgd(), { kind: 'linear' }, { minutes: 5 }) as BudgetLR;
    expect(lin.lrAt(100)).toBe(1); // a minutes budget: the loop sets timeFraction
    lin.timeFraction = 0.25;
    expect(lin.lrAt(100)).toBe(0.75);
    const step = createSchedule(sgd(0.01), { kind: 'step', stepSize: 2, gamma: 0.5 }, { steps: 10 })!;
    expect(step).toBeInstanceOf(StepLR);
    expect([0, 1, 2, 4].map((e) => step.lrAt(e))).toEqual([0.01, 0.01, 0.005, 0.0025]);
    const stepWarm = createSchedule(sgd(0.01), { kind: 'step', stepSize: 2, gamma: 0.5, warmup: 1 }, { steps: 10 })!;
    expect([0, 1, 3].map((e) => stepWarm.lrAt(e))).toEqual([0.01, 0.01, 0.005]);
  });

  it('rejects an unknown kind', () => {
    expect(() => createSchedule(sgd(), { kind: 'exp' } as never, { steps: 1 })).toThrow(ArgumentError);
    expect(() => createSchedule(sgd(), { kind: 'exp' } as never, { steps: 1 })).toThrow(/kind must be constant, cosine, linear or step, got exp/);
  });
});
