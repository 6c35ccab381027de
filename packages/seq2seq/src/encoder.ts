import { Embedding, type LayerOptions, Module } from '@unroll/autograd';
import { GRU, LSTM, type RecurrentLayer, type RecurrentState, RNN } from '@unroll/cells';
import { ArgumentError, formatShape, permute, ShapeError, Tensor } from '@unroll/tensor';

/** The recurrent cells an encoder or decoder can use. */
export type RecurrentCell = 'lstm' | 'gru' | 'rnn';

/** Options of `Encoder`. */
export interface EncoderOptions extends LayerOptions {
  cell?: RecurrentCell;
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout between recurrent layers (training mode only). */
  dropout?: number;
  /** Embedding row that stays zero and receives no gradient (the vocabulary's pad id). */
  paddingIdx?: number;
}

/** What `Encoder.forward` returns. */
export interface EncoderOutput {
  /** (B,L,H*dirs) outputs at every source position, zero on padding. */
  outputs: Tensor;
  /** Final state per layer and direction (L*dirs,B,H), at each row's true end. */
  state: RecurrentState;
}

/**
 * Checks a source batch: int32 ids (B,L) with B, L > 0 and lengths in [1, L], one per row
 * (ArgumentError, or ShapeError for a lengths count that is not B). Returns the lengths as an
 * Int32Array.
 *
 * @example
 * ```ts
 * import { checkSource } from '@unroll/seq2seq';
 * import { tensor } from '@unroll/tensor';
 * checkSource('translate', tensor([[4, 5, 0]], undefined, 'int32'), [2]); // Int32Array [2]
 * checkSource('translate', tensor([[4, 5, 0]], undefined, 'int32'), [4]); // throws ArgumentError
 * ```
 */
export function checkSource(name: string, src: Tensor, lengths: readonly number[] | Int32Array): Int32Array {
  if (!(src instanceof Tensor) || src.dtype !== 'int32' || src.ndim !== 2) {
    throw new ArgumentError(`${name}: the source must be int32 token ids (B,L), got ${src instanceof Tensor ? `${src.dtype} ${formatShape(src.shape)}` : typeof src}`);
  }
  const [B, L] = src.shape as [number, number];
  if (B === 0 || L === 0) throw new ArgumentError(`${name}: the source is empty ${formatShape(src.shape)}`);
  if (lengths.length !== B) throw new ShapeError(`${name}: ${lengths.length} source lengths for a batch of ${B}`);
  lengths.forEach((n, b) => {
    if (!Number.isInteger(n) || n < 1 || n > L) {
      throw new ArgumentError(`${name}: source lengths[${b}] = ${n} must be an integer in [1, ${L}] (L = ${L}; an empty source cannot be encoded)`);
    }
  });
  return Int32Array.from(lengths);
}

/**
 * Embedding plus a recurrent sequence layer of `@unroll/cells` (fused kernels, one call per
 * layer), over padded batches of variable-length sources. Parameters `embedding.weight` and
 * `rnn.weight_ih_l0` ... as PyTorch's `nn.Embedding` and `nn.LSTM`/`nn.GRU`/`nn.RNN`.
 *
 * @example
 * ```ts
 * import { Encoder } from '@unroll/seq2seq';
 * import { tensor } from '@unroll/tensor';
 * const enc = new Encoder(10, 8, 16, { bidirectional: true });
 * const { outputs, state } = enc.forward(tensor([[4, 5, 6], [7, 8, 0]], undefined, 'int32'), [3, 2]);
 * // outputs (2,3,32); state.h and state.c (2,2,16)
 * ```
 */
export class Encoder extends Module {
  embedding: Embedding;
  rnn: RecurrentLayer;
  readonly cell: RecurrentCell;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;

  constructor(readonly vocabSize: number, readonly embeddingSize: number, hiddenSize: number, opts: EncoderOptions = {}) {
    super();
    const { cell = 'lstm', numLayers = 1, bidirectional = false, dropout = 0, paddingIdx, dtype, generator } = opts;
    this.embedding = new Embedding(vocabSize, embeddingSize, { dtype, generator, paddingIdx });
    const rnnOpts = { numLayers, bidirectional, dropout, dtype, generator };
    if (cell === 'lstm') this.rnn = new LSTM(embeddingSize, hiddenSize, rnnOpts);
    else if (cell === 'gru') this.rnn = new GRU(embeddingSize, hiddenSize, rnnOpts);
    else if (cell === 'rnn') this.rnn = new RNN(embeddingSize, hiddenSize, rnnOpts);
    else throw new ArgumentError(`Encoder: cell must be 'lstm', 'gru' or 'rnn', got '${cell as string}'`);
    this.cell = cell;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bidirectional = bidirectional;
  }

  /** Width of the outputs: H, or 2H when bidirectional. */
  get outputSize(): number {
    return this.hiddenSize * (this.bidirectional ? 2 : 1);
  }

  /** src (B,L) int32 ids, lengths (B) -> outputs (B,L,H*dirs) and the final state. */
  forward(src: Tensor, lengths: readonly number[] | Int32Array): EncoderOutput {
    const lens = checkSource('Encoder', src, lengths);
    const x = this.embedding.forward(permute(src, [1, 0])); // (L,B,E), time-major for the fused kernels
    const { output, state } = this.rnn.forward(x, { lengths: lens });
    return { outputs: permute(output, [1, 0, 2]), state }; // (B,L,H*dirs)
  }
}
