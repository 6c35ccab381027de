import { type LayerOptions, Linear, Module } from '@unroll/autograd';
import type { RecurrentState } from '@unroll/cells';
import { concat, slice, type Tensor, tanh, zeros } from '@unroll/tensor';

/** Describes the encoder whose final state a `Bridge` maps. */
export interface BridgeSource {
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** Whether the encoder's state has a cell state c (LSTM). */
  hasCell: boolean;
}

/**
 * Maps an encoder's final state to a decoder's initial state. It takes the last layer's final
 * state (the concatenation of both directions' when bidirectional), and applies
 * tanh(W x + b) when the sizes differ or the encoder is bidirectional, else passes it through.
 * An LSTM decoder's c comes the same way from the encoder's c (zeros when the encoder has none).
 * Parameters `h.weight`, `h.bias`, `c.weight`, `c.bias` (when mapped).
 *
 * @example
 * ```ts
 * import { Bridge } from '@unroll/seq2seq';
 * import { randn } from '@unroll/tensor';
 * const bridge = new Bridge({ hiddenSize: 8, numLayers: 1, bidirectional: true, hasCell: true }, 12, true);
 * const s = bridge.forward({ h: randn([2, 3, 8]), c: randn([2, 3, 8]) }); // h, c (3,12)
 * ```
 */
export class Bridge extends Module {
  h: Linear | null;
  c: Linear | null;
  readonly inSize: number;

  constructor(readonly source: BridgeSource, readonly outSize: number, readonly withCell: boolean, opts: LayerOptions = {}) {
    super();
    this.inSize = source.hiddenSize * (source.bidirectional ? 2 : 1);
    const mapped = this.inSize !== outSize || source.bidirectional;
    this.h = mapped ? new Linear(this.inSize, outSize, opts) : null;
    this.c = mapped && withCell && source.hasCell ? new Linear(this.inSize, outSize, opts) : null;
  }

  /** Final state (layers*dirs,B,H) -> initial decoder state h (B,outSize) (and c). */
  forward(state: RecurrentState): { h: Tensor; c?: Tensor } {
    const h = this.map(this.lastLayer(state.h), this.h);
    if (!this.withCell) return { h };
    const c = state.c ? this.map(this.lastLayer(state.c), this.c) : zeros(h.shape, { dtype: h.dtype });
    return { h, c };
  }

  /** (layers*dirs,B,H) -> (B,H*dirs): the last layer, directions concatenated. */
  private lastLayer(s: Tensor): Tensor {
    const dirs = this.source.bidirectional ? 2 : 1;
    const top = (this.source.numLayers - 1) * dirs;
    const parts = [];
    for (let d = 0; d < dirs; d++) parts.push(slice(s, [top + d]));
    return parts.length === 1 ? parts[0]! : concat(parts, 1);
  }

  private map(x: Tensor, layer: Linear | null): Tensor {
    return layer ? tanh(layer.forward(x)) : x;
  }
}
