import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rand, randn } from './creation.js';
import { ArgumentError } from './errors.js';
import { defaultGenerator, Generator, manualSeed } from './random.js';

const draw = (g: Generator, n: number, f: (g: Generator) => number): number[] => Array.from({ length: n }, () => f(g));

describe('Generator', () => {
  it('the same seed gives the same sequence (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (seed) => {
        const a = new Generator(seed);
        const b = new Generator(seed);
        expect(draw(a, 20, (g) => g.nextUint32())).toEqual(draw(b, 20, (g) => g.nextUint32()));
        expect(draw(a, 10, (g) => g.normal())).toEqual(draw(b, 10, (g) => g.normal()));
        expect(draw(a, 10, (g) => g.random())).toEqual(draw(b, 10, (g) => g.random()));
      }),
      { numRuns: 50 },
    );
  });

  it('different seeds in [0, 2^32) give different sequences (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1001 }), fc.integer({ min: 1, max: 1000 }), (seed, delta) => {
        expect(draw(new Generator(seed), 8, (g) => g.nextUint32())).not.toEqual(draw(new Generator(seed + delta), 8, (g) => g.nextUint32()));
      }),
      { numRuns: 50 },
    );
  });

  it('seed() resets to the same state as a fresh generator', () => {
    const g = new Generator(5);
    const first = draw(g, 10, (x) => x.random());
    g.normal(); // leaves a cached spare normal
    g.seed(5);
    expect(draw(g, 10, (x) => x.random())).toEqual(first);
  });

  it('getState / setState round-trip, including a cached spare normal (property)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(20), fc.boolean(), (seed, skip, oddNormals) => {
        const g = new Generator(seed);
        draw(g, skip, (x) => x.random());
        if (oddNormals) g.normal(); // the second Box-Muller value is now cached
        const state = g.getState();
        expect(state).toHaveLength(5);
        const expected = [...draw(g, 5, (x) => x.normal()), ...draw(g, 5, (x) => x.random()), g.randint(0, 1000)];
        const h = new Generator(12345).setState(state);
        expect([...draw(h, 5, (x) => x.normal()), ...draw(h, 5, (x) => x.random()), h.randint(0, 1000)]).toEqual(expected);
        g.setState(state);
        // the four 32-bit words may come back signed or unsigned: compare them modulo 2^32
        const words = (st: number[]): number[] => st.map((v, i) => (i < 4 ? v >>> 0 : v));
        expect(words(g.getState())).toEqual(words(state));
        // the state survives JSON (checkpoints)
        const j = new Generator().setState(JSON.parse(JSON.stringify(state.map((v) => (Number.isNaN(v) ? null : v)))).map((v: number | null) => v ?? Number.NaN));
        expect(draw(j, 5, (x) => x.normal())).toEqual(expected.slice(0, 5));
      }),
      { numRuns: 50 },
    );
  });

  it('random() is uniform in [0, 1): range and loose moments on 10k samples', () => {
    const g = new Generator(1);
    const xs = draw(g, 10000, (x) => x.random());
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = xs.reduce((p, v) => p + v, 0) / xs.length;
    const variance = xs.reduce((p, v) => p + (v - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.005);
    // ten equal bins each get 10% +- 2%
    const bins = new Array<number>(10).fill(0);
    for (const v of xs) bins[Math.floor(v * 10)]!++;
    expect(bins.every((c) => c > 800 && c < 1200)).toBe(true);
  });

  it('normal() and randn have mean ~0, std ~1, and sane tails on 10k samples', () => {
    const g = new Generator(2);
    const xs = draw(g, 10000, (x) => x.normal());
    const mean = xs.reduce((p, v) => p + v, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((p, v) => p + (v - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
    const within1 = xs.filter((v) => Math.abs(v) < 1).length / xs.length;
    expect(Math.abs(within1 - 0.6827)).toBeLessThan(0.02);
    expect(xs.every(Number.isFinite)).toBe(true);

    const t = randn([10000], { generator: new Generator(3), dtype: 'float64' });
    const tv = Array.from(t.data);
    const tm = tv.reduce((p, v) => p + v, 0) / t.size;
    const ts = Math.sqrt(tv.reduce((p, v) => p + (v - tm) ** 2, 0) / t.size);
    expect(Math.abs(tm)).toBeLessThan(0.05);
    expect(Math.abs(ts - 1)).toBeLessThan(0.05);
  });

  it('randint(low, high) covers [low, high) roughly uniformly', () => {
    const g = new Generator(4);
    const counts = new Map<number, number>();
    for (let i = 0; i < 7000; i++) {
      const v = g.randint(-3, 4);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect([...counts.values()].every((c) => c > 800 && c < 1200)).toBe(true);
  });

  it('errors: non-finite seeds, bad states, empty randint ranges', () => {
    const err = (() => { try { new Generator(Number.NaN); } catch (e) { return e as Error; } return undefined; })();
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err?.message).toBe('Generator: seed must be a finite number, got NaN');
    expect(() => new Generator().seed(Number.POSITIVE_INFINITY)).toThrow(ArgumentError);
    expect(() => new Generator().setState([1, 2, 3])).toThrow(new ArgumentError('Generator.setState: expected 5 numbers, got 3'));
    expect(() => new Generator().randint(2, 1)).toThrow(new ArgumentError('randint: high (1) must be greater than low (2)'));
  });
});

describe('manualSeed and the default generator', () => {
  it('manualSeed makes rand/randn without a generator reproducible', () => {
    manualSeed(123);
    const a = rand([5]);
    const b = randn([5]);
    manualSeed(123);
    expect(rand([5]).data).toEqual(a.data);
    expect(randn([5]).data).toEqual(b.data);
    manualSeed(124);
    expect(rand([5]).data).not.toEqual(a.data);
  });

  it('manualSeed(s) puts the default generator in the state of new Generator(s)', () => {
    manualSeed(77);
    expect(defaultGenerator.getState()).toEqual(new Generator(77).getState());
    expect(draw(defaultGenerator, 5, (g) => g.random())).toEqual(draw(new Generator(77), 5, (g) => g.random()));
  });
});

describe('Generator seeds beyond [0, 2^32)', () => {
  it('gives distinct sequences for negative and large seeds', () => {
    const first = (seed: number) => {
      const g = new Generator(seed);
      return [g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()].join(',');
    };
    const seeds = [0, -1, 4, -5, 1, 2 ** 32, 2 ** 32 + 1];
    expect(new Set(seeds.map(first)).size).toBe(seeds.length);
  });
});

/**
 * An independent reference of the algorithm, in BigInt arithmetic (no Math.imul, no >>> tricks):
 * xoshiro128** 1.1 (Blackman & Vigna), its four state words drawn from a splitmix-style sequence
 * (x += 0x9e3779b9, then murmur3's 32-bit finalizer), with the seed's high part (floor(seed / 2^32))
 * mixed into x after the first two words.
 */
const M32 = (1n << 32n) - 1n;
const u32 = (v: bigint): bigint => v & M32;
const rotlRef = (v: bigint, k: bigint): bigint => u32((v << k) | (v >> (32n - k)));

class ReferenceXoshiro {
  s: bigint[];
  constructor(seedOrState: number | bigint[]) {
    if (Array.isArray(seedOrState)) {
      this.s = seedOrState.map(u32);
      return;
    }
    const seed = BigInt(seedOrState);
    let x = BigInt.asUintN(32, seed);
    const hi = BigInt.asUintN(32, seed >= 0n ? seed / 2n ** 32n : -((-seed + 2n ** 32n - 1n) / 2n ** 32n)); // floor
    const next = (): bigint => {
      x = u32(x + 0x9e3779b9n);
      let z = x;
      z = u32((z ^ (z >> 16n)) * 0x85ebca6bn);
      z = u32((z ^ (z >> 13n)) * 0xc2b2ae35n);
      return z ^ (z >> 16n);
    };
    const s0 = next();
    const s1 = next();
    x ^= u32((hi ^ (hi >> 15n)) * 0x2c1b3c6dn);
    this.s = [s0, s1, next(), next()];
  }

  nextUint32(): number {
    let [s0, s1, s2, s3] = this.s as [bigint, bigint, bigint, bigint];
    const result = u32(rotlRef(u32(s1 * 5n), 7n) * 9n);
    const t = u32(s1 << 9n);
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotlRef(s3, 11n);
    this.s = [s0, s1, s2, s3];
    return Number(result);
  }

  /** 53 random bits: the top 27 bits of one word, then the top 26 of the next. */
  random(): number {
    const a = BigInt(this.nextUint32()) >> 5n;
    const b = BigInt(this.nextUint32()) >> 6n;
    return Number((a << 26n) | b) / 2 ** 53;
  }
}

describe('Generator matches an independent xoshiro128** reference (guards against algorithm changes)', () => {
  const SEEDS = [0, 1, 42, 123456789, 2 ** 32 - 1, -5, 2 ** 32 + 1, 2 ** 40 - 3, -(2 ** 35) - 7];

  it('the reference reproduces outputs of the authors\' C code (same seeding), so it is the algorithm', () => {
    // printed by prng.di.unimi.it/xoshiro128starstar.c with the splitmix seeding above, in C
    const fromC: Record<string, number[]> = {
      0: [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335, 104831812, 1587294886],
      42: [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290, 65323186, 1112262688],
      [-5]: [1409054809, 3066088423, 2049981489, 1123051725, 728545864, 941835758, 4215882520, 1039802338],
      4294967297: [2442144158, 3585169373, 2736225909, 2083643191, 1080867060, 2609603807, 3585566612, 4142894270],
    };
    for (const [seed, words] of Object.entries(fromC)) {
      const ref = new ReferenceXoshiro(Number(seed));
      expect(Array.from({ length: 8 }, () => ref.nextUint32()), `seed ${seed}`).toEqual(words);
      expect(draw(new Generator(Number(seed)), 8, (g) => g.nextUint32()), `seed ${seed}`).toEqual(words);
    }
  });

  it('nextUint32: the first 64 words of several seeds (negative and beyond 2^32 too)', () => {
    for (const seed of SEEDS) {
      const ref = new ReferenceXoshiro(seed);
      const want = Array.from({ length: 64 }, () => ref.nextUint32());
      expect(draw(new Generator(seed), 64, (g) => g.nextUint32()), `seed ${seed}`).toEqual(want);
    }
  });

  it('the state update alone, from a hand-set state', () => {
    for (const state of [[1, 2, 3, 4], [0xffffffff, 0, 0x80000000, 7], [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x13198a2e]]) {
      const ref = new ReferenceXoshiro(state.map(BigInt));
      const g = new Generator().setState([...state, Number.NaN]);
      expect(draw(g, 32, (x) => x.nextUint32()), state.join(',')).toEqual(Array.from({ length: 32 }, () => ref.nextUint32()));
      expect(g.getState().slice(0, 4).map((v) => v >>> 0)).toEqual(ref.s.map(Number));
    }
  });

  it('random(): 53 bits from two consecutive words; randint scales it', () => {
    for (const seed of SEEDS) {
      const ref = new ReferenceXoshiro(seed);
      const want = Array.from({ length: 16 }, () => ref.random());
      const g = new Generator(seed);
      expect(draw(g, 16, (x) => x.random()), `seed ${seed}`).toEqual(want);
      const r = ref.random();
      expect(g.randint(-7, 13), `seed ${seed}`).toBe(-7 + Math.floor(r * 20));
    }
  });

  it('normal(): Box-Muller on two random() draws, the sine value cached for the next call', () => {
    for (const seed of SEEDS) {
      const ref = new ReferenceXoshiro(seed);
      const want: number[] = [];
      for (let i = 0; i < 8; i++) {
        const u = ref.random(); // never 0 for these seeds
        const v = ref.random();
        const r = Math.sqrt(-2 * Math.log(u));
        want.push(r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v));
      }
      expect(draw(new Generator(seed), 16, (x) => x.normal()), `seed ${seed}`).toEqual(want);
    }
  });
});
