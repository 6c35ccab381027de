import { ArgumentError, Generator } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { type SamplingParams, TokenChooser } from './choose.js';
import { logSoftmaxRow } from './decode.testing.js';

/** Counts of the chooser's draws over n samples of one row. */
function counts(logits: number[], p: Partial<SamplingParams>, n = 4000, suppress: number[] = [], seed = 7): number[] {
  const c = new TokenChooser(logits.length, suppress);
  const g = new Generator(seed);
  const out = new Array<number>(logits.length).fill(0);
  const row = Float32Array.from(logits);
  for (let i = 0; i < n; i++) out[c.sample(row, 0, { temperature: 1, ...p }, g)]!++;
  return out;
}

const support = (c: number[]) => c.flatMap((n, i) => (n > 0 ? [i] : []));

describe('TokenChooser', () => {
  it('argmax takes the most likely allowed id, the lowest on a tie, reading the row at its offset', () => {
    const c = new TokenChooser(4);
    const rows = Float32Array.of(9, 9, 9, 9, /* row 1 */ 0, 3, 1, 3);
    expect(c.argmax(rows, 4)).toBe(1);
    expect(c.argmax(rows, 0)).toBe(0);
    expect(new TokenChooser(4, [1]).argmax(rows, 4)).toBe(3);
  });

  it('logProb is the log-softmax over the allowed ids', () => {
    const row = [0.5, -1, 2, 0.25];
    for (const suppress of [[], [2], [0, 3]]) {
      const c = new TokenChooser(4, suppress);
      const want = logSoftmaxRow(row, suppress);
      for (let i = 0; i < 4; i++) if (!suppress.includes(i)) expect(c.logProb(row, 0, i)).toBeCloseTo(want[i]!, 12);
    }
  });

  it('samples in proportion to the softmax at temperature 1 and never draws a suppressed id', () => {
    const logits = [3, 0, 1, 2];
    const n = 8000;
    const got = counts(logits, {}, n, [0]);
    expect(got[0]).toBe(0);
    const p = logSoftmaxRow(logits, [0]).map(Math.exp);
    for (let i = 1; i < 4; i++) expect(got[i]! / n).toBeCloseTo(p[i]!, 1);
  });

  it('topK keeps the k most likely ids; topP the smallest nucleus reaching p, renormalised; topK applies first', () => {
    const logits = [0.1, 0.4, 0.3, 0.2, 0.35].map((x) => x * 3);
    expect(support(counts(logits, { topK: 1 }))).toEqual([1]);
    expect(support(counts(logits, { topK: 2 }))).toEqual([1, 4]);
    expect(support(counts(logits, { topK: 3 }))).toEqual([1, 2, 4]);
    expect(support(counts(logits, { topK: 50 }))).toEqual([0, 1, 2, 3, 4]);
    const probs = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
    expect(support(counts(probs, { topP: 0.4 }))).toEqual([0]);
    expect(support(counts(probs, { topP: 0.7 }))).toEqual([0, 1]);
    expect(support(counts(probs, { topP: 0.9 }))).toEqual([0, 1, 2]);
    expect(support(counts(probs, { topP: 1 }))).toEqual([0, 1, 2, 3]);
    expect(counts(probs, { topP: 0.7 }, 8000)[0]! / 8000).toBeCloseTo(0.5 / 0.8, 1);
    expect(support(counts(probs, { topK: 1, topP: 0.99 }))).toEqual([0]);
  });

  it('temperature sharpens below 1 and flattens above', () => {
    const logits = [0, 1, 2, 1.5];
    const top = [0.05, 0.5, 1, 2, 100].map((T) => counts(logits, { temperature: T })[2]!);
    expect(top[0]).toBeGreaterThan(3990);
    for (let i = 1; i < top.length; i++) expect(top[i]).toBeLessThan(top[i - 1]!);
    expect(top[4]! / 4000).toBeLessThan(0.3);
  });

  it('draws one number per call and is deterministic for a generator state', () => {
    const c = new TokenChooser(5);
    const row = Float32Array.of(0, 0.3, 0.1, 0.9, 0.2);
    const a = new Generator(3);
    const b = new Generator(3);
    const seqA = Array.from({ length: 40 }, () => c.sample(row, 0, { temperature: 1.3 }, a));
    const seqB = Array.from({ length: 40 }, () => c.sample(row, 0, { temperature: 1.3 }, b));
    expect(seqA).toEqual(seqB);
    const g = new Generator(5);
    const h = new Generator(5);
    c.sample(row, 0, { temperature: 1, topK: 1 }, g);
    h.random();
    expect(g.getState()).toEqual(h.getState());
  });

  it('draws exactly what a plain reference draws from the same generator: sort by logit (ties: lower id), walk the cumulative sum', () => {
    const reference = (logits: number[], p: Partial<SamplingParams>, g: Generator, banned: number): number => {
      const T = p.temperature ?? 1;
      const order = logits.map((_, i) => i).filter((i) => i !== banned);
      order.sort((a, b) => logits[b]! - logits[a]! || a - b);
      let kept = order.slice(0, p.topK ?? order.length);
      let probs = kept.map((i) => Math.exp(logits[i]! / T - logits[kept[0]!]! / T));
      let total = probs.reduce((a, b) => a + b, 0);
      if (p.topP !== undefined && p.topP < 1) {
        let acc = 0;
        let n = 0;
        while (n < kept.length && acc < p.topP * total) acc += probs[n++]!;
        kept = kept.slice(0, Math.max(n, 1));
        probs = probs.slice(0, kept.length);
        total = probs.reduce((a, b) => a + b, 0);
      }
      let u = g.random() * total;
      for (let k = 0; k < kept.length; k++) {
        u -= probs[k]!;
        if (u <= 0) return kept[k]!;
      }
      return kept[kept.length - 1]!;
    };
    const rng = new Generator(99);
    const V = 37;
    const c = new TokenChooser(V, [5]);
    for (const p of [{}, { temperature: 0.7 }, { topK: 4 }, { topP: 0.8, temperature: 1.4 }, { topK: 9, topP: 0.5 }] as Partial<SamplingParams>[]) {
      const a = new Generator(3);
      const b = new Generator(3);
      for (let trial = 0; trial < 300; trial++) {
        // logits rounded to a coarse grid, so that ties are common
        const logits = Array.from({ length: V }, () => Math.round(rng.normal() * 4) / 2);
        expect(c.sample(Float32Array.from(logits), 0, { temperature: 1, ...p }, a)).toBe(reference(logits, p, b, 5));
      }
    }
  });

  it('rejects a vocabulary with every id suppressed, and logits with no finite maximum', () => {
    expect(() => new TokenChooser(2, [0, 1])).toThrow(ArgumentError);
    const c = new TokenChooser(2);
    expect(() => c.sample(Float32Array.of(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY), 0, { temperature: 1 }, new Generator(0))).toThrow(ArgumentError);
    expect(() => c.sample(Float32Array.of(Number.NaN, 1), 0, { temperature: 1 }, new Generator(0))).toThrow(ArgumentError);
  });
});
