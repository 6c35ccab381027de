import { Embedding, type LayerOptions, Linear, Module } from '@unroll/autograd';
import { GRUCell, LSTMCell, RNNCell } from '@unroll/cells';
import { ArgumentError, concat, permute, stack, Tensor, tanh, zeros } from '@unroll/tensor';
import { AdditiveAttention } from './attention/additive.js';
import { createAttention } from './attention/index.js';
import type { Attention, AttentionKind, AttentionMemory } from './attention/types.js';
import { fusedAttentionDecoder } from './decoder-fused.js';
import type { RecurrentCell } from './encoder.js';

/** Options of `Decoder`. */
export interface DecoderOptions extends LayerOptions {
  cell?: RecurrentCell;
  /** Attention over the encoder outputs, or 'none' (default 'none'). */
  attention?: AttentionKind | 'none';
  /** Width of the encoder outputs the decoder attends to (needed with attention). */
  encoderSize?: number;
  /** Hidden width of additive attention (default: the decoder's hidden size). */
  attentionSize?: number;
  /**
   * Feed the attentional vector h~_{t-1} to the next step beside the embedding (Luong et al.).
   * Only with attention; default true there.
   */
  inputFeeding?: boolean;
  paddingIdx?: number;
}

/** The decoder's recurrent state: h (B,H), c (B,H) for the LSTM, and the fed attentional vector (B,H). */
export interface DecoderState {
  h: Tensor;
  c?: Tensor;
  /** h~_{t-1}, fed to the next step when input feeding is on. */
  feed?: Tensor;
}

/** One decoder step's result. */
export interface DecoderStep {
  /** (B,H) the vector projected to the logits: h~_t = tanh(W_c [c_t; h_t]) with attention, else h_t. */
  output: Tensor;
  state: DecoderState;
  /** (B,L) attention weights, with attention. */
  weights?: Tensor;
}

/**
 * A step-by-step decoder: embedding, a recurrent cell (`@unroll/cells`' LSTMCell, GRUCell or
 * RNNCell), optional attention with Luong's attentional layer h~_t = tanh(W_c [c_t; h_t]) and
 * input feeding, and the output projection to the vocabulary. The query of the attention is the
 * cell's new h_t. Parameters `embedding.weight`, `cell.weight_ih` ... (`nn.LSTMCell`),
 * `attention.*`, `W_c.weight` (`nn.Linear(K + H, H, bias=False)`), `out.weight`, `out.bias`.
 *
 * @example
 * ```ts
 * import { Decoder } from '@unroll/seq2seq';
 * import { tensor, zeros } from '@unroll/tensor';
 * const dec = new Decoder(12, 8, 16);
 * const { output, state } = dec.step(tensor([1, 1], undefined, 'int32'), dec.initialState({ h: zeros([2, 16]), c: zeros([2, 16]) }), null);
 * const logits = dec.out.forward(output); // (2,12)
 * ```
 */
export class Decoder extends Module {
  embedding: Embedding;
  cell: LSTMCell | GRUCell | RNNCell;
  attention: (Attention & Module) | null;
  W_c: Linear | null;
  out: Linear;
  readonly inputFeeding: boolean;
  readonly kind: RecurrentCell;

  constructor(readonly vocabSize: number, readonly embeddingSize: number, readonly hiddenSize: number, opts: DecoderOptions = {}) {
    super();
    const { cell = 'lstm', attention = 'none', encoderSize, attentionSize, paddingIdx, dtype, generator } = opts;
    const attends = attention !== 'none';
    const inputFeeding = opts.inputFeeding ?? attends;
    if (inputFeeding && !attends) throw new ArgumentError('Decoder: inputFeeding feeds the attentional vector and needs attention (attention is \'none\')');
    if (attends && encoderSize === undefined) throw new ArgumentError('Decoder: attention needs encoderSize (the width of the encoder outputs)');
    this.inputFeeding = inputFeeding;
    this.kind = cell;
    const lo = { dtype, generator };
    this.embedding = new Embedding(vocabSize, embeddingSize, { ...lo, paddingIdx });
    const inputSize = embeddingSize + (inputFeeding ? hiddenSize : 0);
    if (cell === 'lstm') this.cell = new LSTMCell(inputSize, hiddenSize, lo);
    else if (cell === 'gru') this.cell = new GRUCell(inputSize, hiddenSize, lo);
    else if (cell === 'rnn') this.cell = new RNNCell(inputSize, hiddenSize, lo);
    else throw new ArgumentError(`Decoder: cell must be 'lstm', 'gru' or 'rnn', got '${cell as string}'`);
    this.attention = attends ? createAttention(attention, hiddenSize, encoderSize!, { ...lo, attentionSize }) : null;
    this.W_c = attends ? new Linear(encoderSize! + hiddenSize, hiddenSize, { ...lo, bias: false }) : null;
    this.out = new Linear(hiddenSize, vocabSize, lo);
  }

  /** The state to start from, given h (and c) from the bridge; the fed vector starts at zero. */
  initialState(s: { h: Tensor; c?: Tensor }): DecoderState {
    const state: DecoderState = { h: s.h };
    if (this.kind === 'lstm') state.c = s.c ?? zeros(s.h.shape, { dtype: s.h.dtype });
    if (this.inputFeeding) state.feed = zeros(s.h.shape, { dtype: s.h.dtype });
    return state;
  }

  /** The attention memory of a batch of encoder outputs (B,L,K) and its (B,L) mask, or null without attention. */
  prepare(outputs: Tensor, mask: Tensor): AttentionMemory | null {
    return this.attention ? this.attention.prepare(outputs, mask) : null;
  }

  /**
   * Teacher-forced decoding of whole target batches: tokens (B,T) int32 fed step by step from
   * `state` -> the output vectors (T,B,H) and, with attention, the weights (T,B,L), time-major.
   * An LSTM cell with additive attention and input feeding (the defaults with attention) runs as
   * one fused autograd node (`fusedAttentionDecoder`); every other decoder runs `step` T times.
   * Both give the same values and gradients.
   */
  teacherForced(tokens: Tensor, state: DecoderState, memory: AttentionMemory | null): { outputs: Tensor; weights?: Tensor } {
    const [B, T] = tokens.shape as [number, number];
    const cell = this.cell;
    const att = this.attention;
    if (cell instanceof LSTMCell && att instanceof AdditiveAttention && this.inputFeeding && state.feed && state.c && memory && cell.bias_ih && cell.bias_hh) {
      return fusedAttentionDecoder({
        emb: this.embedding.forward(permute(tokens, [1, 0])), h0: state.h, c0: state.c!, feed0: state.feed!, values: memory.values, keys: memory.keys, mask: memory.mask,
        weightIh: cell.weight_ih, weightHh: cell.weight_hh, biasIh: cell.bias_ih, biasHh: cell.bias_hh, weightQ: att.W_q.weight, v: att.v.weight, weightC: this.W_c!.weight,
      });
    }
    const outputs: Tensor[] = [];
    const weights: Tensor[] = [];
    let s = state;
    for (let t = 0; t < T; t++) {
      const col = new Int32Array(B);
      for (let b = 0; b < B; b++) col[b] = tokens.data[b * T + t]!;
      const r = this.step(new Tensor(col, [B]), s, memory);
      s = r.state;
      outputs.push(r.output);
      if (r.weights) weights.push(r.weights);
    }
    return weights.length > 0 ? { outputs: stack(outputs, 0), weights: stack(weights, 0) } : { outputs: stack(outputs, 0) };
  }

  /** One step: previous tokens (B) int32 -> the output vector (B,H), the next state and the attention weights. */
  step(tokens: Tensor, state: DecoderState, memory: AttentionMemory | null): DecoderStep {
    const e = this.embedding.forward(tokens); // (B,E)
    const x = this.inputFeeding ? concat([e, state.feed!], 1) : e; // (B,E+H)
    let h: Tensor;
    let c: Tensor | undefined;
    if (this.cell instanceof LSTMCell) ({ h, c } = this.cell.step(x, { h: state.h, c: state.c! }));
    else h = this.cell.step(x, state.h);
    const next: DecoderState = c ? { h, c } : { h };
    if (!this.attention) return { output: h, state: next };
    if (!memory) throw new ArgumentError('Decoder.step: this decoder attends and needs the memory from prepare()');
    const { context, weights } = this.attention.attend(h, memory); // (B,K), (B,L)
    const output = tanh(this.W_c!.forward(concat([context, h], 1))); // (B,H)
    if (this.inputFeeding) next.feed = output;
    return { output, state: next, weights };
  }
}
