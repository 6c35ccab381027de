import { defineFunction, isGradEnabled } from '@unroll/autograd';
import {
  allocArray, type CellKind, fillRows, gateWidth, gemmInto, getBackend, type RecurrentBackwardArgs, type RecurrentForwardArgs,
  recurrentBackwardLoop, recurrentForwardLoop, Tensor, type TypedArray, UnrollError, workArray,
} from '@unroll/tensor';
import { stepGradientSink } from './probe.js';

/** Static settings of one fused sequence call. */
export interface FusedConfig {
  kind: CellKind;
  reverse: boolean;
  /** Valid length of each batch row (undefined: all T). */
  lengths?: Int32Array;
  /** Name reported to a gradient-flow probe. */
  label?: string;
}

/** What forward saves for backward (nothing under inference: no node is recorded). */
interface Saved {
  T: number; B: number; D: number; H: number; G: number;
  /** Activated gates per time step (T,B,G); for the GRU the activated r,z,n. */
  gates: TypedArray;
  /** GRU only: h W_hh^T + b_hh per step (T,B,G). */
  gh: TypedArray | null;
  /** State fed into each time step (T,B,H). */
  hPrev: TypedArray;
  /** LSTM only: the cell state fed into each step (T,B,H) and tanh(c_t) (T,B,H). */
  cPrev: TypedArray | null;
  tanhC: TypedArray | null;
}

/**
 * Forward of a whole sequence for one layer and direction, cuDNN style: the input projection of
 * all steps in one product, only h W_hh^T inside the time loop, gates fused in one kernel.
 * Inputs: x (T,B,D), h0 (B,H), c0 (B,H) (LSTM; zeros otherwise), W_ih (G,D), W_hh (G,H),
 * b_ih (G), b_hh (G), G = gateWidth(kind, H). Outputs: y (T,B,H), hN (B,H), cN (B,H).
 * Saves what backward reads when `save`, else nothing.
 */
function forward(cfg: FusedConfig, save: boolean, [x, h0, c0, wIh, wHh, bIh, bHh]: readonly Tensor[]): { outputs: Tensor[]; ctx: Saved | null } {
  const [T, B, D] = x!.shape as [number, number, number];
  const H = h0!.shape[1]!;
  const G = gateWidth(cfg.kind, H);
  const dtype = x!.dtype;
  const be = getBackend();
  const isGru = cfg.kind === 'gru';
  const isLstm = cfg.kind === 'lstm';
  // What backward reads is allocated per call when it will run (save), else reused work memory.
  const keep = (slot: string, n: number): TypedArray => (save ? allocArray(dtype, n) : workArray(dtype, `fused:${slot}`, n));
  // gates (T*B,G) = x (T*B,D) W_ih^T, plus both biases (GRU: b_ih only; b_hh goes with gh)
  const gates = keep('gates', T * B * G);
  if (isGru) gates.set(bIh!.data, 0);
  else for (let j = 0; j < G; j++) gates[j] = bIh!.data[j]! + bHh!.data[j]!;
  fillRows(gates, T * B, G);
  gemmInto(be, { a: x!.data, b: wIh!.data, c: gates, m: T * B, n: G, k: D, transB: true, beta: 1 });
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
  return {
    outputs: [new Tensor(y, [T, B, H]), new Tensor(h, [B, H]), new Tensor(c, [B, H])],
    ctx: hPrev ? { T, B, D, H, G, gates, gh, hPrev, cPrev, tanhC } : null,
  };
}

/**
 * Backward, the mirror image: the time loop (one native call where the backend has one) gives
 * the gates' gradients dGates (T,B,G) (and dGh for the GRU) and dh0, dc0; then every weight
 * gradient is one product over all T*B rows, as the input projection was in forward.
 */
function backward(cfg: FusedConfig, ctx: Saved | null, [dy, dhN, dcN]: readonly (Tensor | null)[], [x, h0, , wIh, wHh]: readonly Tensor[]): (Tensor | null)[] {
  if (ctx === null) throw new UnrollError('fusedSequence: backward of a forward that saved nothing (it ran without gradients)');
  const { T, B, D, H, G, gates, gh, hPrev, cPrev, tanhC } = ctx;
  const dtype = x!.dtype;
  const be = getBackend();
  const isGru = cfg.kind === 'gru';
  const isLstm = cfg.kind === 'lstm';
  const dGates = allocArray(dtype, T * B * G); // (T,B,G)
  const dGh = isGru ? allocArray(dtype, T * B * G) : null; // (T,B,G)
  const dh = allocArray(dtype, B * H); // (B,H): dhN in, dh0 out
  const dc = isLstm ? allocArray(dtype, B * H) : null; // (B,H): dcN in, dc0 out
  if (dhN) dh.set(dhN.data);
  if (dc && dcN) dc.set(dcN.data);
  const { label } = cfg;
  const sink = label === undefined ? undefined : stepGradientSink();
  const dhNorms = sink ? new Float64Array(T) : null; // (T) ||dL/dh_t||
  const args: RecurrentBackwardArgs = {
    kind: cfg.kind, T, B, H, reverse: cfg.reverse, gates, gh, hPrev, cPrev, tanhC, wHh: wHh!.data,
    dy: dy ? dy.data : null, dh, dc, dGates, dGh, dhNorms, lengths: cfg.lengths,
  };
  if (be.recurrentBackward) be.recurrentBackward(args);
  else recurrentBackwardLoop(be, args);
  if (sink && label !== undefined && dhNorms) {
    // to the gradient-flow probe, in the loop's order (last step first)
    for (let s = T - 1; s >= 0; s--) {
      const t = cfg.reverse ? T - 1 - s : s;
      sink.record(label, t, dhNorms[t]!);
    }
  }
  // weight gradients in one product each, after the loop
  const dGhh = dGh ?? dGates; // the gradient of h W_hh^T: (T*B,G)
  const dWih = allocArray(dtype, G * D); // (G,D) = dGates^T (G,T*B) x (T*B,D)
  gemmInto(be, { a: dGates, b: x!.data, c: dWih, m: G, n: D, k: T * B, transA: true });
  const dWhh = allocArray(dtype, G * H); // (G,H) = dGhh^T (G,T*B) hPrev (T*B,H)
  gemmInto(be, { a: dGhh, b: hPrev, c: dWhh, m: G, n: H, k: T * B, transA: true });
  // the input's gradient only when something upstream needs it (not for one-hot inputs)
  let dx: TypedArray | null = null;
  if (x!.requiresGrad) {
    dx = allocArray(dtype, T * B * D); // (T*B,D) = dGates (T*B,G) W_ih (G,D)
    gemmInto(be, { a: dGates, b: wIh!.data, c: dx, m: T * B, n: D, k: G });
  }
  const dbIh = columnSums(dGates, T * B, G, dtype);
  const dbHh = isGru ? columnSums(dGhh, T * B, G, dtype) : dbIh.slice();
  return [
    dx === null ? null : new Tensor(dx, [T, B, D]),
    new Tensor(dh, h0!.shape),
    dc === null ? null : new Tensor(dc, h0!.shape),
    new Tensor(dWih, [G, D]),
    new Tensor(dWhh, [G, H]),
    new Tensor(dbIh, [G]),
    new Tensor(dbHh, [G]),
  ];
}

/** Column sums (cols) of a (rows, cols) matrix as one product: ones (1,rows) @ a (rows,cols). */
function columnSums(a: TypedArray, rows: number, cols: number, dtype: Tensor['dtype']): TypedArray {
  const out = allocArray(dtype, cols);
  const ones = allocArray(dtype, rows).fill(1);
  gemmInto(getBackend(), { a: ones, b: a, c: out, m: 1, n: cols, k: rows });
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
  return defineFunction<Saved | null>({
    name: `fused_${cfg.kind}${cfg.reverse ? '_reverse' : ''}`,
    forward: (xs) => forward(cfg, save, xs),
    backward: (ctx, g, xs) => backward(cfg, ctx, g, xs),
  })(inputs);
}
