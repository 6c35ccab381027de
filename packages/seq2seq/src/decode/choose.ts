import { ArgumentError, type Generator } from '@unroll/tensor';

/** How `TokenChooser.sample` restricts and reshapes the distribution. */
export interface SamplingParams {
  /** > 0; 1 leaves the logits as they are. */
  temperature: number;
  topK?: number;
  topP?: number;
}

/**
 * Chooses tokens from rows of logits over a vocabulary of V, never choosing a suppressed id. It
 * owns its work buffers, so choosing a token allocates nothing: one chooser serves a whole
 * decoding run. Rows are read at an offset into a flat (N,V) array.
 *
 * @example
 * ```ts
 * import { TokenChooser } from '@unroll/seq2seq';
 * import { Generator } from '@unroll/tensor';
 * const c = new TokenChooser(4, [0]); // never choose id 0
 * const logits = Float32Array.of(9, 1, 3, 2);
 * c.argmax(logits, 0); // 2
 * c.sample(logits, 0, { temperature: 1, topK: 2 }, new Generator(1)); // 2 or 3
 * c.logProb(logits, 0, 2); // log(e^3 / (e^1 + e^3 + e^2))
 * ```
 */
export class TokenChooser {
  /** 1 where the id may be chosen. */
  private readonly allowed: Uint8Array;
  /** Ids sorted by decreasing logit (work). */
  private readonly order: Int32Array;
  /** Unnormalised probabilities in `order`'s order (work). */
  private readonly probs: Float64Array;
  /** The merge sort's other buffer (work). */
  private readonly spare: Int32Array;
  /** How many ids may be chosen. */
  readonly allowedCount: number;

  constructor(readonly vocabSize: number, suppress: ArrayLike<number> = []) {
    this.allowed = new Uint8Array(vocabSize).fill(1);
    for (let i = 0; i < suppress.length; i++) {
      const id = suppress[i]!;
      if (id >= 0 && id < vocabSize) this.allowed[id] = 0;
    }
    let n = 0;
    for (let i = 0; i < vocabSize; i++) n += this.allowed[i]!;
    if (n === 0) throw new ArgumentError(`decode: every one of the ${vocabSize} tokens is suppressed`);
    this.allowedCount = n;
    this.order = new Int32Array(n);
    this.spare = new Int32Array(n);
    this.probs = new Float64Array(n);
  }

  /** Whether `id` may be chosen. */
  isAllowed(id: number): boolean {
    return this.allowed[id] === 1;
  }

  /** The most likely allowed id of the row at `offset` (ties: the lowest id). */
  argmax(logits: ArrayLike<number>, offset: number): number {
    let best = -1;
    for (let i = 0; i < this.vocabSize; i++) {
      if (this.allowed[i] === 1 && (best < 0 || logits[offset + i]! > logits[offset + best]!)) best = i;
    }
    return best;
  }

  /** log(sum over allowed ids of exp(logit)) of the row at `offset`: the log-softmax's normaliser. */
  logSumExp(logits: ArrayLike<number>, offset: number): number {
    let m = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.vocabSize; i++) if (this.allowed[i] === 1 && logits[offset + i]! > m) m = logits[offset + i]!;
    if (m === Number.NEGATIVE_INFINITY) return m;
    let s = 0;
    for (let i = 0; i < this.vocabSize; i++) if (this.allowed[i] === 1) s += Math.exp(logits[offset + i]! - m);
    return m + Math.log(s);
  }

  /** log p(id) under softmax(logits) over the allowed ids (temperature 1, no truncation). */
  logProb(logits: ArrayLike<number>, offset: number, id: number): number {
    return logits[offset + id]! - this.logSumExp(logits, offset);
  }

  /**
   * Sorts order[0..n), ascending ids on entry, by decreasing logit, ties keeping the lower id
   * first: a bottom-up merge sort with the comparison inline (a comparator callback costs more
   * than the rest of a sampling step).
   */
  private sortByLogit(logits: ArrayLike<number>, offset: number, n: number): void {
    let src = this.order;
    let dst = this.spare;
    for (let width = 1; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(lo + width, n);
        const hi = Math.min(lo + 2 * width, n);
        let i = lo;
        let j = mid;
        let k = lo;
        while (i < mid && j < hi) {
          const a = src[i]!;
          const b = src[j]!;
          if (logits[offset + b]! > logits[offset + a]!) {
            dst[k++] = b;
            j++;
          } else {
            dst[k++] = a;
            i++;
          }
        }
        while (i < mid) dst[k++] = src[i++]!;
        while (j < hi) dst[k++] = src[j++]!;
      }
      const t = src;
      src = dst;
      dst = t;
    }
    if (src !== this.order) for (let k = 0; k < n; k++) this.order[k] = src[k]!;
  }

  /**
   * Draws an id from softmax(logits / temperature) over the allowed ids, restricted first to the
   * top k, then to the smallest nucleus whose probability reaches topP. One `g.random()` per
   * call. The draw walks the ids from the most likely down (ties: the lower id first).
   */
  sample(logits: ArrayLike<number>, offset: number, p: SamplingParams, g: Generator): number {
    const { order, probs } = this;
    let n = 0;
    for (let i = 0; i < this.vocabSize; i++) if (this.allowed[i] === 1) order[n++] = i;
    this.sortByLogit(logits, offset, n);
    if (p.topK !== undefined && p.topK < n) n = p.topK;
    const T = p.temperature;
    const m = logits[offset + order[0]!]! / T;
    let total = 0;
    for (let k = 0; k < n; k++) {
      probs[k] = Math.exp(logits[offset + order[k]!]! / T - m);
      total += probs[k]!;
    }
    if (!(total > 0 && total < Number.POSITIVE_INFINITY)) throw new ArgumentError(`decode: cannot sample from logits whose largest allowed value is ${m * T}`);
    if (p.topP !== undefined && p.topP < 1) {
      const target = p.topP * total;
      let acc = 0;
      let kept = 0;
      while (kept < n && acc < target) acc += probs[kept++]!;
      n = Math.max(kept, 1);
      total = 0;
      for (let k = 0; k < n; k++) total += probs[k]!;
    }
    let u = g.random() * total;
    for (let k = 0; k < n; k++) {
      u -= probs[k]!;
      if (u <= 0) return order[k]!;
    }
    return order[n - 1]!;
  }
}
