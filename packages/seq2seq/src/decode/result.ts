import { ShapeError, Tensor } from '@unroll/tensor';
import type { StepOutput } from './types.js';

/** One decoded sequence. */
export interface Hypothesis {
  /** The generated tokens, without bos and without the final eos (see `eos`). */
  tokens: Int32Array;
  /** True when the sequence ended with eos (then eos is not in `tokens`), false when it reached maxLength. */
  eos: boolean;
  /**
   * Sum of the log-probabilities of the generated tokens, eos included when it ended with eos,
   * under the model's softmax over the allowed (not suppressed) tokens at temperature 1.
   */
  score: number;
  /**
   * The score the hypotheses were ranked by: for beam search `score / ((5 + len) / 6) ** alpha`
   * (GNMT's length normalisation, len = steps taken, eos included; alpha = `lengthPenalty`);
   * for greedy decoding and sampling the score itself.
   */
  normalizedScore: number;
  /**
   * (T,L) attention weights: row t is the attention of the step that produced token t (the last
   * row that of eos, when it ended with eos), T = tokens.length + (eos ? 1 : 0). Present when
   * the model returns attention.
   */
  attention?: Tensor;
}

/** What `decode` returns for one batch row: its best hypothesis, and the n best. */
export interface DecodeResult extends Hypothesis {
  /** The `nBest` best hypotheses, best first (beam search; fewer when fewer exist); the one hypothesis otherwise. */
  hypotheses: Hypothesis[];
}

/** Stacks per-step attention rows (each L long) into a (T,L) float32 tensor. */
export function stackAttention(rows: readonly Float32Array[], L: number): Tensor {
  const out = new Float32Array(rows.length * L);
  for (let t = 0; t < rows.length; t++) out.set(rows[t]!, t * L);
  return new Tensor(out, [rows.length, L]);
}

/**
 * Checks one step's output for n rows: logits (n,V) with V the same at every step, attention
 * (n,L) at every step or at none, with L the same at every step. Returns [V, L] (L = -1 without attention).
 */
export function checkStepOutput(out: StepOutput<unknown>, n: number, step: number, V: number, L: number): [number, number] {
  const where = `decode: step ${step}`;
  const s = out?.logits?.shape;
  if (s?.length !== 2 || s[0] !== n || (V >= 0 && s[1] !== V)) {
    throw new ShapeError(`${where}: logits must be (${n},${V >= 0 ? V : 'V'}) for ${n} input rows, got ${s ? `(${s.join(',')})` : String(out?.logits)}`);
  }
  if (step > 1 && (out.attention === undefined) !== (L < 0)) {
    throw new ShapeError(`${where}: the model returned attention ${L < 0 ? 'only from this step on' : 'at earlier steps but not at this one'}`);
  }
  if (out.attention === undefined) return [s[1]!, -1];
  const a = out.attention.shape;
  if (a.length !== 2 || a[0] !== n || (L >= 0 && a[1] !== L)) {
    throw new ShapeError(`${where}: attention must be (${n},${L >= 0 ? L : 'L'}), got (${a.join(',')})`);
  }
  return [s[1]!, a[1]!];
}
