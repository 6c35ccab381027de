import { defineFunction, isGradEnabled } from '@unroll/autograd';
import {
  allocArray, copyRows, fillRows, getBackend, maskedRows, type RecurrentForwardArgs, readOnlyDuring, recurrentForwardLoop,
  Tensor, type TypedArray, workArray, zeroRows,
} from '@unroll/tensor';
import { stepGradientSink } from './probe.js';

/** The recurrent cell kinds, with their number of gates. */
export type CellKind = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

export const GATES: Record<CellKind, number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

/** Static settings of one fused sequence call. */
export interface FusedConfig {
  kind: CellKind;
  reverse: boolean;
  /** Valid length of each batch row (undefined: all T). */
  lengths?: Int32Array;
  /** Name reported to a gradient-flow probe. */
  label?: string;
}

interface Saved {
  T: number; B: number; D: number; H: number; G: number;
  /** Activated gates per time step (T,B,G); for the GRU the activated r,z,n. */
  gates: TypedArray;
  /** GRU only: h W_hh^T + b_hh per step (T,B,3H). */
  gh?: TypedArray;
  /** State fed into each time step (T,B,H), and for the LSTM the cell state (T,B,H). */
  hPrev: TypedArray;
  cPrev?: TypedArray;
  /** LSTM only: tanh(c_t) (T,B,H). (The RNN's h_t stays in `gates`, its activated pre-activations.) */
  tanhC?: TypedArray;
}

function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: TypedArray, aOff: number, b: TypedArray, bOff: number, beta: number, c: TypedArray, cOff: number, lda?: number, ldb?: number): void {
  getBackend().gemm({
    transA, transB, m, n, k, alpha: 1,
    a, aOffset: aOff, lda: lda ?? (transA ? m : k),
    b, bOffset: bOff, ldb: ldb ?? (transB ? k : n),
    beta, c, cOffset: cOff, ldc: n,
  });
}

/**
 * Forward of a whole sequence for one layer and direction, cuDNN style: the input projection of
 * all steps in one product, only h W_hh^T inside the time loop, gates fused in one kernel.
 * Inputs: x (T,B,D), h0 (B,H), c0 (B,H) (LSTM; zeros otherwise), W_ih (G*H,D), W_hh (G*H,H),
 * b_ih (G*H), b_hh (G*H). Outputs: y (T,B,H), hN (B,H), cN (B,H).
 */
function forward(cfg: FusedConfig, save: boolean, [x, h0, c0, wIh, wHh, bIh, bHh]: readonly Tensor[]): { outputs: Tensor[]; ctx: Saved } {
  const [T, B, D] = x!.shape as [number, number, number];
  const H = h0!.shape[1]!;
  const G = GATES[cfg.kind] * H;
  const dtype = x!.dtype;
  const be = getBackend();
  const isGru = cfg.kind === 'gru';
  const isLstm = cfg.kind === 'lstm';
  // What backward reads is allocated per call when it will run (save), else reused work memory.
  const keep = (slot: string, n: number): TypedArray => (save ? allocArray(dtype, n) : workArray(dtype, `fused:${slot}`, n));
  // (T*B, G) = x (T*B, D) W_ih^T, plus both biases (GRU: b_ih only; b_hh goes with gh)
  const gates = keep('gates', T * B * G);
  if (isGru) gates.set(bIh!.data, 0);
  else for (let j = 0; j < G; j++) gates[j] = bIh!.data[j]! + bHh!.data[j]!;
  fillRows(gates, T * B, G);
  gemm(false, true, T * B, G, D, x!.data, 0, wIh!.data, 0, 1, gates, 0);
  const gh = isGru ? (save ? allocArray(dtype, T * B * G) : workArray(dtype, 'fused:gh', B * G)) : null;
  // (T,B,H) per-step inputs are saved for backward only; inference keeps one step's worth
  const hPrev = save ? allocArray(dtype, T * B * H) : null;
  const cPrev = save && isLstm ? allocArray(dtype, T * B * H) : null;
  const tanhC = isLstm ? (save ? allocArray(dtype, T * B * H) : workArray(dtype, 'fused:tanhC', B * H)) : null;
  const y = allocArray(dtype, T * B * H);
  const h = allocArray(dtype, B * H);
  const c = allocArray(dtype, B * H);
  h.set(h0!.data);
  c.set(c0!.data);
  const args: RecurrentForwardArgs = {
    kind: cfg.kind, T, B, H, reverse: cfg.reverse, gates, wHh: wHh!.data, bHh: bHh!.data,
    gh, ghStride: save ? B * G : 0, h, c, y, hPrev, cPrev, tanhC, tanhStride: save ? B * H : 0, lengths: cfg.lengths,
  };
  // the time loop: in one native call where the backend has one, else step by step from here
  if (be.recurrentForward) be.recurrentForward(args);
  else recurrentForwardLoop(be, args);
  // (without save, ctx is never read: defineFunction records no node)
  const saved: Saved = { T, B, D, H, G, gates, gh: gh ?? undefined, hPrev: hPrev ?? gates, cPrev: cPrev ?? undefined, tanhC: tanhC ?? undefined };
  return {
    outputs: [new Tensor(y, [T, B, H]), new Tensor(h, [B, H]), new Tensor(c, [B, H])],
    ctx: saved,
  };
}

function backward(cfg: FusedConfig, ctx: Saved, [dy, dhN, dcN]: readonly (Tensor | null)[], [x, h0, , wIh, wHh]: readonly Tensor[]): (Tensor | null)[] {
  const { T, B, D, H, G, gates, gh, hPrev, cPrev, tanhC } = ctx;
  const dtype = x!.dtype;
  const be = getBackend();
  const isGru = cfg.kind === 'gru';
  const dGates = allocArray(dtype, T * B * G);
  const dGh = isGru ? allocArray(dtype, T * B * G) : undefined;
  const dh = allocArray(dtype, B * H);
  const dc = allocArray(dtype, B * H);
  const dhPrev = allocArray(dtype, B * H);
  if (dhN) dh.set(dhN.data);
  if (dcN) dc.set(dcN.data);
  const sink = stepGradientSink();
  // W_hh again read by every step
  readOnlyDuring(be, [wHh!.data], () => {
    for (let s = T - 1; s >= 0; s--) {
      const t = cfg.reverse ? T - 1 - s : s;
      const g0 = t * B * G;
      const s0 = t * B * H;
      const masked = maskedRows(cfg.lengths, t);
      if (dy) {
        // outputs past a sequence's end are constant zeros: their gradient goes nowhere
        const d = dy.data;
        for (let b = 0; b < B; b++) {
          if (cfg.lengths !== undefined && t >= cfg.lengths[b]!) continue;
          for (let i = b * H; i < (b + 1) * H; i++) dh[i] = dh[i]! + d[s0 + i]!;
        }
      }
      if (sink && cfg.label !== undefined) {
        let n2 = 0;
        for (let i = 0; i < B * H; i++) n2 += dh[i]! * dh[i]!;
        sink.record(cfg.label, t, Math.sqrt(n2));
      }
      const dgt = dGates.subarray(g0, g0 + B * G);
      const dcSaved = masked ? dc.slice() : undefined;
      if (cfg.kind === 'lstm') {
        be.lstmBackward(B, H, gates.subarray(g0, g0 + B * G), cPrev!.subarray(s0, s0 + B * H), tanhC!.subarray(s0, s0 + B * H), dh, dc, dgt);
        if (masked) zeroRows(dgt, 0, masked, G);
        gemm(false, false, B, H, G, dgt, 0, wHh!.data, 0, 0, dhPrev, 0);
      } else if (isGru) {
        dhPrev.fill(0);
        const dght = dGh!.subarray(g0, g0 + B * G);
        be.gruBackward(B, H, gates.subarray(g0, g0 + B * G), gh!.subarray(g0, g0 + B * G), hPrev.subarray(s0, s0 + B * H), dh, dgt, dght, dhPrev);
        if (masked) { zeroRows(dgt, 0, masked, G); zeroRows(dght, 0, masked, G); }
        gemm(false, false, B, H, G, dght, 0, wHh!.data, 0, 1, dhPrev, 0);
      } else {
        be.activationBackward(cfg.kind === 'rnn_tanh' ? 'tanh' : 'relu', gates.subarray(g0, g0 + B * G), dh, dgt);
        if (masked) zeroRows(dgt, 0, masked, G);
        gemm(false, false, B, H, G, dgt, 0, wHh!.data, 0, 0, dhPrev, 0);
      }
      if (masked) {
        // padded steps pass the state's gradient through untouched
        copyRows(dh, 0, dhPrev, 0, masked, H);
        copyRows(dcSaved!, 0, dc, 0, masked, H);
      }
      dh.set(dhPrev);
    }
  });
  // weight gradients in one product each, after the loop
  const dWih = allocArray(dtype, G * D);
  gemm(true, false, G, D, T * B, dGates, 0, x!.data, 0, 0, dWih, 0);
  const dWhh = allocArray(dtype, G * H);
  gemm(true, false, G, H, T * B, isGru ? dGh! : dGates, 0, hPrev, 0, 0, dWhh, 0);
  // the input's gradient only when something upstream needs it (not for one-hot inputs)
  let dx: TypedArray | null = null;
  if (x!.requiresGrad) {
    dx = allocArray(dtype, T * B * D);
    gemm(false, false, T * B, D, G, dGates, 0, wIh!.data, 0, 0, dx, 0);
  }
  const dbIh = columnSums(dGates, T * B, G, dtype);
  const dbHh = isGru ? columnSums(dGh!, T * B, G, dtype) : dbIh;
  return [
    dx === null ? null : new Tensor(dx, [T, B, D]),
    new Tensor(dh, h0!.shape),
    cfg.kind === 'lstm' ? new Tensor(dc, h0!.shape) : null,
    new Tensor(dWih, [G, D]),
    new Tensor(dWhh, [G, H]),
    new Tensor(dbIh, [G]),
    new Tensor(dbHh === dbIh ? dbIh.slice() : dbHh, [G]),
  ];
}

/** Column sums of a (rows, cols) matrix as one product: ones(1, rows) @ a. */
function columnSums(a: TypedArray, rows: number, cols: number, dtype: Tensor['dtype']): TypedArray {
  const out = allocArray(dtype, cols);
  const ones = allocArray(dtype, rows).fill(1);
  gemm(false, false, 1, cols, rows, ones, 0, a, 0, 0, out, 0);
  return out;
}

/**
 * One differentiable node for a whole sequence of one layer in one direction (hand-written
 * BPTT). Returns [y (T,B,H), hN (B,H), cN (B,H)]; cN is meaningful for the LSTM only.
 *
 * @example
 * ```ts
 * import { fusedSequence } from '@unroll/cells';
 * const [y, hN, cN] = fusedSequence({ kind: 'lstm', reverse: false }, [x, h0, c0, wIh, wHh, bIh, bHh]);
 * ```
 */
export function fusedSequence(cfg: FusedConfig, inputs: readonly Tensor[]): Tensor[] {
  // the same test defineFunction makes: whether backward can ever run
  const save = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  return defineFunction<Saved>({
    name: `fused_${cfg.kind}${cfg.reverse ? '_reverse' : ''}`,
    forward: (xs) => forward(cfg, save, xs),
    backward: (ctx, g, xs) => backward(cfg, ctx, g, xs),
  })(inputs);
}
