/** Shared by the matmul cases: flop count and sampling policy. */
import type { TimeOptions } from '../timing.js';
import type { Sampling } from '../types.js';

/** GFLOP/s of an n×n by n×n product that took `ms` milliseconds (2n³ flops). */
export const gflops = (n: number, ms: number): number => (2 * n ** 3) / (ms * 1e6);

/** Warm up for 0.3 s (at least 2 products); each sample lasts ~budget/runs, at least 0.2 s. */
export function matmulTiming(s: Sampling): TimeOptions {
  const sampleMs = Math.max(200, (s.budgetS * 1000) / s.runs);
  return { runs: s.runs, minRuns: s.minRuns, budgetMs: s.budgetS * 1000, warmupCalls: 2, warmupMs: 300, sampleMs };
}
