import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { editDistance, errorRate, sequenceErrorRate, tokenErrorRate, wordErrorRate } from './edit-distance.js';

/** Reference Levenshtein by plain recursion with memo (independent of the two-row version). */
function slowDistance(a: readonly string[], b: readonly string[]): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const k = `${i},${j}`;
    let v = memo.get(k);
    if (v === undefined) {
      v = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      memo.set(k, v);
    }
    return v;
  };
  return d(a.length, b.length);
}

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance(Array.from('kitten'), Array.from('sitting'))).toBe(3);
    expect(editDistance(['K', 'AE1', 'T'], ['K', 'AA1', 'T', 'S'])).toBe(2);
    expect(editDistance([], [])).toBe(0);
    expect(editDistance([], ['a', 'b'])).toBe(2);
    expect(editDistance(['a', 'b', 'c'], [])).toBe(3);
    expect(editDistance([1, 2, 3], [1, 3])).toBe(1);
  });

  it('agrees with a reference implementation and is symmetric', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 200; k++) {
      const a = Array.from({ length: rnd(9) }, () => 'abc'[rnd(3)]!);
      const b = Array.from({ length: rnd(9) }, () => 'abc'[rnd(3)]!);
      expect(editDistance(a, b)).toBe(slowDistance(a, b));
      expect(editDistance(b, a)).toBe(editDistance(a, b));
    }
  });
});

describe('errorRate', () => {
  it('is the sum of edits over the sum of reference lengths (not a mean of rates)', () => {
    const r = errorRate([[['a', 'b', 'c', 'd']], [['e']]], [['a', 'b', 'c', 'd'], ['f']]);
    expect(r).toEqual({ rate: 1 / 5, edits: 1, referenceLength: 5, chosen: [0, 0] });
  });

  it('scores each hypothesis against its best reference (cmudict alternates)', () => {
    const refs = [[['T', 'AH0', 'M', 'EY1', 'T', 'OW2'], ['T', 'AH0', 'M', 'AA1', 'T', 'OW2']]];
    const r = errorRate(refs, [['T', 'AH0', 'M', 'AA1', 'T', 'OW0']]);
    expect(r.chosen).toEqual([1]);
    expect(r.edits).toBe(1);
    expect(r.rate).toBeCloseTo(1 / 6, 12);
  });

  it('breaks ties in edits by the longer reference', () => {
    // 'a' vs ['a','b'] (1 deletion) and vs [] (1 insertion): both 1 edit; the longer gives 1/2, not 1/0
    const r = errorRate([[[], ['a', 'b']]], [['a']]);
    expect(r.chosen).toEqual([1]);
    expect(r.rate).toBe(0.5);
  });

  it('edge cases: empty hypothesis, insertions above 1, empty references', () => {
    expect(errorRate([[['a', 'b', 'c']]], [[]]).rate).toBe(1);
    expect(errorRate([[['a']]], [['a', 'b', 'c']]).rate).toBe(2);
    expect(errorRate([[['a']], [[]]], [['a'], []]).rate).toBe(0);
    expect(() => errorRate([[[]]], [['a']])).toThrow(/no tokens/);
    expect(() => errorRate([[[]]], [[]])).toThrow(ArgumentError);
    expect(() => errorRate([], [])).toThrow(/empty/);
    expect(() => errorRate([[]], [['a']])).toThrow(/no reference/);
  });

  it('WER and PER are the same computation over words and phonemes', () => {
    expect(wordErrorRate([[['the', 'cat', 'sat']]], [['the', 'cat']]).rate).toBeCloseTo(1 / 3, 12);
    expect(tokenErrorRate([[['K', 'AE1', 'T']]], [['K', 'AE1']]).rate).toBeCloseTo(1 / 3, 12);
  });
});

describe('sequenceErrorRate', () => {
  it('is the fraction of hypotheses equal to none of their references', () => {
    expect(sequenceErrorRate([[['HH', 'AH0'], ['HH', 'EH0']], [['OW1']]], [['HH', 'EH0'], ['AA1']])).toBe(0.5);
    expect(sequenceErrorRate([[['a', 'b']]], [['a']])).toBe(1);
    expect(sequenceErrorRate([[[]]], [[]])).toBe(0);
    expect(() => sequenceErrorRate([], [])).toThrow(ArgumentError);
  });
});
