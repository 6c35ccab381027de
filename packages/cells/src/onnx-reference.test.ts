import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@unroll/autograd';
import { type DType, Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, type RecurrentLayer, RNN } from './layers.js';

/**
 * The ONNX backend reference cases of the RNN, LSTM and GRU operators (onnx/backend/test/case/
 * node/rnn.py, lstm.py, gru.py), expected values from an independent numpy implementation in
 * fixtures/make_onnx_fixtures.py (see there for what PyTorch's formulas cannot express:
 * peepholes, and GRU's linear_before_reset = 0 over several steps).
 *
 * ONNX stacks the gates in another order than PyTorch: LSTM i,o,f,c (PyTorch i,f,g,o) and GRU
 * z,r,h (PyTorch r,z,n); the weights are re-ordered here before loading them.
 */
interface Enc { shape: number[]; data: number[] }
interface OnnxCase {
  name: string;
  source: 'onnx' | 'unroll';
  op: 'RNN' | 'LSTM' | 'GRU';
  direction: 'forward' | 'reverse' | 'bidirectional';
  layout: 0 | 1;
  linearBeforeReset: 0 | 1;
  hiddenSize: number;
  X: Enc; W: Enc; R: Enc; B: Enc | null; initial_h: Enc | null; initial_c: Enc | null;
  Y: Enc; Y_h: Enc; Y_c?: Enc;
}

const FILE = fileURLToPath(new URL('../fixtures/onnx_cases.json', import.meta.url));
const { cases } = JSON.parse(readFileSync(FILE, 'utf8')) as { cases: OnnxCase[] };

/** PyTorch gate block k takes ONNX gate block ORDER[op][k]. */
const ORDER: Record<OnnxCase['op'], number[]> = { RNN: [0], LSTM: [0, 2, 3, 1], GRU: [1, 0, 2] };

/** Rows of a (G*H, ...) matrix (or a G*H vector) regrouped gate block by gate block. */
function reorderGates(data: readonly number[], shape: number[], op: OnnxCase['op'], H: number, dtype: DType): Tensor {
  const width = shape.length === 2 ? shape[1]! : 1;
  const out: number[] = [];
  for (const k of ORDER[op]) out.push(...data.slice(k * H * width, (k + 1) * H * width));
  return new Tensor(tensor(out, shape, 'float64').data, shape).astype(dtype);
}

function sub(e: Enc, d: number): { data: number[]; shape: number[] } {
  const inner = e.shape.slice(1);
  const n = inner.reduce((a, b) => a * b, 1);
  return { data: e.data.slice(d * n, (d + 1) * n), shape: inner };
}

/** ONNX (B, dirs, H) (layout 1) or (dirs, B, H) -> Unroll's (dirs, B, H). */
function stateToUnroll(e: Enc, layout: 0 | 1, dtype: DType): Tensor {
  const t = new Tensor(Float64Array.from(e.data), e.shape);
  return (layout === 1 ? t.permute([1, 0, 2]) : t).astype(dtype);
}

/** ONNX Y (T, dirs, B, H) or (B, T, dirs, H) -> Unroll's output (T, B, dirs*H) or (B, T, dirs*H). */
function outputToUnroll(e: Enc, layout: 0 | 1): Tensor {
  const t = new Tensor(Float64Array.from(e.data), e.shape);
  if (layout === 0) {
    const [T, dirs, B, H] = e.shape as [number, number, number, number];
    return t.permute([0, 2, 1, 3]).reshape([T, B, dirs * H]);
  }
  const [B, T, dirs, H] = e.shape as [number, number, number, number];
  return t.reshape([B, T, dirs * H]);
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

/** Builds the Unroll layer holding the case's weights, runs it and returns Unroll-layout results. */
function runCase(c: OnnxCase, dtype: DType) {
  const H = c.hiddenSize;
  const D = c.X.shape[2]!;
  const G = ORDER[c.op].length;
  const reverseOnly = c.direction === 'reverse';
  const bidirectional = c.direction !== 'forward';
  const opts = { bidirectional, batchFirst: c.layout === 1, dtype };
  const layer: RecurrentLayer = c.op === 'RNN' ? new RNN(D, H, opts) : c.op === 'LSTM' ? new LSTM(D, H, opts) : new GRU(D, H, opts);
  const onnxDirs = c.W.shape[0]!;
  const dict: Record<string, Tensor> = {};
  const unrollDirs = bidirectional ? 2 : 1;
  for (let d = 0; d < unrollDirs; d++) {
    // a reverse-only ONNX node is the reverse half of a bidirectional layer (both halves get its weights)
    const od = reverseOnly ? 0 : d;
    expect(od).toBeLessThan(onnxDirs);
    const sfx = `_l0${d === 1 ? '_reverse' : ''}`;
    const w = sub(c.W, od);
    const r = sub(c.R, od);
    dict[`weight_ih${sfx}`] = reorderGates(w.data, w.shape, c.op, H, dtype);
    dict[`weight_hh${sfx}`] = reorderGates(r.data, r.shape, c.op, H, dtype);
    const b = c.B ? sub(c.B, od).data : new Array<number>(2 * G * H).fill(0);
    dict[`bias_ih${sfx}`] = reorderGates(b.slice(0, G * H), [G * H], c.op, H, dtype);
    dict[`bias_hh${sfx}`] = reorderGates(b.slice(G * H), [G * H], c.op, H, dtype);
  }
  layer.loadStateDict(dict);
  const x = new Tensor(Float64Array.from(c.X.data), c.X.shape).astype(dtype);
  let state: { h: Tensor; c?: Tensor } | undefined;
  if (c.initial_h) {
    expect(reverseOnly).toBe(false);
    state = { h: stateToUnroll(c.initial_h, c.layout, dtype) };
    if (c.initial_c) state.c = stateToUnroll(c.initial_c, c.layout, dtype);
  }
  const out = layer.forward(x, { state });
  if (!reverseOnly) return { y: out.output, h: out.state.h, c: out.state.c };
  // keep the reverse half only
  const Hh = out.output.shape[2]! / 2;
  return {
    y: out.output.slice(null, null, [Hh, 2 * Hh]),
    h: out.state.h.slice([1, 2]),
    c: out.state.c?.slice([1, 2]),
  };
}

describe('ONNX operator reference cases', () => {
  it('the fixture has the ported ONNX cases', () => {
    const names = cases.map((c) => c.name);
    for (const n of [
      'test_simple_rnn_defaults', 'test_simple_rnn_with_initial_bias', 'test_rnn_seq_length', 'test_simple_rnn_batchwise',
      'test_simple_rnn_reverse', 'test_simple_rnn_bidirectional', 'test_lstm_defaults', 'test_lstm_with_initial_bias',
      'test_lstm_batchwise', 'test_gru_defaults', 'test_gru_with_initial_bias', 'test_gru_seq_length_linear_before_reset',
      'test_gru_batchwise',
    ]) expect(names).toContain(n);
  });

  it('test_simple_rnn_defaults by hand: one step from zero, h = tanh(0.1 (x1 + x2)) per batch row', () => {
    const c = cases.find((k) => k.name === 'test_simple_rnn_defaults')!;
    expect(c.X.shape).toEqual([1, 3, 2]); // (T=1, B=3, D=2)
    const { h } = runCase(c, 'float64');
    const w = Math.fround(0.1); // ONNX's weights are float32
    [[1, 2], [3, 4], [5, 6]].forEach(([a, b], row) => {
      for (let j = 0; j < 4; j++) expect(Math.abs(h.data[row * 4 + j]! - Math.tanh(w * (a! + b!)))).toBeLessThan(1e-12);
    });
  });

  for (const c of cases) {
    if (c.name === 'test_gru_seq_length') continue; // linear_before_reset = 0: see below
    for (const [dtype, tol] of [['float64', 1e-10], ['float32', 1e-6]] as const) {
      it(`${c.name} (${dtype})`, () => {
        // every case but those from one zero state uses PyTorch's GRU formula = linear_before_reset 1
        if (c.op === 'GRU' && c.linearBeforeReset === 0) {
          expect(c.initial_h).toBeNull();
          expect(c.X.shape[c.layout === 0 ? 0 : 1]).toBe(1);
        }
        const { y, h, c: cN } = runCase(c, dtype);
        const expectedH = stateToUnroll(c.Y_h, c.layout, 'float64');
        expect(maxAbsDiff(h, expectedH), 'Y_h').toBeLessThanOrEqual(tol);
        expect(maxAbsDiff(y, outputToUnroll(c.Y, c.layout)), 'Y').toBeLessThanOrEqual(tol);
        if (c.Y_c) expect(maxAbsDiff(cN!, stateToUnroll(c.Y_c, c.layout, 'float64')), 'Y_c').toBeLessThanOrEqual(tol);
      });
    }
  }

  it('test_gru_seq_length with ONNX\'s default linear_before_reset = 0 is a different formula', () => {
    // PyTorch's GRU resets after the recurrent product (r * (W_hn h + b_hn)); ONNX's default resets
    // before it ((r * h) W_hn^T + b_hn). Over two steps from random weights the two differ, and
    // Unroll follows PyTorch: it matches the linear_before_reset = 1 variant, not this one.
    const c = cases.find((k) => k.name === 'test_gru_seq_length')!;
    const lbr1 = cases.find((k) => k.name === 'test_gru_seq_length_linear_before_reset')!;
    expect(c.linearBeforeReset).toBe(0);
    expect(lbr1.W.data).toEqual(c.W.data);
    const { h } = runCase(c, 'float64');
    expect(maxAbsDiff(h, stateToUnroll(lbr1.Y_h, 0, 'float64'))).toBeLessThanOrEqual(1e-10);
    expect(maxAbsDiff(h, stateToUnroll(c.Y_h, 0, 'float64'))).toBeGreaterThan(1e-3);
  });
});
