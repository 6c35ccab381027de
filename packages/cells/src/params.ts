import { init, Parameter } from '@unroll/autograd';
import { ArgumentError, type CellKind, type DType, defaultGenerator, type Generator, gateWidth, zeros } from '@unroll/tensor';

/** Options shared by cells and sequence layers. */
export interface ParamOptions {
  /** Add bias vectors (PyTorch's `bias`). Default true. */
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
  /**
   * LSTM only: initial value of the forget-gate bias (the lecture's trick: start with forget
   * gates near 1 so that gradients flow through the cell state). Default: PyTorch's uniform init.
   */
  forgetBias?: number;
}

/** Creates one layer-direction's parameters with PyTorch's init U(-1/sqrt(H), 1/sqrt(H)). */
export function createCellParams(kind: CellKind, inputSize: number, hiddenSize: number, opts: ParamOptions) {
  const { bias = true, dtype = 'float32', generator = defaultGenerator, forgetBias } = opts;
  const G = gateWidth(kind, hiddenSize);
  const k = 1 / Math.sqrt(hiddenSize);
  const u = (shape: number[]) => new Parameter(init.uniform_(zeros(shape, { dtype }), -k, k, { generator }));
  const weightIh = u([G, inputSize]);
  const weightHh = u([G, hiddenSize]);
  const biasIh = bias ? u([G]) : null;
  const biasHh = bias ? u([G]) : null;
  if (forgetBias !== undefined) {
    if (kind !== 'lstm') throw new ArgumentError(`forgetBias applies to LSTM layers only, not ${kind}`);
    if (!biasIh || !biasHh) throw new ArgumentError('LSTM: forgetBias needs bias=true');
    biasIh.data.fill(forgetBias, hiddenSize, 2 * hiddenSize);
    biasHh.data.fill(0, hiddenSize, 2 * hiddenSize);
  }
  return { weightIh, weightHh, biasIh, biasHh };
}

