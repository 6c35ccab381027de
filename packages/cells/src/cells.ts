import { Module, type Parameter } from '@unroll/autograd';
import { ArgumentError, type CellKind, checkPositiveInt, type Tensor, zeros } from '@unroll/tensor';
import { expectShape } from './errors.js';
import { createCellParams, type ParamOptions } from './params.js';
import { type CellState, cellStep } from './step.js';

/** Shared base of the single-step cells: the same weights at every time step. */
abstract class CellBase extends Module {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;

  protected constructor(protected readonly kind: CellKind, protected readonly layerName: string, readonly inputSize: number, readonly hiddenSize: number, opts: ParamOptions) {
    super();
    checkPositiveInt(layerName, 'inputSize', inputSize);
    checkPositiveInt(layerName, 'hiddenSize', hiddenSize);
    const p = createCellParams(kind, inputSize, hiddenSize, opts);
    this.weight_ih = p.weightIh;
    this.weight_hh = p.weightHh;
    this.bias_ih = p.biasIh;
    this.bias_hh = p.biasHh;
  }

  protected run(x: Tensor, state: CellState | undefined): CellState {
    expectShape(this.layerName, 'input', x.shape, ['B', this.inputSize]);
    const B = x.shape[0]!;
    const s = state ?? { h: zeros([B, this.hiddenSize], { dtype: x.dtype }), c: zeros([B, this.hiddenSize], { dtype: x.dtype }) };
    expectShape(this.layerName, 'state h', s.h.shape, [B, this.hiddenSize]);
    if (this.kind === 'lstm') {
      if (!s.c) throw new ArgumentError(`${this.layerName}: the state needs c (${B},${this.hiddenSize}) as well as h`);
      expectShape(this.layerName, 'state c', s.c.shape, [B, this.hiddenSize]);
    }
    return cellStep(this.kind, x, s, { weightIh: this.weight_ih, weightHh: this.weight_hh, biasIh: this.bias_ih, biasHh: this.bias_hh });
  }
}

/**
 * Vanilla RNN cell: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu).
 *
 * @example
 * ```ts
 * import { RNNCell } from '@unroll/cells';
 * import { randn } from '@unroll/tensor';
 * const cell = new RNNCell(4, 8);
 * let h = cell.step(randn([2, 4]));   // (2,8)
 * h = cell.step(randn([2, 4]), h);    // same weights, next step
 * ```
 */
export class RNNCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, opts: ParamOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(opts.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh', 'RNNCell', inputSize, hiddenSize, opts);
  }

  /** x (B,D), h (B,H) -> h (B,H). */
  step(x: Tensor, h?: Tensor): Tensor {
    return this.run(x, h ? { h } : undefined).h;
  }
}

/**
 * LSTM cell (gates i, f, g, o): c_t = f c_{t-1} + i g, h_t = o tanh(c_t). The cell state c is
 * kept inside the state; h is what the layer exposes.
 *
 * @example
 * ```ts
 * import { LSTMCell } from '@unroll/cells';
 * import { randn } from '@unroll/tensor';
 * const cell = new LSTMCell(4, 8, { forgetBias: 1 });
 * const s1 = cell.step(randn([2, 4]));     // { h: (2,8), c: (2,8) }
 * const s2 = cell.step(randn([2, 4]), s1);
 * ```
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, opts: ParamOptions = {}) {
    super('lstm', 'LSTMCell', inputSize, hiddenSize, opts);
  }

  /** x (B,D), state {h (B,H), c (B,H)} -> next state. */
  step(x: Tensor, state?: { h: Tensor; c: Tensor }): { h: Tensor; c: Tensor } {
    const s = this.run(x, state);
    return { h: s.h, c: s.c! };
  }
}

/**
 * GRU cell with PyTorch's formula (gates r, z, n; n = tanh(W_in x + b_in + r (W_hn h + b_hn))).
 *
 * @example
 * ```ts
 * import { GRUCell } from '@unroll/cells';
 * import { randn } from '@unroll/tensor';
 * const h = new GRUCell(4, 8).step(randn([2, 4])); // (2,8)
 * ```
 */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, opts: ParamOptions = {}) {
    super('gru', 'GRUCell', inputSize, hiddenSize, opts);
  }

  /** x (B,D), h (B,H) -> h (B,H). */
  step(x: Tensor, h?: Tensor): Tensor {
    return this.run(x, h ? { h } : undefined).h;
  }
}
