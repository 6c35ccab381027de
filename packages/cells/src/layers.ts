import { type Buffer, Dropout, isGradEnabled, Module, type Parameter } from '@unroll/autograd';
import {
  ArgumentError, add, type CellKind, checkPositiveInt, concat, type DType, formatShape, gateWidth, mul, permute, slice, stack, sub, Tensor, unsqueeze, zeros,
} from '@unroll/tensor';
import { expectShape } from './errors.js';
import { fusedSequence } from './fused.js';
import { createCellParams, type ParamOptions } from './params.js';
import { type CellState, type CellWeights, cellStep } from './step.js';

/** Options of the sequence layers `RNN`, `LSTM` and `GRU`. */
export interface RecurrentOptions extends ParamOptions {
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last (training mode only). */
  dropout?: number;
  /** Input and output as (B,T,·) instead of (T,B,·). */
  batchFirst?: boolean;
  /** Use the fused whole-sequence kernels (default) or the composed cell-by-cell reference. */
  fused?: boolean;
}

/** Initial or final state: h (L*dirs, B, H) and, for the LSTM, c (L*dirs, B, H). */
export interface RecurrentState {
  h: Tensor;
  c?: Tensor;
}

/** Per-call options of `forward`. */
export interface ForwardOptions {
  /** Initial state (zeros when omitted). */
  state?: RecurrentState;
  /**
   * True length of each batch row (padded steps neither change the final state nor receive
   * gradient; outputs there are zero; the reverse direction starts at each row's true end).
   */
  lengths?: readonly number[] | Int32Array | Tensor;
}

/** What a sequence layer returns. */
export interface RecurrentOutput {
  /** (T,B,H*dirs), or (B,T,H*dirs) with batchFirst. */
  output: Tensor;
  /** Final state per layer and direction, PyTorch's order (layer-major, forward then reverse). */
  state: RecurrentState;
}

/** Shared implementation of RNN, LSTM and GRU sequence layers. */
export abstract class RecurrentLayer extends Module {
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  /** Fused kernels (true) or the composed reference path (false). */
  fused: boolean;
  readonly dropoutLayer: Dropout | null;
  private readonly weights: Map<string, Parameter>;
  private readonly dtype: DType;

  protected constructor(
    readonly kind: CellKind,
    readonly layerName: string,
    readonly inputSize: number,
    readonly hiddenSize: number,
    opts: RecurrentOptions,
  ) {
    super();
    const { numLayers = 1, bidirectional = false, dropout = 0, batchFirst = false, fused = true } = opts;
    checkPositiveInt(layerName, 'inputSize', inputSize);
    checkPositiveInt(layerName, 'hiddenSize', hiddenSize);
    checkPositiveInt(layerName, 'numLayers', numLayers);
    if (!(dropout >= 0 && dropout < 1)) throw new ArgumentError(`${layerName}: dropout must be in [0, 1), got ${dropout}`);
    this.numLayers = numLayers;
    this.bidirectional = bidirectional;
    this.batchFirst = batchFirst;
    this.fused = fused;
    this.dtype = opts.dtype ?? 'float32';
    this.dropoutLayer = dropout > 0 && numLayers > 1 ? new Dropout(dropout, { generator: opts.generator }) : null;
    this.weights = new Map();
    const dirs = bidirectional ? 2 : 1;
    for (let l = 0; l < numLayers; l++) {
      for (let d = 0; d < dirs; d++) {
        const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const p = createCellParams(kind, l === 0 ? inputSize : hiddenSize * dirs, hiddenSize, opts);
        this.weights.set(`weight_ih${suffix}`, p.weightIh);
        this.weights.set(`weight_hh${suffix}`, p.weightHh);
        if (p.biasIh && p.biasHh) {
          this.weights.set(`bias_ih${suffix}`, p.biasIh);
          this.weights.set(`bias_hh${suffix}`, p.biasHh);
        }
      }
    }
  }

  /** PyTorch's parameter names and order: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ..._reverse. */
  protected override children(): [string, Module | Parameter | Buffer][] {
    const out: [string, Module | Parameter | Buffer][] = [...this.weights.entries()];
    if (this.dropoutLayer) out.push(['dropoutLayer', this.dropoutLayer]);
    return out;
  }

  /** The weights of one layer and direction. */
  cellWeights(layer: number, reverse: boolean): CellWeights {
    const s = `_l${layer}${reverse ? '_reverse' : ''}`;
    return {
      weightIh: this.weights.get(`weight_ih${s}`)!,
      weightHh: this.weights.get(`weight_hh${s}`)!,
      biasIh: this.weights.get(`bias_ih${s}`) ?? null,
      biasHh: this.weights.get(`bias_hh${s}`) ?? null,
    };
  }

  /**
   * Runs the whole sequence. x: (T,B,D) (or (B,T,D) with batchFirst).
   */
  forward(x: Tensor, opts: ForwardOptions = {}): RecurrentOutput {
    const name = this.layerName;
    if (x.ndim !== 3) throw new ArgumentError(`${name}: expected a 3-D input (${this.batchFirst ? 'B,T,D' : 'T,B,D'}), got ${formatShape(x.shape)}`);
    const xs = this.batchFirst ? permute(x, [1, 0, 2]) : x; // (T,B,D)
    const [T, B] = xs.shape as [number, number];
    expectShape(name, this.batchFirst ? 'input (B,T,D)' : 'input (T,B,D)', x.shape, this.batchFirst ? [B, 'T', this.inputSize] : ['T', B, this.inputSize]);
    if (T === 0) throw new ArgumentError(`${name}: the sequence is empty (T = 0)`);
    const dirs = this.bidirectional ? 2 : 1;
    const H = this.hiddenSize;
    const lengths = this.checkLengths(opts.lengths, T, B);
    const st = opts.state;
    if (st) {
      expectShape(name, 'state h', st.h.shape, [this.numLayers * dirs, B, H]);
      if (this.kind === 'lstm') {
        if (!st.c) throw new ArgumentError(`${name}: the initial state needs c (${this.numLayers * dirs},${B},${H}) as well as h`);
        expectShape(name, 'state c', st.c.shape, [this.numLayers * dirs, B, H]);
      }
    }
    const zero = st?.c && st.h ? undefined : zeros([B, H], { dtype: xs.dtype });
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    let input = xs;
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const k = l * dirs + d;
        const h0 = st ? stateSlice(st.h, k) : zero!;
        const c0 = st?.c ? stateSlice(st.c, k) : zero!;
        const r = this.fused
          ? this.runFused(input, h0, c0, l, d === 1, lengths)
          : this.runComposed(input, h0, c0, l, d === 1, lengths);
        outs.push(r.y);
        hs.push(r.h);
        cs.push(r.c);
      }
      input = dirs === 1 ? outs[0]! : concat(outs, 2);
      if (this.dropoutLayer && l < this.numLayers - 1) input = this.dropoutLayer.forward(input);
    }
    const output = this.batchFirst ? permute(input, [1, 0, 2]) : input;
    const state: RecurrentState = { h: stackStates(hs) };
    if (this.kind === 'lstm') state.c = stackStates(cs);
    return { output, state };
  }

  private checkLengths(lengths: ForwardOptions['lengths'], T: number, B: number): Int32Array | undefined {
    if (lengths === undefined) return undefined;
    const arr = lengths instanceof Tensor ? Array.from(lengths.data) : Array.from(lengths);
    if (arr.length !== B) throw new ArgumentError(`${this.layerName}: lengths has ${arr.length} entries for a batch of ${B}`);
    arr.forEach((n, b) => {
      if (!Number.isInteger(n) || n < 1 || n > T) {
        throw new ArgumentError(`${this.layerName}: lengths[${b}] = ${n} must be an integer in [1, ${T}] (T = ${T})`);
      }
    });
    return arr.every((n) => n === T) ? undefined : Int32Array.from(arr);
  }

  private runFused(x: Tensor, h0: Tensor, c0: Tensor, layer: number, reverse: boolean, lengths: Int32Array | undefined): { y: Tensor; h: Tensor; c: Tensor } {
    const w = this.cellWeights(layer, reverse);
    const noBias = w.biasIh === null ? zeros([gateWidth(this.kind, this.hiddenSize)], { dtype: x.dtype }) : null;
    const [y, h, c] = fusedSequence(
      { kind: this.kind, reverse, lengths, label: `layer${layer}${reverse ? '_reverse' : ''}` },
      [x, h0, c0, w.weightIh, w.weightHh, w.biasIh ?? noBias!, w.biasHh ?? noBias!],
    ) as [Tensor, Tensor, Tensor];
    return { y, h, c };
  }

  private runComposed(x: Tensor, h0: Tensor, c0: Tensor, layer: number, reverse: boolean, lengths: Int32Array | undefined): { y: Tensor; h: Tensor; c: Tensor } {
    const w = this.cellWeights(layer, reverse);
    const T = x.shape[0]!;
    const B = x.shape[1]!;
    let state: CellState = { h: h0, c: c0 };
    const ys: Tensor[] = new Array(T);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const next = cellStep(this.kind, slice(x, [t]), state, w);
      if (lengths === undefined) {
        ys[t] = next.h;
        state = { h: next.h, c: next.c ?? state.c };
        continue;
      }
      // rows past their end keep the previous state and output zeros
      const m = new Tensor(Float64Array.from(lengths, (n) => (t < n ? 1 : 0)), [B, 1]).astype(x.dtype);
      const keep = (a: Tensor, b: Tensor): Tensor => add(b, mul(m, sub(a, b)));
      ys[t] = mul(next.h, m);
      state = { h: keep(next.h, state.h), c: next.c ? keep(next.c, state.c!) : state.c };
    }
    return { y: stack(ys, 0), h: state.h, c: state.c! };
  }
}

/**
 * (B,H) state of layer-direction k from (L*dirs,B,H): a view when no gradient can flow back to
 * the state (sampling feeds the state back every token; a copy costs more than the step's math).
 */
function stateSlice(s: Tensor, k: number): Tensor {
  if (isGradEnabled() && s.requiresGrad) return slice(s, [k]);
  const n = s.shape[1]! * s.shape[2]!;
  return new Tensor(s.data.subarray(k * n, (k + 1) * n), [s.shape[1]!, s.shape[2]!]);
}

/** (L*dirs,B,H) from the per-layer (B,H) states; one state becomes a view, not a copy. */
function stackStates(xs: Tensor[]): Tensor {
  return xs.length === 1 ? unsqueeze(xs[0]!, 0) : stack(xs, 0);
}

/**
 * Multi-layer Elman RNN over a sequence (tanh or relu), PyTorch's `nn.RNN` parameters.
 *
 * @example
 * ```ts
 * import { RNN } from '@unroll/cells';
 * import { randn } from '@unroll/tensor';
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const { output, state } = rnn.forward(randn([5, 3, 10])); // output (5,3,20), state.h (2,3,20)
 * ```
 */
export class RNN extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(opts.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh', 'RNN', inputSize, hiddenSize, opts);
  }
}

/**
 * Multi-layer LSTM over a sequence, PyTorch's `nn.LSTM` parameters (gates i, f, g, o), with
 * fused BPTT kernels. `forgetBias` starts the forget gates near 1.
 *
 * @example
 * ```ts
 * import { LSTM } from '@unroll/cells';
 * import { randn } from '@unroll/tensor';
 * const lstm = new LSTM(10, 20, { bidirectional: true, forgetBias: 1 });
 * const { output, state } = lstm.forward(randn([5, 3, 10]), { lengths: [5, 3, 2] });
 * // output (5,3,40); state.h and state.c (2,3,20)
 * ```
 */
export class LSTM extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions = {}) {
    super('lstm', 'LSTM', inputSize, hiddenSize, opts);
  }
}

/**
 * Multi-layer GRU over a sequence, PyTorch's `nn.GRU` parameters and formula (gates r, z, n).
 *
 * @example
 * ```ts
 * import { GRU } from '@unroll/cells';
 * import { randn } from '@unroll/tensor';
 * const { output } = new GRU(8, 16, { batchFirst: true }).forward(randn([4, 7, 8])); // (4,7,16)
 * ```
 */
export class GRU extends RecurrentLayer {
  constructor(inputSize: number, hiddenSize: number, opts: RecurrentOptions = {}) {
    super('gru', 'GRU', inputSize, hiddenSize, opts);
  }
}
