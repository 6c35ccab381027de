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
    // Seeds outside [0, 2^32) are folded into 32 bits by XOR of the halves, so e.g. -1 and 0 coincide.
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

  it('a fixed seed gives a fixed sequence (guards against accidental algorithm changes)', () => {
    const g = new Generator(0);
    const seq = draw(g, 4, (x) => x.nextUint32());
    expect(seq.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
    expect(new Set(seq).size).toBe(4);
    expect(draw(new Generator(0), 4, (x) => x.nextUint32())).toEqual(seq);
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
