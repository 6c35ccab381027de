import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { loadCmudict } from './cmudict.js';
import { fnv1a32, keyFraction, type SplitOptions, splitByKey, splitOf } from './split.js';

const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `word${from + i}`);
const id = (s: string) => s;

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    const h = (s: string) => fnv1a32(new TextEncoder().encode(s));
    expect(h('')).toBe(0x811c9dc5);
    expect(h('a')).toBe(0xe40c292c);
    expect(h('foobar')).toBe(0xbf9cf968);
  });
});

describe('keyFraction', () => {
  it('is in [0, 1), spread evenly, and depends on the seed', () => {
    const u = words(10_000).map((w) => keyFraction(w));
    const buckets = new Array(10).fill(0);
    for (const x of u) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      buckets[Math.floor(x * 10)]++;
    }
    for (const b of buckets) expect(Math.abs(b - 1000)).toBeLessThan(150); // about 5 standard deviations
    const other = words(10_000).map((w) => keyFraction(w, 1));
    expect(other.filter((x, i) => x === u[i]).length).toBeLessThan(5);
  });

  it('hashes UTF-8, so non-ASCII keys differ from their ASCII look-alikes', () => {
    expect(keyFraction('café')).not.toBe(keyFraction('cafe'));
    expect(keyFraction('😀')).not.toBe(keyFraction('😁'));
  });
});

describe('splitByKey', () => {
  const options: SplitOptions = { val: 0.1, test: 0.2, seed: 7 };

  it('is deterministic: the same items, keys and seed give the same splits', () => {
    expect(splitByKey(words(2000), id, options)).toEqual(splitByKey(words(2000), id, options));
    expect(splitByKey(words(2000), id, { ...options, seed: 8 })).not.toEqual(splitByKey(words(2000), id, options));
  });

  it('puts every item in exactly one split, keeping its order', () => {
    const items = words(5000);
    const { train, val, test } = splitByKey(items, id, options);
    expect(train.length + val.length + test.length).toBe(items.length);
    expect(new Set([...train, ...val, ...test]).size).toBe(items.length);
    for (const part of [train, val, test]) {
      const members = new Set(part);
      expect(part).toEqual(items.filter((w) => members.has(w)));
    }
  });

  it('comes near the requested fractions', () => {
    const n = 20_000;
    const { train, val, test } = splitByKey(words(n), id, options);
    // binomial standard deviations: sqrt(p(1-p)/n) = 0.0021 (val), 0.0028 (test); allow 4 of them
    expect(Math.abs(val.length / n - 0.1)).toBeLessThan(0.0085);
    expect(Math.abs(test.length / n - 0.2)).toBeLessThan(0.0113);
    expect(Math.abs(train.length / n - 0.7)).toBeLessThan(0.02);
  });

  it('never moves an existing item when items are appended', () => {
    const before = splitByKey(words(3000), id, options);
    const after = splitByKey([...words(3000), ...words(3000, 3000)], id, options);
    for (const part of ['train', 'val', 'test'] as const) {
      expect(after[part].slice(0, before[part].length)).toEqual(before[part]);
      expect(after[part].length).toBeGreaterThan(before[part].length);
      for (const w of before[part]) expect(splitOf(w, options)).toBe(part);
    }
  });

  it('raising the validation fraction only moves items from train to val', () => {
    const small = splitByKey(words(4000), id, options);
    const large = splitByKey(words(4000), id, { ...options, val: 0.3 });
    expect(large.test).toEqual(small.test);
    expect(large.val.length).toBeGreaterThan(small.val.length);
    const largeVal = new Set(large.val);
    const smallTrain = new Set(small.train);
    expect(small.val.filter((w) => !largeVal.has(w))).toEqual([]);
    expect(large.train.filter((w) => !smallTrain.has(w))).toEqual([]);
  });

  it('handles the edge fractions', () => {
    expect(splitByKey(words(100), id, { val: 0, test: 0 }).train.length).toBe(100);
    expect(splitByKey(words(100), id, { val: 1, test: 0 }).val.length).toBe(100);
    expect(splitByKey(words(100), id, { val: 0, test: 1 }).test.length).toBe(100);
    expect(splitByKey([], id, options)).toEqual({ train: [], val: [], test: [] });
  });

  it('keeps all pronunciations of a CMUdict word in one split when keyed by the word', async () => {
    const rows = (await loadCmudict()).flatMap((e) => e.pronunciations.map((phones) => ({ word: e.word, phones })));
    const splits = splitByKey(rows, (r) => r.word, { val: 0.05, test: 0.05 });
    const where = new Map<string, string>();
    const torn: string[] = [];
    for (const part of ['train', 'val', 'test'] as const) {
      for (const r of splits[part]) {
        if ((where.get(r.word) ?? part) !== part) torn.push(r.word);
        where.set(r.word, part);
      }
    }
    expect(torn).toEqual([]);
    expect(where.size).toBe(new Set(rows.map((r) => r.word)).size);
    expect(where.get('TOMATO')).toBe(splitOf('TOMATO', { val: 0.05, test: 0.05 }));
    expect(splits.test.length).toBeGreaterThan(0.04 * rows.length);
    expect(splits.test.length).toBeLessThan(0.06 * rows.length);
  });

  it('refuses bad fractions, seeds and keys with typed errors', () => {
    expect(() => splitByKey(words(3), id, { val: -0.1, test: 0 })).toThrow(ArgumentError);
    expect(() => splitByKey(words(3), id, { val: 0.1, test: Number.NaN })).toThrow(/test must be a fraction in \[0, 1\], got NaN/);
    expect(() => splitByKey(words(3), id, { val: 0.6, test: 0.5 })).toThrow(/val \+ test must be at most 1, got 0\.6 \+ 0\.5/);
    expect(() => splitByKey(words(3), id, { val: 0.1, test: 0.1, seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => splitByKey(words(3), id, { val: 0.1, test: 0.1, seed: 2 ** 32 })).toThrow(ArgumentError);
    expect(() => splitByKey(words(3), id, { val: 0.1, test: 0.1, seed: -1 })).toThrow(ArgumentError);
    expect(() => splitByKey([1, 2], (x) => x as unknown as string, { val: 0.1, test: 0.1 })).toThrow(/key of item 0 is number/);
    expect(() => splitOf('x', { val: 2, test: 0 })).toThrow(ArgumentError);
  });
});
