/** Warm-up, calibration and time-boxed repetition of a piece of work. */

export interface TimeOptions {
  /** Samples wanted. */
  runs: number;
  /** Fewest samples when the time box `budgetMs` runs out first. */
  minRuns: number;
  /** Time box for all samples together (the warm-up is not counted). */
  budgetMs: number;
  /** Warm-up: at least this many calls... */
  warmupCalls: number;
  /** ...and keep warming up until this much time has passed. */
  warmupMs: number;
  /**
   * Each sample repeats the work enough times to last about this long (at least once), so that
   * the timer's resolution and one-off pauses do not dominate fast work.
   */
  sampleMs: number;
}

export interface Timing {
  /** Milliseconds per call, one entry per sample. */
  msPerCall: number[];
  /** Calls per sample. */
  reps: number;
}

const now = (): number => performance.now();

/** Time `fn` (sync or async) after a warm-up; returns the mean time per call of each sample. */
export async function timeIt(fn: () => unknown, o: TimeOptions): Promise<Timing> {
  let last = 0;
  const warmStart = now();
  for (let i = 0; i < o.warmupCalls || now() - warmStart < o.warmupMs; i++) {
    const t = now();
    await fn();
    last = now() - t;
  }
  // calibrate from the last warm-up call (the first ones pay for JIT and allocation)
  const reps = Math.max(1, Math.round(o.sampleMs / Math.max(last, 1e-3)));
  const msPerCall: number[] = [];
  const start = now();
  while (msPerCall.length < o.runs) {
    const t = now();
    for (let r = 0; r < reps; r++) await fn();
    msPerCall.push((now() - t) / reps);
    if (now() - start > o.budgetMs && msPerCall.length >= o.minRuns) break;
  }
  return { msPerCall, reps };
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
