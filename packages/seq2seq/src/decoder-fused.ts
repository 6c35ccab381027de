/**
 * The teacher-forced decoder as one autograd node (LSTM cell, additive attention, Luong's
 * attentional layer, input feeding): what `Decoder.step` composes op by op, T times, here one
 * forward loop over backend kernels and one hand-written backward loop. As in the fused encoder
 * (cuDNN's plan), the embedding part of the gate product runs for all steps at once, the
 * recurrent part is one (B,2H) x (2H,4H) product per step ([h~_{t-1}; h_{t-1}] against
 * [W_ih[:, E:] | W_hh]), and every weight gradient is one product over all T*B rows after the
 * backward loop instead of T products accumulated step by step.
 */
import { defineFunction } from '@unroll/autograd';
import { allocArray, type Backend, fillRows, gemmInto, getBackend, Tensor, type TypedArray, UnrollError, workArray } from '@unroll/tensor';
import { PAD_SCORE } from './attention/mask.js';

/** Sizes of one call: T steps, B rows, embedding E, hidden H, source L, values K, attention A. */
interface Sizes {
  T: number; B: number; E: number; H: number; L: number; K: number; A: number;
}

/** What forward keeps for backward (time-major, one block of B rows per step). */
interface Saved extends Sizes {
  /** (4H, 2H) [W_ih[:, E:] | W_hh]: the recurrent product's weights. */
  wZ: TypedArray;
  /** (T,B,2H) [h~_{t-1}; h_{t-1}], the recurrent product's inputs. */
  z: TypedArray;
  /** (T,B,4H) activated gates i, f, g, o. */
  gates: TypedArray;
  /** (T,B,H) c_{t-1} and tanh(c_t). */
  cPrev: TypedArray;
  tanhC: TypedArray;
  /** (T,B,H) h_t, the attention query. */
  hs: TypedArray;
  /** (T,B,L,A) tanh(W_k k + b_k + W_q h_t). */
  hid: TypedArray;
  /** (T,B,L) attention weights (exactly 0 on padding). */
  attn: TypedArray;
  /** (T,B,K+H) [context_t; h_t], the attentional layer's input. */
  u: TypedArray;
  /** (T,B,H) h~_t = tanh(W_c u_t). */
  out: TypedArray;
}

/** Runs fn with the arrays promised unchanged (a WASM backend then copies them once, not per call). */
function readOnly<R>(be: Backend, arrays: TypedArray[], fn: () => R): R {
  return be.withReadOnly ? be.withReadOnly(arrays, fn) : fn();
}

/**
 * Forward. Inputs: emb (T,B,E), h0 (B,H), c0 (B,H), feed0 (B,H) (h~_{-1}), values (B,L,K), keys (B,L,A), mask (B,L),
 * W_ih (4H,E+H), W_hh (4H,H), b_ih (4H), b_hh (4H), W_q (A,H), v (1,A), W_c (H,K+H).
 * Outputs: h~ (T,B,H) and the attention weights (T,B,L).
 */
function forward([emb, h0, c0, feed0, values, keys, mask, wIh, wHh, bIh, bHh, wQ, v, wC]: readonly Tensor[]): { outputs: Tensor[]; ctx: Saved } {
  const [T, B, E] = emb!.shape as [number, number, number];
  const H = h0!.shape[1]!;
  const [, L, K] = values!.shape as [number, number, number];
  const A = keys!.shape[2]!;
  const G = 4 * H;
  const Z = 2 * H;
  const U = K + H;
  const dtype = emb!.dtype;
  const be = getBackend();
  const wZ = allocArray(dtype, G * Z); // (4H,2H) = [W_ih[:, E:] | W_hh]
  for (let r = 0; r < G; r++) {
    wZ.set(wIh!.data.subarray(r * (E + H) + E, (r + 1) * (E + H)), r * Z);
    wZ.set(wHh!.data.subarray(r * H, (r + 1) * H), r * Z + H);
  }
  // gates (T*B,4H) = emb W_ih[:, :E]^T + b_ih + b_hh, all steps in one product
  const gates = allocArray(dtype, T * B * G);
  for (let j = 0; j < G; j++) gates[j] = bIh!.data[j]! + bHh!.data[j]!;
  fillRows(gates, T * B, G);
  gemmInto(be, { a: emb!.data, b: wIh!.data, c: gates, m: T * B, n: G, k: E, transB: true, ldb: E + H, beta: 1 });
  const z = allocArray(dtype, T * B * Z);
  const cPrev = allocArray(dtype, T * B * H);
  const tanhC = allocArray(dtype, T * B * H);
  const hs = allocArray(dtype, T * B * H);
  const hid = allocArray(dtype, T * B * L * A);
  const attn = allocArray(dtype, T * B * L);
  const u = allocArray(dtype, T * B * U);
  const out = allocArray(dtype, T * B * H);
  const cLast = allocArray(dtype, B * H);
  const q = allocArray(dtype, B * A);
  const scores = allocArray(dtype, B * L);
  const vals = values!.data;
  const m = mask!.data;
  cPrev.set(c0!.data);
  readOnly(be, [wZ, wQ!.data, v!.data, wC!.data, keys!.data, vals], () => {
    for (let t = 0; t < T; t++) {
      const bh = t * B * H;
      // z_t = [h~_{t-1}; h_{t-1}]
      for (let b = 0; b < B; b++) {
        const zo = (t * B + b) * Z;
        z.set(t > 0 ? out.subarray(bh - B * H + b * H, bh - B * H + (b + 1) * H) : feed0!.data.subarray(b * H, (b + 1) * H), zo);
        z.set(t > 0 ? hs.subarray(bh - B * H + b * H, bh - B * H + (b + 1) * H) : h0!.data.subarray(b * H, (b + 1) * H), zo + H);
      }
      gemmInto(be, { a: z, aOffset: t * B * Z, b: wZ, c: gates, cOffset: t * B * G, m: B, n: G, k: Z, transB: true, beta: 1 });
      const cNext = t + 1 < T ? cPrev.subarray(bh + B * H, bh + 2 * B * H) : cLast;
      be.lstmForward(B, H, gates.subarray(t * B * G, (t + 1) * B * G), cPrev.subarray(bh, bh + B * H), cNext, hs.subarray(bh, bh + B * H), tanhC.subarray(bh, bh + B * H));
      // additive attention: hid (B,L,A) = tanh(keys + W_q h_t), scores (B,L) = hid v^T
      gemmInto(be, { a: hs, aOffset: bh, b: wQ!.data, c: q, m: B, n: A, k: H, transB: true });
      const hidT = hid.subarray(t * B * L * A, (t + 1) * B * L * A);
      be.binary('add', keys!.data, [L * A, A, 1], q, [A, 0, 1], hidT, [B, L, A]);
      be.unary('tanh', hidT, hidT);
      gemmInto(be, { a: hidT, b: v!.data, c: scores, m: B * L, n: 1, k: A, transB: true });
      const a0 = t * B * L;
      maskedSoftmaxRows(scores, m, attn, a0, B, L);
      // u_t = [context; h_t], context = Σ_l a_l values_l; h~_t = tanh(W_c u_t)
      for (let b = 0; b < B; b++) {
        const uo = (t * B + b) * U;
        gemmInto(be, { a: attn, aOffset: a0 + b * L, b: vals, bOffset: b * L * K, c: u, cOffset: uo, m: 1, n: K, k: L }); // (1,L) (L,K)
        u.set(hs.subarray(bh + b * H, bh + (b + 1) * H), uo + K);
      }
      gemmInto(be, { a: u, aOffset: t * B * U, b: wC!.data, c: out, cOffset: bh, m: B, n: H, k: U, transB: true });
      const outT = out.subarray(bh, bh + B * H);
      be.unary('tanh', outT, outT);
    }
  });
  return {
    outputs: [new Tensor(out, [T, B, H]), new Tensor(attn, [T, B, L])],
    ctx: { T, B, E, H, L, K, A, wZ, z, gates, cPrev, tanhC, hs, hid, attn, u, out },
  };
}

/** attn[a0 + b*L + l] = softmax over l of the scores with padding at PAD_SCORE, times the mask. */
function maskedSoftmaxRows(scores: TypedArray, mask: TypedArray, attn: TypedArray, a0: number, B: number, L: number): void {
  for (let b = 0; b < B; b++) {
    let max = -Infinity;
    for (let l = 0; l < L; l++) {
      const s = mask[b * L + l] !== 0 ? scores[b * L + l]! : PAD_SCORE;
      scores[b * L + l] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let l = 0; l < L; l++) {
      const e = Math.exp(scores[b * L + l]! - max);
      attn[a0 + b * L + l] = e;
      sum += e;
    }
    for (let l = 0; l < L; l++) attn[a0 + b * L + l] = (attn[a0 + b * L + l]! / sum) * mask[b * L + l]!;
  }
}

/** out[i] = a[aOffset + i] + b[i] for i < out.length. */
function addArrays(a: TypedArray, aOffset: number, b: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = a[aOffset + i]! + b[i]!;
}

/** dst (rows,width) += columns [col, col + width) of src (rows, stride). */
function addRows(src: TypedArray, col: number, stride: number, dst: TypedArray, rows: number, width: number): void {
  for (let r = 0; r < rows; r++) {
    const s0 = r * stride + col;
    const d0 = r * width;
    for (let j = 0; j < width; j++) dst[d0 + j]! += src[s0 + j]!;
  }
}

/**
 * Masked softmax backward in place on the B rows of L at a0: dS holds dA (the weights' gradient,
 * plus dAttn's when given) and becomes ds_l = a_l (dA_l - Σ_l a_l dA_l), 0 on padding (there
 * a = p * mask with p exactly 0).
 */
function softmaxBackwardRows(attn: TypedArray, dS: TypedArray, dAttn: TypedArray | null, a0: number, B: number, L: number): void {
  for (let b = 0; b < B; b++) {
    const r0 = a0 + b * L;
    let dot = 0;
    for (let i = r0; i < r0 + L; i++) {
      if (dAttn) dS[i]! += dAttn[i]!;
      dot += attn[i]! * dS[i]!;
    }
    for (let i = r0; i < r0 + L; i++) dS[i] = attn[i] === 0 ? 0 : attn[i]! * (dS[i]! - dot);
  }
}

/**
 * Backward, the mirror image: the time loop from T-1 down carries dh, dc and the gradient of the
 * fed vector, keeping the per-step gradients of the gates, of W_c's output, of the query and of
 * the scores; then each weight gradient is one product over all steps.
 */
function backward(s: Saved, [dOut, dAttn]: readonly (Tensor | null)[], inputs: readonly Tensor[]): (Tensor | null)[] {
  const [emb, h0, , , values, keys, , wIh, , , , wQ, v, wC] = inputs;
  const { T, B, E, H, L, K, A, wZ, z, gates, cPrev, tanhC, hs, hid, attn, u, out } = s;
  const G = 4 * H;
  const Z = 2 * H;
  const U = K + H;
  const dtype = emb!.dtype;
  const be = getBackend();
  // scratch that dies with this call is reused work memory (contents undefined: each is written before it is read)
  const dGates = workArray(dtype, 'decoder:dGates', T * B * G);
  const dPre = workArray(dtype, 'decoder:dPre', T * B * H);
  const dQ = workArray(dtype, 'decoder:dQ', T * B * A);
  const dS = workArray(dtype, 'decoder:dS', T * B * L);
  const dValues = allocArray(dtype, B * L * K);
  const dKeys = allocArray(dtype, B * L * A);
  const dh = allocArray(dtype, B * H); // into h_t from the steps after t
  const dc = allocArray(dtype, B * H);
  const dFeed = allocArray(dtype, B * H); // into h~_t from step t+1's input
  const du = workArray(dtype, 'decoder:du', B * U);
  const dz = workArray(dtype, 'decoder:dz', B * Z);
  const dhid = workArray(dtype, 'decoder:dhid', B * L * A);
  const one = allocArray(dtype, 1).fill(1);
  const vals = values!.data;
  const vv = v!.data;
  readOnly(be, [wZ, wQ!.data, wC!.data, vals], () => {
    for (let t = T - 1; t >= 0; t--) {
      const bh = t * B * H;
      // dPre = (dOut_t + dFeed) * (1 - h~_t^2)
      const dPreT = dPre.subarray(bh, bh + B * H);
      if (dOut) addArrays(dOut.data, bh, dFeed, dPreT);
      else dPreT.set(dFeed);
      be.activationBackward('tanh', out.subarray(bh, bh + B * H), dPreT, dPreT);
      // du (B,K+H) = dPre W_c: the context's gradient, and h_t's through the attentional layer
      gemmInto(be, { a: dPre, aOffset: bh, b: wC!.data, c: du, m: B, n: U, k: H });
      const a0 = t * B * L;
      addRows(du, K, U, dh, B, H); // h_t's gradient through the attentional layer
      for (let b = 0; b < B; b++) {
        const uo = b * U;
        // dA (1,L) = dcontext (1,K) values^T (K,L) (+ the weights' own gradient); dvalues (L,K) += a^T dcontext
        gemmInto(be, { a: du, aOffset: uo, b: vals, bOffset: b * L * K, c: dS, cOffset: a0 + b * L, m: 1, n: L, k: K, transB: true });
        gemmInto(be, { a: attn, aOffset: a0 + b * L, lda: 1, b: du, bOffset: uo, ldb: U, c: dValues, cOffset: b * L * K, m: L, n: K, k: 1, beta: 1 });
      }
      softmaxBackwardRows(attn, dS, dAttn ? dAttn.data : null, a0, B, L);
      // dhid (B,L,A) = ds v * (1 - hid^2); dkeys += dhid (a rank-1 product, beta 1); dq_t = Σ_l dhid
      const o = t * B * L * A;
      be.binary('mul', dS.subarray(a0, a0 + B * L), [1, 0], vv, [0, 1], dhid, [B * L, A]);
      be.activationBackward('tanh', hid.subarray(o, o + B * L * A), dhid, dhid);
      be.reduce('sum', dhid, B, L, A, dQ.subarray(t * B * A, (t + 1) * B * A));
      gemmInto(be, { a: one, b: dhid, c: dKeys, m: 1, n: B * L * A, k: 1, beta: 1 });
      gemmInto(be, { a: dQ, aOffset: t * B * A, b: wQ!.data, c: dh, m: B, n: H, k: A, beta: 1 }); // dh += dq W_q
      // the cell: dGates_t, and dc flows to c_{t-1}
      be.lstmBackward(B, H, gates.subarray(t * B * G, (t + 1) * B * G), cPrev.subarray(bh, bh + B * H), tanhC.subarray(bh, bh + B * H), dh, dc, dGates.subarray(t * B * G, (t + 1) * B * G));
      // dz (B,2H) = dGates_t [W_ih[:, E:] | W_hh]: into h~_{t-1} and h_{t-1}
      gemmInto(be, { a: dGates, aOffset: t * B * G, b: wZ, c: dz, m: B, n: Z, k: G });
      for (let b = 0; b < B; b++) {
        dFeed.set(dz.subarray(b * Z, b * Z + H), b * H);
        dh.set(dz.subarray(b * Z + H, (b + 1) * Z), b * H);
      }
    }
  });
  // weight gradients, one product each over all T*B rows
  const TB = T * B;
  const dWih = allocArray(dtype, G * (E + H)); // (4H,E+H): [dGates^T emb | dGates^T h~_{t-1}]
  gemmInto(be, { a: dGates, b: emb!.data, c: dWih, m: G, n: E, k: TB, transA: true, ldc: E + H });
  gemmInto(be, { a: dGates, b: z, c: dWih, cOffset: E, m: G, n: H, k: TB, transA: true, ldb: Z, ldc: E + H });
  const dWhh = allocArray(dtype, G * H); // (4H,H) = dGates^T h_{t-1}
  gemmInto(be, { a: dGates, b: z, bOffset: H, c: dWhh, m: G, n: H, k: TB, transA: true, ldb: Z });
  const ones = allocArray(dtype, TB).fill(1);
  const db = allocArray(dtype, G); // column sums of dGates: ones (1,T*B) dGates (T*B,4H)
  gemmInto(be, { a: ones, b: dGates, c: db, m: 1, n: G, k: TB });
  const dWq = allocArray(dtype, A * H); // (A,H) = dQ^T h_t
  gemmInto(be, { a: dQ, b: hs, c: dWq, m: A, n: H, k: TB, transA: true });
  const dv = allocArray(dtype, A); // (1,A) = dS (1,T*B*L) hid (T*B*L,A)
  gemmInto(be, { a: dS, b: hid, c: dv, m: 1, n: A, k: TB * L });
  const dWc = allocArray(dtype, H * U); // (H,K+H) = dPre^T u
  gemmInto(be, { a: dPre, b: u, c: dWc, m: H, n: U, k: TB, transA: true });
  let dEmb: Tensor | null = null;
  if (emb!.requiresGrad) {
    const d = allocArray(dtype, TB * E); // (T*B,E) = dGates W_ih[:, :E]
    gemmInto(be, { a: dGates, b: wIh!.data, c: d, m: TB, n: E, k: G, ldb: E + H });
    dEmb = new Tensor(d, [T, B, E]);
  }
  return [
    dEmb, new Tensor(dh, h0!.shape), new Tensor(dc, h0!.shape), new Tensor(dFeed, h0!.shape), new Tensor(dValues, values!.shape), new Tensor(dKeys, keys!.shape), null,
    new Tensor(dWih, [G, E + H]), new Tensor(dWhh, [G, H]), new Tensor(db, [G]), new Tensor(db.slice(), [G]),
    new Tensor(dWq, [A, H]), new Tensor(dv, [1, A]), new Tensor(dWc, [H, U]),
  ];
}

const fused = defineFunction<Saved>({ name: 'fused_attention_decoder', forward: (xs) => forward(xs), backward: (ctx, g, xs) => backward(ctx, g, xs) });

/** The inputs of `fusedAttentionDecoder`. */
export interface FusedDecoderInputs {
  /** (T,B,E) embeddings of the fed tokens, time-major. */
  emb: Tensor;
  /** (B,H) initial state, and the initial fed vector h~_{-1} (zeros at the start of a sequence). */
  h0: Tensor;
  c0: Tensor;
  feed0: Tensor;
  /** (B,L,K) encoder outputs, (B,L,A) their projection W_k values + b_k, (B,L) mask. */
  values: Tensor;
  keys: Tensor;
  mask: Tensor;
  /** The LSTMCell's weights: (4H,E+H), (4H,H), (4H), (4H). */
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor;
  biasHh: Tensor;
  /** Additive attention's W_q (A,H) and v (1,A); the attentional layer's W_c (H,K+H). */
  weightQ: Tensor;
  v: Tensor;
  weightC: Tensor;
}

/**
 * The whole teacher-forced decoder (LSTM cell fed [embedding; h~_{t-1}], additive attention with
 * the new h_t as query, h~_t = tanh(W_c [context; h_t])) as one differentiable node. Returns h~
 * (T,B,H) and the attention weights (T,B,L), time-major; equal to `Decoder.step` run T times
 * (tests hold the two equal).
 *
 * @example
 * ```ts
 * // inside Decoder.teacherForced: const { outputs, weights } = fusedAttentionDecoder({ emb, h0, c0, ... });
 * ```
 */
export function fusedAttentionDecoder(x: FusedDecoderInputs): { outputs: Tensor; weights: Tensor } {
  const [T, B, E] = x.emb.shape as [number, number, number];
  const H = x.h0.shape[1]!;
  if (x.weightIh.shape[1] !== E + H || x.c0.shape[1] !== H || x.h0.shape[0] !== B || x.values.shape[0] !== B) {
    throw new UnrollError(`fusedAttentionDecoder: inconsistent shapes (emb (${T},${B},${E}), h0 (${x.h0.shape}), W_ih (${x.weightIh.shape}), values (${x.values.shape}))`);
  }
  const [outputs, weights] = fused([x.emb, x.h0, x.c0, x.feed0, x.values, x.keys, x.mask, x.weightIh, x.weightHh, x.biasIh, x.biasHh, x.weightQ, x.v, x.weightC], undefined);
  return { outputs: outputs!, weights: weights! };
}
