import { Embedding, Linear, Module } from '@unroll/autograd';
import { GRU, LSTM, type RecurrentLayer, type RecurrentState, RNN } from '@unroll/cells';
import { ArgumentError, checkPositiveInt, type Generator, oneHot, type Tensor } from '@unroll/tensor';

/** Architecture of a character language model. */
export interface CharLMConfig {
  vocabSize: number;
  cell: 'lstm' | 'gru' | 'rnn';
  hidden: number;
  layers: number;
  /** Dropout between recurrent layers. */
  dropout: number;
  /** Embedding size; 0 feeds one-hot vectors (the lecture's choice). */
  embed: number;
  /** LSTM forget-gate bias at initialisation. */
  forgetBias?: number;
}

/** Throws an ArgumentError naming the first invalid field. */
export function validateCharLMConfig(c: CharLMConfig): void {
  checkPositiveInt('charlm', 'vocabSize', c.vocabSize);
  checkPositiveInt('charlm', 'hidden', c.hidden);
  checkPositiveInt('charlm', 'layers', c.layers);
  if (!['lstm', 'gru', 'rnn'].includes(c.cell)) throw new ArgumentError(`charlm: cell must be lstm, gru or rnn, got '${c.cell}'`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new ArgumentError(`charlm: dropout must be in [0, 1), got ${c.dropout}`);
  if (!Number.isInteger(c.embed) || c.embed < 0) throw new ArgumentError(`charlm: embed must be 0 (one-hot) or a positive integer, got ${c.embed}`);
}

/**
 * Embedding (or one-hot) -> RNN | LSTM | GRU -> Linear: logits over the next character.
 *
 * @example
 * ```ts
 * import { CharLM } from '@unroll/tasks';
 * import { tensor } from '@unroll/tensor';
 * const lm = new CharLM({ vocabSize: 5, cell: 'lstm', hidden: 32, layers: 1, dropout: 0, embed: 0 });
 * const { logits } = lm.forward(tensor([[1], [2]], undefined, 'int32')); // (T=2,B=1,5)
 * ```
 */
export class CharLM extends Module {
  embedding: Embedding | null;
  rnn: RecurrentLayer;
  head: Linear;

  constructor(readonly config: CharLMConfig, opts: { generator?: Generator } = {}) {
    super();
    validateCharLMConfig(config);
    const { vocabSize: V, hidden: H, layers, dropout, embed, cell, forgetBias } = config;
    const g = opts.generator;
    this.embedding = embed > 0 ? new Embedding(V, embed, { generator: g }) : null;
    const D = embed > 0 ? embed : V;
    const common = { numLayers: layers, dropout, generator: g };
    this.rnn = cell === 'lstm' ? new LSTM(D, H, { ...common, forgetBias }) : cell === 'gru' ? new GRU(D, H, common) : new RNN(D, H, common);
    this.head = new Linear(H, V, { generator: g });
  }

  /** ids (T,B) int32 -> logits (T,B,V) and the final state. */
  forward(ids: Tensor, state?: RecurrentState): { logits: Tensor; state: RecurrentState } {
    const x = this.embedding ? this.embedding.forward(ids) : oneHot(ids, this.config.vocabSize);
    const { output, state: next } = this.rnn.forward(x, { state });
    return { logits: this.head.forward(output), state: next };
  }
}
