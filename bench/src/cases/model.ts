/** Shared bits of the recurrent cases: sizes, labels and the sampling policy. */

import type { TimeOptions } from '../timing.js';
import type { ModelSpec, Sampling } from '../types.js';

/** "LSTM×2 H=256" */
export function modelLabel(m: ModelSpec): string {
  return `${m.cell.toUpperCase()}${m.layers > 1 ? `×${m.layers}` : ''} H=${m.hidden}`;
}

/**
 * Training: one warm-up step, then samples of whole steps, each about budget/runs long; the time
 * box ends the run early for slow implementations (tfjs-cpu) once `minRuns` samples exist.
 */
export function trainTiming(s: Sampling): TimeOptions {
  return { runs: s.runs, minRuns: s.minRuns, budgetMs: s.budgetS * 1000, warmupCalls: 1, warmupMs: 0, sampleMs: (s.budgetS * 1000) / s.runs };
}

/**
 * Inference: each call generates a whole sequence; warm up with a few sequences; a sample repeats
 * sequences for about budget/runs (a 100-token sequence alone is too short to time reliably).
 */
export function inferTiming(s: Sampling): TimeOptions {
  return { runs: s.runs, minRuns: s.minRuns, budgetMs: s.budgetS * 1000, warmupCalls: 2, warmupMs: 500, sampleMs: (s.budgetS * 1000) / s.runs };
}

/** Index of the largest of `n` values starting at `offset` (greedy decoding). */
export function argmaxOf(values: ArrayLike<number>, offset = 0, n = values.length - offset): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (values[offset + j]! > values[offset + best]!) best = j;
  return best;
}
