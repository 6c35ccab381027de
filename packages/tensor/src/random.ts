import { ArgumentError } from './errors.js';

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). Everything random
 * in Unroll takes one of these or uses the default generator, reseeded by `manualSeed`.
 *
 * @example
 * ```ts
 * import { Generator, randn } from '@unroll/tensor';
 * const g = new Generator(42);
 * const x = randn([2, 3], { generator: g }); // same numbers every run
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | undefined;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Resets the state from an integer seed. */
  seed(seed: number): this {
    if (!Number.isFinite(seed)) throw new ArgumentError(`Generator: seed must be a finite number, got ${seed}`);
    const whole = Math.floor(seed);
    let x = whole >>> 0; // low 32 bits (two's complement for negative seeds)
    const hi = Math.floor(whole / 4294967296) | 0; // the rest, so that 2^32 + 1 and 1 differ
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    x = (x ^ Math.imul(hi ^ (hi >>> 15), 0x2c1b3c6d)) >>> 0; // no change when hi = 0
    this.s2 = next();
    this.s3 = next();
    this.spareNormal = undefined;
    return this;
  }

  /** A uniformly random unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [low, high). */
  randint(low: number, high: number): number {
    if (!(high > low)) throw new ArgumentError(`randint: high (${high}) must be greater than low (${low})`);
    return low + Math.floor(this.random() * (high - low));
  }

  /** A standard normal sample (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** The full state, for checkpoints. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spareNormal ?? Number.NaN];
  }

  /** Restores a state from `getState()`. */
  setState(state: readonly number[]): this {
    if (state.length !== 5) throw new ArgumentError(`Generator.setState: expected 5 numbers, got ${state.length}`);
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0) as [number, number, number, number];
    const spare = state[4]!;
    this.spareNormal = Number.isNaN(spare) ? undefined : spare;
    return this;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator used when none is passed. */
export const defaultGenerator = new Generator(0);

/**
 * Reseeds the default generator.
 *
 * @example
 * ```ts
 * import { manualSeed, rand } from '@unroll/tensor';
 * manualSeed(1); const a = rand([3]);
 * manualSeed(1); const b = rand([3]); // equal to a
 * ```
 */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}
