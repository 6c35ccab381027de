import { ArgumentError, checkPositiveInt, Tensor } from '@unroll/tensor';

/** A train/validation split of encoded text. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
}

/**
 * Splits ids into a training part and the last `valFraction` for validation.
 * @example `splitTrainVal(ids, 0.05) // { train: first 95%, val: last 5% }`
 */
export function splitTrainVal(ids: Int32Array, valFraction = 0.05): Split {
  if (!(valFraction > 0 && valFraction < 1)) throw new ArgumentError(`splitTrainVal: valFraction must be in (0, 1), got ${valFraction}`);
  const nVal = Math.max(2, Math.floor(ids.length * valFraction));
  if (ids.length - nVal < 2) throw new ArgumentError(`splitTrainVal: a text of ${ids.length} characters is too short to split`);
  return { train: ids.subarray(0, ids.length - nVal), val: ids.subarray(ids.length - nVal) };
}

/** One chunk of B parallel streams: inputs and next-character targets, both (T,B) int32. */
export interface StreamBatch {
  x: Tensor;
  y: Tensor;
  /** Index of this chunk within the epoch. */
  index: number;
}

/**
 * char-rnn's layout for truncated BPTT: the text is cut into B contiguous streams, and chunk j
 * holds steps [jT, (j+1)T) of every stream, so the hidden state of stream b carries over from
 * chunk j to chunk j+1.
 *
 * @example
 * ```ts
 * import { StreamBatcher } from '@unroll/tasks';
 * const batcher = new StreamBatcher(ids, { batch: 32, seq: 64 });
 * const { x, y } = batcher.chunk(0); // (64,32) each
 * ```
 */
export class StreamBatcher {
  readonly batch: number;
  readonly seq: number;
  /** Length of each stream (a multiple of nothing in particular; the tail is dropped). */
  readonly streamLength: number;
  /** Chunks per epoch. */
  readonly chunksPerEpoch: number;

  constructor(private readonly ids: Int32Array, opts: { batch: number; seq: number }) {
    const { batch, seq } = opts;
    checkPositiveInt('StreamBatcher', 'batch', batch);
    checkPositiveInt('StreamBatcher', 'seq', seq);
    this.batch = batch;
    this.seq = seq;
    this.streamLength = Math.floor((ids.length - 1) / batch);
    this.chunksPerEpoch = Math.floor(this.streamLength / seq);
    if (this.chunksPerEpoch < 1) {
      throw new ArgumentError(`StreamBatcher: ${ids.length} characters are too few for batch ${batch} x seq ${seq} (need at least ${batch * seq + 1})`);
    }
  }

  /** Chunk `index` (taken modulo the epoch). */
  chunk(index: number): StreamBatch {
    const j = index % this.chunksPerEpoch;
    const { batch: B, seq: T, streamLength: L } = this;
    const x = new Int32Array(T * B);
    const y = new Int32Array(T * B);
    for (let b = 0; b < B; b++) {
      const base = b * L + j * T;
      for (let t = 0; t < T; t++) {
        x[t * B + b] = this.ids[base + t]!;
        y[t * B + b] = this.ids[base + t + 1]!;
      }
    }
    return { x: new Tensor(x, [T, B]), y: new Tensor(y, [T, B]), index: j };
  }
}
