import { describe, expect, it } from 'vitest';
import { median, timeIt } from './timing.js';

// Only counts and bookkeeping are checked here: no test asserts how long anything takes.
describe('timing helpers', () => {
  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('warms up, then takes one sample per run', async () => {
    let calls = 0;
    const t = await timeIt(() => { calls++; }, { runs: 4, minRuns: 4, budgetMs: 1e9, warmupCalls: 3, warmupMs: 0, sampleMs: 0 });
    expect(t.reps).toBe(1);
    expect(t.msPerCall).toHaveLength(4);
    expect(calls).toBe(3 + 4);
  });

  it('stops at minRuns samples once the time box is spent', async () => {
    const t = await timeIt(() => undefined, { runs: 10, minRuns: 2, budgetMs: 0, warmupCalls: 1, warmupMs: 0, sampleMs: 0 });
    expect(t.msPerCall).toHaveLength(2);
  });
});
