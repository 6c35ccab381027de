// The time loops of one recurrent layer and direction, as a forward/backward pair over a
// backend's step kernels (llm.c style: backward is the mirror image of forward and reads exactly
// what forward saved). The input projection x W_ih^T before the forward loop and the weight
// gradients after the backward loop are single large products that the caller runs (cuDNN's
// split); inside the loops only the recurrent product h W_hh^T and the fused gate kernels run.
// G = gateWidth(kind, H): 4H (LSTM), 3H (GRU), H (RNN).
import { readOnlyDuring } from '../backend.js';
import type { Backend, RecurrentBackwardArgs, RecurrentForwardArgs } from '../backend-contract.js';
import { gateWidth } from '../cell-kind.js';
import type { TypedArray } from '../dtype.js';
import { dtypeOfArray } from '../dtype.js';
import { gemmInto } from '../gemm-into.js';
import { copyRows, fillRows, zeroRows } from '../rows.js';
import { workArray } from '../work-arrays.js';

/**
 * Rows of a batch that are past their sequence's end at time t (null when none or no lengths).
 *
 * @example
 * ```ts
 * import { maskedRows } from '@unroll/tensor';
 * maskedRows(Int32Array.from([3, 1]), 2); // [1]
 * ```
 */
export function maskedRows(lengths: Int32Array | undefined, t: number): number[] | null {
  if (lengths === undefined) return null;
  const rows: number[] = [];
  for (let b = 0; b < lengths.length; b++) if (t >= lengths[b]!) rows.push(b);
  return rows.length > 0 ? rows : null;
}

/**
 * The forward time loop of a recurrent layer over a backend's step kernels: per step, only
 * h W_hh^T (one gemm) and the fused gate kernel; W_hh is declared read-only for the loop
 * (`Backend.withReadOnly`). What `Backend.recurrentForward` does, for backends without it.
 *
 * @example
 * ```ts
 * import { jsBackend, recurrentForwardLoop } from '@unroll/tensor';
 * const T = 2, B = 1, H = 1;
 * const gates = new Float64Array(T * B * 4 * H); // x W_ih^T + b, here 0
 * const h = new Float64Array(B * H), c = new Float64Array(B * H), y = new Float64Array(T * B * H);
 * recurrentForwardLoop(jsBackend(), {
 *   kind: 'lstm', T, B, H, reverse: false, gates, wHh: new Float64Array(4 * H * H).fill(0.5),
 *   bHh: new Float64Array(4 * H), gh: null, ghStride: 0, h, c, y,
 *   hPrev: null, cPrev: null, tanhC: new Float64Array(B * H), tanhStride: 0,
 * });
 * ```
 */
export function recurrentForwardLoop(be: Backend, a: RecurrentForwardArgs): void {
  const { kind, T, B, H, gates, wHh, bHh, gh, h, c, y, hPrev, cPrev, tanhC, lengths } = a;
  const G = gateWidth(kind, H);
  const dtype = dtypeOfArray(h)!;
  const hNew = workArray(dtype, 'recurrentForwardLoop:hNew', B * H); // (B,H)
  const cNew = workArray(dtype, 'recurrentForwardLoop:cNew', B * H); // (B,H)
  // (B,G) += h (B,H) W_hh^T (G,H)^T
  const recurrentProduct = (out: TypedArray, off: number): void =>
    gemmInto(be, { a: h, b: wHh, c: out, cOffset: off, m: B, n: G, k: H, transB: true, beta: 1 });
  const loop = (): void => {
    for (let s = 0; s < T; s++) {
      const t = a.reverse ? T - 1 - s : s;
      const g0 = t * B * G;
      const s0 = t * B * H;
      hPrev?.set(h, s0); // (B,H) saved into (T,B,H)
      const gt = gates.subarray(g0, g0 + B * G); // (B,G)
      if (kind === 'lstm') {
        cPrev?.set(c, s0);
        recurrentProduct(gates, g0);
        const tc = t * a.tanhStride;
        be.lstmForward(B, H, gt, c, cNew, hNew, tanhC!.subarray(tc, tc + B * H));
      } else if (kind === 'gru') {
        // gh (B,G) = b_hh + h W_hh^T, kept apart from the input part (PyTorch's n gate)
        const o = t * a.ghStride;
        const ght = gh!.subarray(o, o + B * G);
        ght.set(bHh.subarray(0, G));
        fillRows(ght, B, G);
        recurrentProduct(gh!, o);
        be.gruForward(B, H, gt, ght, h, hNew);
      } else {
        recurrentProduct(gates, g0);
        be.unary(kind === 'rnn_tanh' ? 'tanh' : 'relu', gt, hNew);
        gt.set(hNew);
      }
      const masked = maskedRows(lengths, t);
      if (masked) {
        // past the end: the state carries through unchanged and the output is zero
        copyRows(h, 0, hNew, 0, masked, H);
        copyRows(c, 0, cNew, 0, masked, H);
      }
      y.set(hNew, s0);
      if (masked) zeroRows(y, s0, masked, H);
      h.set(hNew);
      if (kind === 'lstm') c.set(cNew);
    }
  };
  // W_hh is read by every step: a backend that copies its inputs copies it once
  readOnlyDuring(be, [wHh], loop);
}

/**
 * The backward time loop, the mirror image of `recurrentForwardLoop`: steps in the opposite
 * order, per step the fused gate backward kernel and one product dGates W_hh into dh_{t-1}.
 * Writes the gradients of the gate pre-activations (dGates, and dGh for the GRU), from which
 * the caller gets every weight gradient in one product each; dh (and dc) go from the final state's
 * gradient to the initial state's. With `dhNorms`, records ||dL/dh_t|| per step. What
 * `Backend.recurrentBackward` does, for backends without it.
 *
 * @example
 * ```ts
 * import { jsBackend, recurrentBackwardLoop } from '@unroll/tensor';
 * const T = 2, B = 1, H = 1, G = 4 * H;
 * const dh = new Float64Array(B * H), dc = new Float64Array(B * H), dhNorms = new Float64Array(T);
 * recurrentBackwardLoop(jsBackend(), {
 *   kind: 'lstm', T, B, H, reverse: false,
 *   gates: new Float64Array(T * B * G).fill(0.5), gh: null, hPrev: new Float64Array(T * B * H),
 *   cPrev: new Float64Array(T * B * H), tanhC: new Float64Array(T * B * H), wHh: new Float64Array(G * H).fill(0.1),
 *   dy: new Float64Array(T * B * H).fill(1), dh, dc, dGates: new Float64Array(T * B * G), dGh: null, dhNorms,
 * });
 * console.log(dhNorms); // ||dL/dh_t|| for t = 0, 1
 * ```
 */
export function recurrentBackwardLoop(be: Backend, a: RecurrentBackwardArgs): void {
  const { kind, T, B, H, gates, gh, hPrev, cPrev, tanhC, wHh, dy, dh, dc, dGates, dGh, dhNorms, lengths } = a;
  const G = gateWidth(kind, H);
  const dtype = dtypeOfArray(dh)!;
  const dhPrev = workArray(dtype, 'recurrentBackwardLoop:dhPrev', B * H); // (B,H)
  const dcKept = workArray(dtype, 'recurrentBackwardLoop:dcKept', B * H); // (B,H)
  // dhPrev (B,H) (+)= dg (B,G) W_hh (G,H)
  const intoPrevState = (dg: TypedArray, beta: number): void => gemmInto(be, { a: dg, b: wHh, c: dhPrev, m: B, n: H, k: G, beta });
  const loop = (): void => {
    for (let s = T - 1; s >= 0; s--) {
      const t = a.reverse ? T - 1 - s : s;
      const g0 = t * B * G;
      const s0 = t * B * H;
      const masked = maskedRows(lengths, t);
      if (dy) {
        // dh += dy_t; outputs past a sequence's end are constant zeros: their gradient goes nowhere
        for (let b = 0; b < B; b++) {
          if (lengths !== undefined && t >= lengths[b]!) continue;
          for (let i = b * H; i < (b + 1) * H; i++) dh[i] = dh[i]! + dy[s0 + i]!;
        }
      }
      if (dhNorms) {
        let n2 = 0;
        for (let i = 0; i < B * H; i++) n2 += dh[i]! * dh[i]!;
        dhNorms[t] = Math.sqrt(n2);
      }
      if (masked && dc) copyRows(dc, 0, dcKept, 0, masked, H);
      const gt = gates.subarray(g0, g0 + B * G); // (B,G)
      const dgt = dGates.subarray(g0, g0 + B * G); // (B,G)
      if (kind === 'lstm') {
        be.lstmBackward(B, H, gt, cPrev!.subarray(s0, s0 + B * H), tanhC!.subarray(s0, s0 + B * H), dh, dc!, dgt);
        if (masked) zeroRows(dgt, 0, masked, G);
        intoPrevState(dgt, 0);
      } else if (kind === 'gru') {
        // the direct path z * dh goes into dhPrev first, then dGh W_hh is added
        dhPrev.fill(0);
        const dght = dGh!.subarray(g0, g0 + B * G);
        be.gruBackward(B, H, gt, gh!.subarray(g0, g0 + B * G), hPrev.subarray(s0, s0 + B * H), dh, dgt, dght, dhPrev);
        if (masked) {
          zeroRows(dgt, 0, masked, G);
          zeroRows(dght, 0, masked, G);
        }
        intoPrevState(dght, 1);
      } else {
        be.activationBackward(kind === 'rnn_tanh' ? 'tanh' : 'relu', gt, dh, dgt);
        if (masked) zeroRows(dgt, 0, masked, G);
        intoPrevState(dgt, 0);
      }
      if (masked) {
        // padded steps pass the state's gradient through untouched
        copyRows(dh, 0, dhPrev, 0, masked, H);
        if (dc) copyRows(dcKept, 0, dc, 0, masked, H);
      }
      dh.set(dhPrev);
    }
  };
  // W_hh is read by every step
  readOnlyDuring(be, [wHh], loop);
}
