import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { tokenAccuracy } from './accuracy.js';

describe('tokenAccuracy', () => {
  it('counts position-wise matches over the reference lengths', () => {
    expect(tokenAccuracy([['a', 'b', 'c'], ['d']], [['a', 'x', 'c'], ['d']])).toBe(3 / 4);
    expect(tokenAccuracy([[1, 2, 3]], [[1, 2, 3]])).toBe(1);
  });

  it('short hypotheses miss the rest; tokens past the reference are ignored', () => {
    expect(tokenAccuracy([['a', 'b', 'c', 'd']], [['a']])).toBe(1 / 4);
    expect(tokenAccuracy([['a', 'b']], [['a', 'b', 'z', 'z']])).toBe(1);
    expect(tokenAccuracy([['a', 'b'], ['c']], [[], []])).toBe(0);
  });

  it('rejects an undefined accuracy and mismatched counts', () => {
    expect(() => tokenAccuracy([], [])).toThrow(/no tokens/);
    expect(() => tokenAccuracy([[]], [['a']])).toThrow(ArgumentError);
    expect(() => tokenAccuracy([['a']], [])).toThrow(/0 hypotheses but 1 references/);
  });
});
