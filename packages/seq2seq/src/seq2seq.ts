import { type LayerOptions, Module, noGrad } from '@unroll/autograd';
import {
  ArgumentError, argmax, type DType, formatShape, Generator, indexSelect, permute, ShapeError, stack, Tensor,
} from '@unroll/tensor';
import { sourceMask } from './attention/mask.js';
import type { AttentionKind, AttentionMemory } from './attention/types.js';
import { Bridge } from './bridge.js';
import type { StepModel } from './decode/types.js';
import { Decoder, type DecoderState } from './decoder.js';
import { checkSource, Encoder, type RecurrentCell } from './encoder.js';
import { sequenceLoss } from './losses.js';

/** The shape of a `Seq2Seq` model (saved with checkpoints). */
export interface Seq2SeqConfig {
  srcVocabSize: number;
  tgtVocabSize: number;
  /** Embedding width of both sides (default 64). */
  embeddingSize?: number;
  /** Encoder hidden width per direction (default 128). */
  hiddenSize?: number;
  /** Decoder hidden width (default: hiddenSize). */
  decoderHiddenSize?: number;
  cell?: RecurrentCell;
  encoderLayers?: number;
  bidirectional?: boolean;
  /** Dropout between encoder layers (training mode only). */
  dropout?: number;
  attention?: AttentionKind | 'none';
  attentionSize?: number;
  /** Input feeding (default: on with attention). */
  inputFeeding?: boolean;
  /** Pad id of both vocabularies: its embedding rows stay zero (default 0). */
  padId?: number;
  dtype?: DType;
  /** Seeds the initial weights and the scheduled-sampling coin (default 0). */
  seed?: number;
}

/** Options of `Seq2Seq.forward` and `loss`. */
export interface TeacherForcingOptions {
  /**
   * Probability of feeding the true previous token (1, the default: always, teacher forcing).
   * Below 1, scheduled sampling: each row at each step t >= 1 feeds the model's own greedy token
   * with probability 1 - ratio, drawn from `generator` (default: the model's seeded generator).
   */
  teacherForcing?: number;
  generator?: Generator;
}

/** What `Seq2Seq.forward` returns. */
export interface Seq2SeqOutput {
  /** (B,T,V) next-token logits at every target step. */
  logits: Tensor;
  /** (B,T,L) attention weights, with attention. */
  attention?: Tensor;
}

/** A decoding state of `Seq2Seq.stepModel`: the decoder's state plus the attention memory of its rows. */
export interface Seq2SeqState extends DecoderState {
  memory: AttentionMemory | null;
}

/**
 * Encoder-decoder model: `Encoder` over the source, `Bridge` from its final state to the
 * decoder's initial state, `Decoder` (with optional attention and input feeding) over the target.
 * Training runs the encoder's fused sequence layers once per layer, and the teacher-forced decoder
 * as one fused node (LSTM cell, additive attention, input feeding) or else step by step.
 * `stepModel` gives the decoding toolkit's `StepModel`. Parameter names mirror PyTorch modules
 * (`encoder.embedding.weight`, `encoder.rnn.weight_ih_l0`, `bridge.h.weight`,
 * `decoder.cell.weight_ih`, `decoder.attention.W_q.weight`, `decoder.W_c.weight`, `decoder.out.weight`).
 *
 * @example
 * ```ts
 * import { Seq2Seq } from '@unroll/seq2seq';
 * import { tensor } from '@unroll/tensor';
 * const model = new Seq2Seq({ srcVocabSize: 10, tgtVocabSize: 10, embeddingSize: 8, hiddenSize: 16, attention: 'additive' });
 * const src = tensor([[4, 5, 6], [7, 8, 0]], undefined, 'int32');
 * const tgtIn = tensor([[1, 6, 5], [1, 8, 7]], undefined, 'int32');
 * const tgtOut = tensor([[6, 5, 2], [8, 7, 2]], undefined, 'int32');
 * const loss = model.loss(src, [3, 2], tgtIn, tgtOut, tensor([[1, 1, 1], [1, 1, 1]]), { labelSmoothing: 0.1 });
 * loss.backward();
 * ```
 */
export class Seq2Seq extends Module {
  encoder: Encoder;
  bridge: Bridge;
  decoder: Decoder;
  readonly config: Required<Omit<Seq2SeqConfig, 'attentionSize' | 'inputFeeding'>> & Pick<Seq2SeqConfig, 'attentionSize' | 'inputFeeding'>;
  /** Draws the scheduled-sampling coins when no generator is given. */
  generator: Generator;

  constructor(config: Seq2SeqConfig) {
    super();
    const c = {
      embeddingSize: 64, hiddenSize: 128, cell: 'lstm' as RecurrentCell, encoderLayers: 1, bidirectional: false, dropout: 0,
      attention: 'additive' as AttentionKind | 'none', padId: 0, dtype: 'float32' as DType, seed: 0, ...config,
    };
    const full = { ...c, decoderHiddenSize: config.decoderHiddenSize ?? c.hiddenSize };
    this.config = full;
    const gen = new Generator(full.seed);
    const lo: LayerOptions = { dtype: full.dtype, generator: gen };
    this.encoder = new Encoder(full.srcVocabSize, full.embeddingSize, full.hiddenSize, {
      ...lo, cell: full.cell, numLayers: full.encoderLayers, bidirectional: full.bidirectional, dropout: full.dropout, paddingIdx: full.padId,
    });
    const lstm = full.cell === 'lstm';
    this.bridge = new Bridge({ hiddenSize: full.hiddenSize, numLayers: full.encoderLayers, bidirectional: full.bidirectional, hasCell: lstm }, full.decoderHiddenSize, lstm, lo);
    this.decoder = new Decoder(full.tgtVocabSize, full.embeddingSize, full.decoderHiddenSize, {
      ...lo, cell: full.cell, attention: full.attention, encoderSize: this.encoder.outputSize, attentionSize: full.attentionSize,
      inputFeeding: full.inputFeeding, paddingIdx: full.padId,
    });
    this.generator = new Generator(full.seed + 1);
  }

  /** Runs the encoder and the bridge: the decoder's initial state and attention memory. */
  encode(src: Tensor, srcLengths: readonly number[] | Int32Array): Seq2SeqState {
    const lens = checkSource('Seq2Seq', src, srcLengths);
    const { outputs, state } = this.encoder.forward(src, lens); // (B,L,K)
    const memory = this.decoder.prepare(outputs, sourceMask(lens, src.shape[1]!, outputs.dtype as DType));
    return { ...this.decoder.initialState(this.bridge.forward(state)), memory };
  }

  /**
   * Teacher-forced (or scheduled-sampling) pass: src (B,L) and tgtIn (B,T) int32 ids -> logits
   * (B,T,V) and, with attention, the weights (B,T,L).
   */
  forward(src: Tensor, srcLengths: readonly number[] | Int32Array, tgtIn: Tensor, opts: TeacherForcingOptions = {}): Seq2SeqOutput {
    const ratio = opts.teacherForcing ?? 1;
    if (!(ratio >= 0 && ratio <= 1)) throw new ArgumentError(`Seq2Seq: teacherForcing must be in [0, 1], got ${ratio}`);
    checkSource('Seq2Seq', src, srcLengths);
    const B = src.shape[0]!;
    checkTarget('tgtIn', tgtIn, B);
    const T = tgtIn.shape[1]!;
    let state = this.encode(src, srcLengths);
    if (ratio === 1) {
      // teacher forcing: the whole target in one call (one fused node where the decoder has one)
      const r = this.decoder.teacherForced(tgtIn, state, state.memory); // (T,B,H), (T,B,L)
      const logits = permute(this.decoder.out.forward(r.outputs), [1, 0, 2]); // (B,T,V)
      return r.weights ? { logits, attention: permute(r.weights, [1, 0, 2]) } : { logits };
    }
    // scheduled sampling: step by step, each step's input depending on the last step's logits
    const gen = opts.generator ?? this.generator;
    const weights: Tensor[] = [];
    const logits: Tensor[] = [];
    let prev: Tensor | null = null; // (B,V) the previous step's logits
    for (let t = 0; t < T; t++) {
      const tokens = new Int32Array(B);
      for (let b = 0; b < B; b++) tokens[b] = tgtIn.data[b * T + t]!;
      if (prev) {
        const guess = argmax(prev.detach(), 1).data; // (B) the model's greedy tokens
        for (let b = 0; b < B; b++) if (gen.random() >= ratio) tokens[b] = guess[b]!;
      }
      const r = this.decoder.step(new Tensor(tokens, [B]), state, state.memory);
      state = { ...r.state, memory: state.memory };
      if (r.weights) weights.push(r.weights);
      prev = this.decoder.out.forward(r.output); // (B,V)
      logits.push(prev);
    }
    const all = stack(logits, 1); // (B,T,V)
    return weights.length > 0 ? { logits: all, attention: stack(weights, 1) } : { logits: all };
  }

  /**
   * Masked token-level cross-entropy (mean over the real target tokens, tgtMask 1) of the
   * teacher-forced (or scheduled-sampling) pass, with optional label smoothing.
   */
  loss(
    src: Tensor, srcLengths: readonly number[] | Int32Array, tgtIn: Tensor, tgtOut: Tensor, tgtMask: Tensor,
    opts: TeacherForcingOptions & { labelSmoothing?: number } = {},
  ): Tensor {
    checkSource('Seq2Seq', src, srcLengths);
    const B = src.shape[0]!;
    checkTarget('tgtIn', tgtIn, B);
    checkTarget('tgtOut', tgtOut, B, tgtIn.shape[1]);
    if (tgtMask.ndim !== 2 || tgtMask.shape[0] !== B || tgtMask.shape[1] !== tgtIn.shape[1]) {
      throw new ShapeError(`Seq2Seq: tgtMask must be (${B},${tgtIn.shape[1]}) like tgtIn, got ${formatShape(tgtMask.shape)}`);
    }
    const { logits } = this.forward(src, srcLengths, tgtIn, opts);
    return sequenceLoss(logits, tgtOut, tgtMask, { labelSmoothing: opts.labelSmoothing });
  }

  /**
   * The decoding toolkit's view of this model for one batch of sources: `init` is the state
   * after encoding (one row per source), `model.step` feeds one token per row and returns the
   * logits (N,V) and the attention weights (N,L); `model.select` reorders rows (beam search).
   * Runs without recording gradients.
   */
  stepModel(src: Tensor, srcLengths: readonly number[] | Int32Array): { model: StepModel<Seq2SeqState>; init: Seq2SeqState } {
    const init = noGrad(() => this.encode(src, srcLengths));
    const decoder = this.decoder;
    const model: StepModel<Seq2SeqState> = {
      step(tokens, state) {
        return noGrad(() => {
          const r = decoder.step(new Tensor(Int32Array.from(tokens), [tokens.length]), state, state.memory);
          const logits = decoder.out.forward(r.output); // (N,V)
          const next = { ...r.state, memory: state.memory };
          return r.weights ? { logits, state: next, attention: r.weights } : { logits, state: next };
        });
      },
      select(state, rows) {
        const idx = new Tensor(Int32Array.from(rows), [rows.length]);
        const pick = (t: Tensor): Tensor => indexSelect(t, 0, idx);
        const out: Seq2SeqState = { h: pick(state.h), memory: null };
        if (state.c) out.c = pick(state.c);
        if (state.feed) out.feed = pick(state.feed);
        if (state.memory) out.memory = { values: pick(state.memory.values), keys: pick(state.memory.keys), mask: pick(state.memory.mask) };
        return out;
      },
    };
    return { model, init };
  }
}

/** Checks (B,T) int32 target ids with T > 0 (and T = expectT when given). */
function checkTarget(what: string, t: Tensor, B: number, expectT?: number): void {
  if (!(t instanceof Tensor) || t.dtype !== 'int32' || t.ndim !== 2) {
    throw new ArgumentError(`Seq2Seq: ${what} must be int32 token ids (B,T), got ${t instanceof Tensor ? `${t.dtype} ${formatShape(t.shape)}` : typeof t}`);
  }
  if (t.shape[0] !== B) throw new ShapeError(`Seq2Seq: ${what} has batch ${t.shape[0]}, the source has ${B}`);
  if (t.shape[1] === 0) throw new ArgumentError(`Seq2Seq: ${what} is empty ${formatShape(t.shape)}`);
  if (expectT !== undefined && t.shape[1] !== expectT) throw new ShapeError(`Seq2Seq: ${what} ${formatShape(t.shape)} must have tgtIn's length ${expectT}`);
}
