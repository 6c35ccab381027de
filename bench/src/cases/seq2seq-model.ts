/**
 * Shared bits of the seq2seq cases: the model of issue #10 built with @unroll/seq2seq, and the
 * synthetic batch. python/torch_seq2seq.py builds the same shapes with the same length formula,
 * so both sides train on the same number of target tokens per step.
 */
import { Seq2Seq } from '@unroll/seq2seq';
import { Generator, Tensor } from '@unroll/tensor';
import type { Seq2SeqSpec } from '../types.js';

/** Pad, bos and eos ids of both vocabularies (the remaining ids are ordinary tokens). */
export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
/** Longest source and target (target counted with its eos). */
export const MAX_LEN = 12;

/** "emb 128, LSTM 256, additive attention" */
export function seq2seqLabel(m: Seq2SeqSpec): string {
  return `seq2seq emb ${m.embedding}, LSTM ${m.hidden}, additive attention, vocab ${m.srcVocab}→${m.tgtVocab}`;
}

/** Source length of row b: 8 to 12 (the same formula as python/torch_seq2seq.py). */
export const srcLength = (b: number): number => 8 + ((b * 7) % 5);
/** Target length of row b, eos included: 8 to 12. */
export const tgtLength = (b: number): number => 8 + ((b * 3) % 5);

/**
 * The benchmark's model: `Seq2Seq` with an LSTM encoder and decoder, additive attention of the
 * decoder's width and input feeding (the defaults with attention), float32, seeded weights.
 */
export function buildSeq2Seq(m: Seq2SeqSpec): Seq2Seq {
  return new Seq2Seq({
    srcVocabSize: m.srcVocab, tgtVocabSize: m.tgtVocab, embeddingSize: m.embedding, hiddenSize: m.hidden,
    cell: 'lstm', attention: 'additive', padId: PAD, seed: 1,
  });
}

/** Number of scalars in the model's parameters (printed beside PyTorch's count). */
export function parameterCount(model: Seq2Seq): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}

/** One padded training batch: src (B,12), tgtIn/tgtOut (B,12) int32, mask (B,12) float32. */
export interface Seq2SeqBatch {
  src: Tensor;
  srcLengths: Int32Array;
  tgtIn: Tensor;
  tgtOut: Tensor;
  mask: Tensor;
  /** Real target tokens (sum of the target lengths): what tokens/s counts. */
  tokens: number;
}

/** B synthetic pairs: random ordinary ids, lengths from `srcLength` / `tgtLength`. */
export function syntheticBatch(m: Seq2SeqSpec, B: number, g: Generator = new Generator(2)): Seq2SeqBatch {
  const L = MAX_LEN;
  const src = new Int32Array(B * L);
  const srcLengths = new Int32Array(B);
  const tgtIn = new Int32Array(B * L);
  const tgtOut = new Int32Array(B * L);
  const mask = new Float32Array(B * L);
  const draw = (vocab: number): number => 3 + Math.floor(g.random() * (vocab - 3));
  let tokens = 0;
  for (let b = 0; b < B; b++) {
    srcLengths[b] = srcLength(b);
    for (let l = 0; l < srcLengths[b]!; l++) src[b * L + l] = draw(m.srcVocab);
    const n = tgtLength(b);
    tokens += n;
    for (let t = 0; t < n; t++) {
      tgtOut[b * L + t] = t === n - 1 ? EOS : draw(m.tgtVocab);
      tgtIn[b * L + t] = t === 0 ? BOS : tgtOut[b * L + t - 1]!;
      mask[b * L + t] = 1;
    }
  }
  return {
    src: new Tensor(src, [B, L]), srcLengths, tgtIn: new Tensor(tgtIn, [B, L]), tgtOut: new Tensor(tgtOut, [B, L]),
    mask: new Tensor(mask, [B, L]), tokens,
  };
}
