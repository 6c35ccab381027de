import { ArgumentError, Generator, Tensor } from '@unroll/tensor';
import type { EncodedExample } from './data.js';

/** One training batch of pairs. */
export interface PairBatch {
  /** (B,L) int32 source ids, padded. */
  src: Tensor;
  /** (B) real source lengths. */
  srcLengths: Int32Array;
  /** (B,T) bos + target, padded. */
  tgtIn: Tensor;
  /** (B,T) target + eos, padded. */
  tgtOut: Tensor;
  /** (B,T) float32: 1 on real target tokens (eos included), 0 on padding. */
  tgtMask: Tensor;
  /** Real target tokens (eos included). */
  tokens: number;
}

/** Pads rows of ids into a (B,T) int32 tensor and a float32 mask. @example `padRows([Int32Array.of(4, 5), Int32Array.of(6)], 0).ids.toArray() // [[4, 5], [6, 0]]` */
export function padRows(rows: readonly Int32Array[], pad: number): { ids: Tensor; mask: Tensor; lengths: Int32Array } {
  const B = rows.length;
  const T = Math.max(1, ...rows.map((r) => r.length));
  const ids = new Int32Array(B * T).fill(pad);
  const mask = new Float32Array(B * T);
  rows.forEach((r, b) => {
    ids.set(r, b * T);
    mask.fill(1, b * T, b * T + r.length);
  });
  return { ids: new Tensor(ids, [B, T]), mask: new Tensor(mask, [B, T]), lengths: Int32Array.from(rows, (r) => r.length) };
}

/** The teacher-forcing tensors of a list of pairs (tgtIn = bos + target, tgtOut = target + eos). @example `pairBatch(encoded.slice(0, 8), { pad: 0, bos: 1, eos: 2 }).tgtMask // (8,T)` */
export function pairBatch(pairs: readonly EncodedExample[], ids: { pad: number; bos: number; eos: number }): PairBatch {
  const src = padRows(pairs.map((p) => p.source), ids.pad);
  const tin = padRows(pairs.map((p) => Int32Array.of(ids.bos, ...p.target)), ids.pad);
  const tout = padRows(pairs.map((p) => Int32Array.of(...p.target, ids.eos)), ids.pad);
  const tokens = tout.lengths.reduce((a, b) => a + b, 0);
  return { src: src.ids, srcLengths: src.lengths, tgtIn: tin.ids, tgtOut: tout.ids, tgtMask: tout.mask, tokens };
}

/** Batches per bucket: an epoch's shuffled order is cut into groups of this many batches, each sorted by source length. */
const BUCKET_BATCHES = 16;

/**
 * Shuffled, seeded batches of pairs, a pure function of the step (so that a resumed run sees the
 * same batches): epoch e is a permutation drawn from `Generator(seed + e)`, cut into groups of
 * 16 batches that are each sorted by source length (bucketing: less padding), and the batches
 * of an epoch are served in a shuffled order. The last partial batch of an epoch is dropped
 * when the epoch has at least one full batch.
 *
 * @example
 * ```ts
 * import { PairBatcher } from '@unroll/tasks';
 * const batcher = new PairBatcher(encoded, { batch: 32, seed: 1, pad: 0, bos: 1, eos: 2 });
 * const { src, srcLengths, tgtIn, tgtOut, tgtMask } = batcher.batch(0); // (B,L), (B), (B,T) x3
 * ```
 */
export class PairBatcher {
  readonly perEpoch: number;
  private epoch = -1;
  private order: number[][] = [];

  constructor(
    readonly pairs: readonly EncodedExample[],
    readonly opts: { batch: number; seed: number; pad: number; bos: number; eos: number },
  ) {
    if (pairs.length === 0) throw new ArgumentError('PairBatcher: no training pairs');
    if (!Number.isSafeInteger(opts.batch) || opts.batch < 1) throw new ArgumentError(`PairBatcher: batch must be a positive integer, got ${opts.batch}`);
    this.perEpoch = Math.max(1, Math.floor(pairs.length / opts.batch));
  }

  /** The batch of step `step` (0-based). */
  batch(step: number): PairBatch {
    const epoch = Math.floor(step / this.perEpoch);
    if (epoch !== this.epoch) this.shuffle(epoch);
    return pairBatch(this.order[step % this.perEpoch]!.map((i) => this.pairs[i]!), this.opts);
  }

  private shuffle(epoch: number): void {
    const g = new Generator((this.opts.seed * 100_003 + epoch) >>> 0);
    const perm = shuffled(this.pairs.length, g);
    const B = Math.min(this.opts.batch, this.pairs.length);
    const batches: number[][] = [];
    const group = B * BUCKET_BATCHES;
    for (let start = 0; start < this.perEpoch * B; start += group) {
      const chunk = perm.slice(start, Math.min(start + group, this.perEpoch * B));
      chunk.sort((a, b) => this.pairs[a]!.source.length - this.pairs[b]!.source.length || a - b);
      for (let i = 0; i < chunk.length; i += B) batches.push(chunk.slice(i, i + B));
    }
    const order = shuffled(batches.length, g);
    this.order = order.map((i) => batches[i]!);
    this.epoch = epoch;
  }
}

/** A Fisher-Yates permutation of 0..n-1. */
function shuffled(n: number, g: Generator): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
