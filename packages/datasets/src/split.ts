import { ArgumentError } from '@unroll/tensor';

/** Which part of a data set an item belongs to. */
export type SplitName = 'train' | 'val' | 'test';

/** Fractions of the validation and test splits (the rest is training), and the hash seed. */
export interface SplitOptions {
  /** Fraction of keys in the validation split, in [0, 1]. */
  val: number;
  /** Fraction of keys in the test split, in [0, 1]; `val + test <= 1`. */
  test: number;
  /** Integer in [0, 2^32) mixed into the hash; another seed is another split. Default 0. */
  seed?: number;
}

/** The three splits, each in the items' original order. */
export interface Splits<T> {
  train: T[];
  val: T[];
  test: T[];
}

const encoder = new TextEncoder();

/**
 * 32-bit FNV-1a of `bytes`, continuing from `hash` (the FNV offset basis by default).
 *
 * @example
 * ```ts
 * import { fnv1a32 } from '@unroll/datasets';
 * fnv1a32(new TextEncoder().encode('a')).toString(16); // 'e40c292c'
 * ```
 */
export function fnv1a32(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/**
 * A stable, platform-independent hash of a key, uniform in [0, 1): FNV-1a over the seed's four
 * bytes (little-endian) and the key's UTF-8 bytes, then MurmurHash3's 32-bit finaliser, divided by
 * 2^32. It depends on nothing but the key and the seed; changing it would move items between
 * splits, so it is fixed.
 *
 * @example
 * ```ts
 * import { keyFraction } from '@unroll/datasets';
 * keyFraction('TOMATO') === keyFraction('TOMATO'); // true, on every machine and run
 * ```
 */
export function keyFraction(key: string, seed = 0): number {
  checkSeed(seed);
  const seedBytes = Uint8Array.of(seed & 0xff, (seed >>> 8) & 0xff, (seed >>> 16) & 0xff, (seed >>> 24) & 0xff);
  let h = fnv1a32(encoder.encode(key), fnv1a32(seedBytes));
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/**
 * The split of one key: `'test'` when its `keyFraction` is below `test`, `'val'` when below
 * `test + val`, else `'train'`. Raising `val` only moves keys from train to val, never out of test.
 *
 * @example
 * ```ts
 * import { splitOf } from '@unroll/datasets';
 * splitOf('TOMATO', { val: 0.1, test: 0.1 }); // 'train', 'val' or 'test', the same every time
 * ```
 */
export function splitOf(key: string, options: SplitOptions): SplitName {
  checkFractions(options);
  return assign(keyFraction(key, options.seed ?? 0), options);
}

/**
 * Splits items into train / validation / test by a stable hash of each item's key (`splitOf`),
 * not by position: the same key is always in the same split, whatever else the data holds, so
 * appending data never moves an existing item, and items that share a key (all pronunciations of
 * a word) land together. The split sizes are near, not exactly, the requested fractions
 * (binomial spread: about ±sqrt(n·p) items). Each split keeps the items' order.
 *
 * @example
 * ```ts
 * import { loadCmudict, splitByKey } from '@unroll/datasets';
 * const { train, val, test } = splitByKey(await loadCmudict(), (e) => e.word, { val: 0.05, test: 0.05, seed: 0 });
 * ```
 */
export function splitByKey<T>(items: readonly T[], key: (item: T) => string, options: SplitOptions): Splits<T> {
  checkFractions(options);
  checkSeed(options.seed ?? 0);
  const splits: Splits<T> = { train: [], val: [], test: [] };
  items.forEach((item, i) => {
    const k = key(item);
    if (typeof k !== 'string') throw new ArgumentError(`splitByKey: the key of item ${i} is ${typeof k}, expected a string`);
    splits[assign(keyFraction(k, options.seed ?? 0), options)].push(item);
  });
  return splits;
}

function assign(u: number, { val, test }: SplitOptions): SplitName {
  return u < test ? 'test' : u < test + val ? 'val' : 'train';
}

function checkFractions({ val, test }: SplitOptions): void {
  for (const [name, f] of [
    ['val', val],
    ['test', test],
  ] as const) {
    if (typeof f !== 'number' || !(f >= 0 && f <= 1)) throw new ArgumentError(`split: ${name} must be a fraction in [0, 1], got ${f}`);
  }
  if (val + test > 1) throw new ArgumentError(`split: val + test must be at most 1, got ${val} + ${test}`);
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new ArgumentError(`split: seed must be an integer in [0, 2^32), got ${seed}`);
}
