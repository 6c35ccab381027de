import { readFileSync } from 'node:fs';
import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { corpusBleu } from './bleu.js';

interface Golden {
  cases: { name: string; references: string[][][]; hypotheses: string[][]; bleu: number[] }[];
}
// written by fixtures/bleu-golden.py with NLTK's corpus_bleu (no smoothing)
const golden = JSON.parse(readFileSync(new URL('../../fixtures/bleu-golden.json', import.meta.url), 'utf8')) as Golden;

describe('corpusBleu', () => {
  it('equals NLTK corpus_bleu (BLEU-1..4) on every golden case', () => {
    expect(golden.cases.length).toBeGreaterThan(10);
    for (const c of golden.cases) {
      for (let n = 1; n <= 4; n++) {
        const ours = corpusBleu(c.references, c.hypotheses, { maxOrder: n }).bleu;
        // NLTK returns < 1e-70 instead of 0 when some order has no match: absolute tolerance
        expect(Math.abs(ours - c.bleu[n - 1]!), `${c.name}, BLEU-${n}: ${ours} vs ${c.bleu[n - 1]}`).toBeLessThan(1e-12);
      }
    }
  });

  it('is exactly 0 when some n-gram order has no match, and when nothing matches', () => {
    const r = corpusBleu([[['a', 'b', 'c', 'd', 'e']]], [['a', 'b', 'c', 'x', 'e']]);
    expect(r.precisions[3]).toBe(0);
    expect(r.precisions[0]).toBeCloseTo(0.8, 12);
    expect(r.bleu).toBe(0);
    expect(corpusBleu([[['a']]], [['b']]).bleu).toBe(0);
  });

  it('gives 1 for a perfect corpus and reports lengths, precisions and the brevity penalty', () => {
    const r = corpusBleu([[['a', 'b', 'c', 'd']], [['e', 'f', 'g', 'h', 'i']]], [['a', 'b', 'c', 'd'], ['e', 'f', 'g', 'h', 'i']]);
    expect(r).toEqual({ bleu: 1, precisions: [1, 1, 1, 1], brevityPenalty: 1, hypothesisLength: 9, referenceLength: 9 });
  });

  it('applies the brevity penalty against the closest reference length (ties: the shorter)', () => {
    // c = 4: references of 6 and 2 are both 2 away, r = 2, so no penalty
    expect(corpusBleu([[['a', 'b', 'c', 'd', 'e', 'f'], ['a', 'b']]], [['a', 'b', 'c', 'd']]).brevityPenalty).toBe(1);
    // c = 3 against r = 6: exp(1 - 6/3)
    const r = corpusBleu([[['a', 'b', 'c', 'd', 'e', 'f']]], [['a', 'b', 'c']], { maxOrder: 1 });
    expect(r.brevityPenalty).toBeCloseTo(Math.exp(-1), 12);
    expect(r.bleu).toBeCloseTo(Math.exp(-1), 12);
  });

  it('clips repeated tokens by the most any single reference has', () => {
    const r = corpusBleu([[['the', 'cat', 'the'], ['the', 'the', 'the', 'dog']]], [['the', 'the', 'the', 'the']], { maxOrder: 1 });
    expect(r.precisions[0]).toBeCloseTo(3 / 4, 12);
  });

  it('an empty hypothesis has length 0 and one n-gram in each denominator (as NLTK); all empty gives 0', () => {
    const r = corpusBleu([[['a', 'b']], [['c', 'd']]], [['a', 'b'], []], { maxOrder: 2 });
    expect(r.hypothesisLength).toBe(2);
    expect(r.precisions).toEqual([2 / 3, 1 / 2]);
    expect(corpusBleu([[['a']], [['b']]], [[], []]).bleu).toBe(0);
    expect(corpusBleu([[['a']], [['b']]], [[], []]).brevityPenalty).toBe(0);
  });

  it('accepts token ids as well as strings', () => {
    expect(corpusBleu([[[4, 5, 6, 7, 8]]], [[4, 5, 6, 7, 8]]).bleu).toBe(1);
    // the ids 1,2 and 12 must not collide when joined
    expect(corpusBleu([[[1, 2]]], [[12]], { maxOrder: 1 }).bleu).toBe(0);
  });

  it('rejects malformed corpora', () => {
    expect(() => corpusBleu([], [])).toThrow(/empty/);
    expect(() => corpusBleu([[['a']]], [['a'], ['b']])).toThrow(/2 hypotheses but 1 reference/);
    expect(() => corpusBleu([[]], [['a']])).toThrow(/hypothesis 0 has no reference/);
    expect(() => corpusBleu([[['a']]], [['a']], { maxOrder: 0 })).toThrow(ArgumentError);
  });
});
