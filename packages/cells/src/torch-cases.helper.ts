// Test helper (not exported by the package): the PyTorch reference cases written by
// fixtures/make_torch_fixtures.py, and one run of a case through a layer, shared by
// pytorch.test.ts (float64) and pytorch-float32.test.ts (float32).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@unroll/autograd';
import { type DType, mul, Tensor } from '@unroll/tensor';
import { expect } from 'vitest';
import { GRU, LSTM, type RecurrentLayer, RNN } from './layers.js';

/** Where the fixtures live. */
export const TORCH_FIXTURES = fileURLToPath(new URL('../fixtures/torch/', import.meta.url));

/** A recorded tensor. */
export interface Enc {
  shape: number[];
  data: number[];
}

/** One recorded nn.RNN / nn.LSTM / nn.GRU case: configuration, inputs, outputs and every gradient. */
export interface TorchCase {
  name: string;
  kind: 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  lengths: number[] | null;
  inputSize: number;
  hiddenSize: number;
  paramNames: string[];
  /** float32 fixtures carry their parameters inline; float64 ones in a safetensors file per case. */
  params?: Record<string, Enc>;
  input: Enc;
  h0: Enc;
  c0: Enc | null;
  wOut: Enc;
  wH: Enc;
  wC: Enc;
  loss: number;
  output: Enc;
  hN: Enc;
  cN: Enc | null;
  grads: Record<string, Enc>;
}

/** Reads a fixture file of cases from the fixtures folder. */
export function readTorchCases(file: string): { torch: string; dtype?: string; cases: TorchCase[] } {
  return JSON.parse(readFileSync(`${TORCH_FIXTURES}${file}`, 'utf8'));
}

/** A tensor of a recorded value in the given dtype. */
export function decodeEnc(e: Enc, dtype: DType): Tensor {
  return new Tensor(dtype === 'float32' ? Float32Array.from(e.data) : Float64Array.from(e.data), e.shape);
}

/** The layer a case describes, with default-initialised weights. */
export function makeLayer(c: TorchCase, dtype: DType): RecurrentLayer {
  const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, dtype };
  switch (c.kind) {
    case 'rnn_tanh':
      return new RNN(c.inputSize, c.hiddenSize, { ...opts, nonlinearity: 'tanh' });
    case 'rnn_relu':
      return new RNN(c.inputSize, c.hiddenSize, { ...opts, nonlinearity: 'relu' });
    case 'lstm':
      return new LSTM(c.inputSize, c.hiddenSize, opts);
    case 'gru':
      return new GRU(c.inputSize, c.hiddenSize, opts);
  }
}

/**
 * Runs a case through `layer` (its weights already loaded): the forward with the recorded
 * state and lengths, the fixed loss sum(y w_out) + sum(h_n w_h) + sum(c_n w_c), its backward; and
 * hands every result with its reference to `check` (the caller's tolerance), the loss included.
 */
export function runTorchCase(c: TorchCase, layer: RecurrentLayer, dtype: DType, check: (actual: Tensor | null | undefined, expected: Enc, label: string) => void): void {
  const dec = (e: Enc): Tensor => decodeEnc(e, dtype);
  const x = dec(c.input).requiresGrad_();
  const h0 = dec(c.h0).requiresGrad_();
  const c0 = c.c0 ? dec(c.c0).requiresGrad_() : undefined;
  const out = layer.forward(x, { state: c0 ? { h: h0, c: c0 } : { h: h0 }, lengths: c.lengths ?? undefined });
  check(out.output, c.output, `${c.name} output`);
  check(out.state.h, c.hN, `${c.name} h_n`);
  if (c.cN) check(out.state.c, c.cN, `${c.name} c_n`);
  else expect(out.state.c).toBeUndefined();

  let loss = mul(out.output, dec(c.wOut)).sum().add(mul(out.state.h, dec(c.wH)).sum());
  if (out.state.c) loss = loss.add(mul(out.state.c, dec(c.wC)).sum());
  check(loss.reshape([1]), { shape: [1], data: [c.loss] }, `${c.name} loss`);
  loss.backward();

  check(x.grad, c.grads.input!, `${c.name} grad input`);
  check(h0.grad, c.grads.h0!, `${c.name} grad h0`);
  if (c0) check(c0.grad, c.grads.c0!, `${c.name} grad c0`);
  const params = layer.namedParameters();
  expect(params.length).toBe(Object.keys(c.grads).filter((k) => k.startsWith('param.')).length);
  for (const [n, p] of params) check(p.grad, c.grads[`param.${n}`]!, `${c.name} grad ${n}`);
}
