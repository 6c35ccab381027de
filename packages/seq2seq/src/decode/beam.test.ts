import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { enumerate, prefixModel, randomModel, rescore } from './decode.testing.js';

const SUPPRESS = [0, 1];
const gnmt = (score: number, len: number, alpha: number) => score / ((5 + len) / 6) ** alpha;

/**
 * Tokens 0 pad, 1 bos, 2 eos, 3 'a', 4 'b'. Greedy's first choice 'a' (p = 0.6) leads to a flat,
 * uncertain continuation; 'b' (p = 0.4) leads to 'b', eos with near certainty.
 */
function trapLogits(p: readonly number[]): number[] {
  const L = (probs: number[]) => probs.map((x) => (x > 0 ? Math.log(x) : -30));
  if (p.length === 0) return L([0, 0, 0, 0.6, 0.4]);
  if (p[0] === 3) return L([0, 0, 1 / 3, 1 / 3, 1 / 3]);
  if (p.length === 1) return L([0, 0, 0.001, 0.001, 0.998]);
  return L([0, 0, 0.998, 0.001, 0.001]);
}

/** Deterministic pseudo-random logits for every prefix (a hash of the prefix), V = 5. */
function hashedLogits(seed: number) {
  return (p: readonly number[]): number[] => {
    let x = seed * 2654435761;
    for (const t of p) x = Math.imul(x ^ (t + 7), 2246822519) >>> 0;
    return Array.from({ length: 5 }, (_, v) => {
      const y = Math.imul(x ^ (v * 374761393), 3266489917) >>> 0;
      return ((y % 10007) / 10007) * 4 - 2;
    });
  };
}

describe('beam search', () => {
  it('width 1 equals greedy on a random model (tokens, eos and scores), batched', () => {
    const { model, init } = randomModel(9, { seed: 21 });
    for (const seed of [1, 2, 3]) {
      const h = init(5, seed);
      const opts = { bos: 1, eos: 2, maxLength: 15, suppress: SUPPRESS, batchSize: 5 };
      const greedy = decode(model, h, { strategy: 'greedy', ...opts });
      const beam = decode(model, h, { strategy: 'beam', beamWidth: 1, ...opts });
      expect(beam.map((r) => [...r.tokens])).toEqual(greedy.map((r) => [...r.tokens]));
      expect(beam.map((r) => r.eos)).toEqual(greedy.map((r) => r.eos));
      expect(beam.map((r) => r.score)).toEqual(greedy.map((r) => r.score));
    }
  });

  it('width 1 equals greedy where an eos ranked below the kept hypothesis would score better (eos finishes only among the top K)', () => {
    // step 1: 'a' 0.5 > eos 0.4; after 'a' eos, 'a', 'b' are equally likely and greedy takes eos (the lowest id)
    const f = (p: readonly number[]) => (p.length === 0 ? [-30, -30, Math.log(0.4), Math.log(0.5), Math.log(0.1)] : [-30, -30, 0, 0, 0]);
    const { model } = prefixModel(5, f);
    const opts = { bos: 1, eos: 2, maxLength: 5, suppress: SUPPRESS };
    const [greedy] = decode(model, null, { strategy: 'greedy', ...opts });
    const [beam] = decode(model, null, { strategy: 'beam', beamWidth: 1, ...opts });
    expect([...greedy!.tokens]).toEqual([3]);
    expect(greedy!.score).toBeLessThan(Math.log(0.4));
    expect([...beam!.tokens]).toEqual([3]);
    expect(beam!.score).toBe(greedy!.score);
  });

  it('with a length penalty, keeps searching while a longer hypothesis could still win (the bound uses maxLength)', () => {
    // eos first (0.7) vs 'a' (0.3), then 'a' nearly surely: with alpha 3 the long 'aaaaaa' wins after normalisation
    const f = (p: readonly number[]) => (p.length === 0 ? [-30, -30, Math.log(0.7), Math.log(0.3), -30] : [-30, -30, Math.log(0.001), Math.log(0.998), Math.log(0.001)]);
    const alpha = 3;
    const all = enumerate(5, 2, 6, SUPPRESS, f).map((s) => ({ ...s, norm: gnmt(s.score, s.tokens.length + (s.eos ? 1 : 0), alpha) }));
    const best = all.reduce((a, b) => (b.norm > a.norm ? b : a));
    expect(best.tokens).toEqual([3, 3, 3, 3, 3, 3]);
    const { model } = prefixModel(5, f);
    const [r] = decode(model, null, { strategy: 'beam', beamWidth: 1, lengthPenalty: alpha, bos: 1, eos: 2, maxLength: 6, suppress: SUPPRESS });
    expect([...r!.tokens]).toEqual(best.tokens);
    expect(r!.eos).toBe(false);
    expect(r!.normalizedScore).toBeCloseTo(best.norm, 6);
  });

  it('finds the sequence greedy misses, with the brute-force best score', () => {
    const { model } = prefixModel(5, trapLogits);
    const opts = { bos: 1, eos: 2, maxLength: 4, suppress: SUPPRESS };
    const [greedy] = decode(model, null, { strategy: 'greedy', ...opts });
    const [beam] = decode(model, null, { strategy: 'beam', beamWidth: 2, ...opts });
    const all = enumerate(5, 2, 4, SUPPRESS, trapLogits);
    const best = all.reduce((a, b) => (b.score > a.score ? b : a));
    expect(best.tokens).toEqual([4, 4]);
    expect(greedy!.tokens[0]).toBe(3);
    expect(greedy!.score).toBeLessThan(best.score - 0.5);
    expect([...beam!.tokens]).toEqual(best.tokens);
    expect(beam!.eos).toBe(true);
    expect(beam!.score).toBeCloseTo(best.score, 6);
  });

  for (const alpha of [0, 0.6, 1.5]) {
    it(`as wide as the search space, returns the exact n best of all sequences (lengthPenalty ${alpha})`, () => {
      const maxLength = 4;
      for (const seed of [1, 2, 3, 4]) {
        const f = hashedLogits(seed);
        const all = enumerate(5, 2, maxLength, SUPPRESS, f)
          .map((s) => ({ ...s, norm: gnmt(s.score, s.tokens.length + (s.eos ? 1 : 0), alpha) }))
          .sort((a, b) => b.norm - a.norm);
        const { model } = prefixModel(5, f);
        const K = 27; // 3^3 prefixes at the last step: nothing is ever pruned
        const [r] = decode(model, null, { strategy: 'beam', beamWidth: K, nBest: 5, lengthPenalty: alpha, bos: 1, eos: 2, maxLength, suppress: SUPPRESS });
        expect(r!.hypotheses.map((h) => [...h.tokens, ...(h.eos ? ['eos'] : [])])).toEqual(all.slice(0, 5).map((s) => [...s.tokens, ...(s.eos ? ['eos'] : [])]));
        r!.hypotheses.forEach((h, i) => {
          expect(h.score).toBeCloseTo(all[i]!.score, 5);
          expect(h.normalizedScore).toBeCloseTo(all[i]!.norm, 5);
        });
        expect(r!.normalizedScore).toBe(r!.hypotheses[0]!.normalizedScore);
      }
    });
  }

  it('a narrow beam still returns hypotheses whose scores are their true scores, best first', () => {
    const f = hashedLogits(9);
    const { model } = prefixModel(5, f);
    const [r] = decode(model, null, { strategy: 'beam', beamWidth: 3, nBest: 3, lengthPenalty: 0.7, bos: 1, eos: 2, maxLength: 6, suppress: SUPPRESS });
    expect(r!.hypotheses).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const h = r!.hypotheses[i]!;
      const ref = rescore(model, null, 1, h.tokens, h.eos ? 2 : undefined, SUPPRESS);
      expect(h.score).toBeCloseTo(ref.score, 5);
      expect(h.normalizedScore).toBeCloseTo(gnmt(ref.score, h.tokens.length + (h.eos ? 1 : 0), 0.7), 5);
      if (i > 0) expect(h.normalizedScore).toBeLessThanOrEqual(r!.hypotheses[i - 1]!.normalizedScore);
    }
    const keys = r!.hypotheses.map((h) => `${[...h.tokens]}|${h.eos}`);
    expect(new Set(keys).size).toBe(3);
  });

  it('never extends a finished hypothesis, and stops once no open one can beat the K finished', () => {
    // eos is likely at every step: every hypothesis finishes early, and the search stops long before maxLength
    const { model, fed } = prefixModel(5, (p) => [0, 0, 3 - p.length * 0.1, 0, 0.5]);
    const [r] = decode(model, null, { strategy: 'beam', beamWidth: 2, bos: 1, eos: 2, maxLength: 50, suppress: SUPPRESS });
    expect(fed.every((p) => !p.includes(2))).toBe(true);
    expect([...r!.tokens]).toEqual([]);
    expect(r!.eos).toBe(true);
    expect(Math.max(...fed.map((p) => p.length))).toBeLessThan(5);
  });

  it('with no eos, runs to maxLength and returns K distinct hypotheses', () => {
    const { model } = prefixModel(5, hashedLogits(4));
    const [r] = decode(model, null, { strategy: 'beam', beamWidth: 3, nBest: 3, bos: 1, maxLength: 5, suppress: SUPPRESS });
    for (const h of r!.hypotheses) {
      expect(h.eos).toBe(false);
      expect(h.tokens).toHaveLength(5);
    }
    expect(new Set(r!.hypotheses.map((h) => [...h.tokens].join())).size).toBe(3);
  });

  it('breaks ties deterministically: the lower token id first', () => {
    const { model } = prefixModel(5, (p) => (p.length < 2 ? [0, 0, -9, 1, 1] : [0, 0, 5, 1, 1]));
    const [r] = decode(model, null, { strategy: 'beam', beamWidth: 2, nBest: 2, bos: 1, eos: 2, maxLength: 6, suppress: SUPPRESS });
    expect(r!.hypotheses.map((h) => [...h.tokens])).toEqual([[3, 3], [3, 4]]);
    expect(r!.hypotheses[0]!.score).toBe(r!.hypotheses[1]!.score);
  });

  it('batched results equal per-row results, with one step call of B x K rows', () => {
    const { model, init, calls } = randomModel(8, { seed: 13, L: 4 });
    const B = 4;
    const K = 3;
    const h = init(B, 7);
    const opts = { strategy: 'beam', beamWidth: K, nBest: 2, lengthPenalty: 0.6, bos: 1, eos: 2, maxLength: 10, suppress: SUPPRESS } as const;
    calls.length = 0;
    const batched = decode(model, h, { ...opts, batchSize: B });
    expect(calls[0]).toBe(B * K);
    for (let b = 0; b < B; b++) {
      const [single] = decode(model, h.indexSelect(0, [b]), opts);
      expect(batched[b]!.hypotheses.map((x) => [...x.tokens])).toEqual(single!.hypotheses.map((x) => [...x.tokens]));
      batched[b]!.hypotheses.forEach((x, i) => {
        expect(x.score).toBeCloseTo(single!.hypotheses[i]!.score, 4);
        expect(x.attention!.shape).toEqual(single!.hypotheses[i]!.attention!.shape);
      });
    }
  });
});
