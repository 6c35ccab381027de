import { ArgumentError, add, checkPositiveInt, formatShape, mul, ShapeError, slice, type Tensor, zeros } from '@unroll/tensor';
import type { RecurrentState } from './layers.js';

/** Cuts a state off the graph so the next chunk's backward stops here. */
export function detachState<S extends RecurrentState>(state: S): S {
  return { ...state, h: state.h.detach(), ...(state.c ? { c: state.c.detach() } : {}) };
}

/**
 * Fits a carried state to a batch of another size: keeps the first rows of a smaller batch, and
 * pads a larger one with zero rows (new streams start from zero).
 */
export function resizeState<S extends RecurrentState>(state: S, batch: number): S {
  const fitRows = (t: Tensor): Tensor => {
    const B = t.shape[1]!;
    if (B === batch) return t;
    if (batch < B) return slice(t, [null, [0, batch]]);
    const out = zeros([t.shape[0]!, batch, t.shape[2]!], { dtype: t.dtype });
    for (let l = 0; l < t.shape[0]!; l++) out.data.set(t.data.subarray(l * B * t.shape[2]!, (l + 1) * B * t.shape[2]!), l * batch * t.shape[2]!);
    return out;
  };
  return { ...state, h: fitRows(state.h), ...(state.c ? { c: fitRows(state.c) } : {}) };
}

/** Options of `TruncatedBPTT`. */
export interface TruncatedBPTTOptions {
  /** Time steps per chunk (one optimizer step each). */
  k1: number;
  /** Steps that gradients flow back through time (<= k1; default k1): the state is detached every k2 steps. */
  k2?: number;
}

/** What the user's forward returns for one segment. */
export interface SegmentResult<S extends RecurrentState> {
  /** Mean loss over the segment's steps. */
  loss: Tensor;
  /** State after the segment (still attached to the graph). */
  state: S;
}

/**
 * Truncated backpropagation through time over a long stream: splits it into chunks of k1 steps,
 * carries the hidden state forward forever (detached at each chunk start, and every k2 steps
 * inside a chunk, so gradients flow back at most k2 steps), and copes with a last batch of a
 * different size.
 *
 * @example
 * ```ts
 * import { LSTM, TruncatedBPTT } from '@unroll/cells';
 * const tbptt = new TruncatedBPTT({ k1: 32, k2: 16 });
 * for (const { x, y } of tbptt.chunks(inputs, targets)) {       // inputs (T,B,D), targets (T,B)
 *   const loss = tbptt.runChunk(x, y, (xs, ys, state) => {
 *     const { output, state: next } = lstm.forward(xs, { state });
 *     return { loss: crossEntropy(head.forward(output), ys), state: next };
 *   });
 *   loss.backward(); optimizer.step(); optimizer.zeroGrad();
 * }
 * ```
 */
export class TruncatedBPTT<S extends RecurrentState = RecurrentState> {
  readonly k1: number;
  readonly k2: number;
  /** The carried state (undefined: start from zeros). */
  state: S | undefined;

  constructor(opts: TruncatedBPTTOptions) {
    const { k1, k2 = k1 } = opts;
    checkPositiveInt('TruncatedBPTT', 'k1', k1);
    if (!Number.isInteger(k2) || k2 <= 0 || k2 > k1) throw new ArgumentError(`TruncatedBPTT: k2 must be an integer in [1, k1 = ${k1}], got ${k2}`);
    this.k1 = k1;
    this.k2 = k2;
  }

  /** Forgets the carried state (the next chunk starts from zeros). */
  resetState(): void {
    this.state = undefined;
  }

  /** Yields consecutive chunks of k1 steps (the last may be shorter) of streams shaped (T,B,...). */
  *chunks(inputs: Tensor, targets?: Tensor): Generator<{ x: Tensor; y: Tensor | undefined; start: number; end: number }> {
    const T = inputs.shape[0]!;
    if (targets && targets.shape[0] !== T) throw new ShapeError(`TruncatedBPTT: inputs ${formatShape(inputs.shape)} and targets ${formatShape(targets.shape)} differ in length`);
    for (let start = 0; start < T; start += this.k1) {
      const end = Math.min(T, start + this.k1);
      yield { x: slice(inputs, [[start, end]]), y: targets ? slice(targets, [[start, end]]) : undefined, start, end };
    }
  }

  /**
   * Runs one chunk (time-major x (k,B,...)) in segments of k2 steps from the carried state and
   * returns the chunk's mean loss (weighted by segment length) to backpropagate.
   */
  runChunk<Y extends Tensor | undefined>(x: Tensor, y: Y, forward: (x: Tensor, y: Y, state: S | undefined) => SegmentResult<S>): Tensor {
    const T = x.shape[0]!;
    const B = x.shape[1]!;
    let state = this.state ? resizeState(detachState(this.state), B) : undefined;
    let total: Tensor | undefined;
    for (let s = 0; s < T; s += this.k2) {
      const e = Math.min(T, s + this.k2);
      const seg = forward(slice(x, [[s, e]]), (y ? slice(y, [[s, e]]) : y) as Y, state);
      const weighted = mul(seg.loss, (e - s) / T);
      total = total ? add(total, weighted) : weighted;
      state = e < T ? detachState(seg.state) : seg.state;
    }
    this.state = state;
    return total!;
  }
}
