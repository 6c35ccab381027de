import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@unroll/autograd';
import { getBackend, mul, Tensor } from '@unroll/tensor';
import { expectClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, type RecurrentLayer, RNN } from './layers.js';

/**
 * Forward values and gradients of float32 layers against PyTorch 1.13 computing in float32 on the
 * CPU (nn.RNN / nn.LSTM / nn.GRU, recorded by fixtures/make_torch_fixtures.py with their
 * parameters). pytorch.test.ts holds the float64 path to 1e-10; this file gives the float32
 * kernels (the native addon's SIMD gemm and vectorised exp/tanh/sigmoid, the WASM ones) an
 * independent reference too. It runs on the active backend: scripts/test.sh reruns cells with
 * UNROLL_TEST_BACKEND=native (also under UNROLL_NATIVE_SIMD=avx2) and =wasm.
 *
 * Tolerance: |ours - torch| <= ATOL + RTOL |torch| on every element. Both sides round to float32
 * (u = 2^-24, about 6e-8) but in different orders: dot products of up to 3H = 12 terms
 * (accumulated in float32 by torch's BLAS and the native gemm, in double by the JS backend),
 * exp/tanh/sigmoid within 2 ulp (native) or correctly rounded, up to T = 5 steps and 2 layers of
 * recurrence forward and backward, and gradients summed over T x B = 15 terms of either sign, so
 * that a small gradient carries the rounding of its larger terms (hence an absolute part).
 * Measured (js, wasm, native at avx512, avx2 and scalar): worst |diff| 2.0e-6, and at most 0.6 of
 * 1e-6 + 1e-5 |torch|. ATOL = 5e-6 and RTOL = 5e-5 leave a margin of 8 over that and still
 * catch small errors: adding 1e-3 to the single element weight_hh_l0[0, 0] fails every case.
 */
const ATOL = 5e-6;
const RTOL = 5e-5;

const DIR = fileURLToPath(new URL('../fixtures/torch/', import.meta.url));

interface Enc { shape: number[]; data: number[] }
interface TorchCase {
  name: string;
  kind: 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  lengths: number[] | null;
  inputSize: number;
  hiddenSize: number;
  paramNames: string[];
  params: Record<string, Enc>;
  input: Enc; h0: Enc; c0: Enc | null;
  wOut: Enc; wH: Enc; wC: Enc;
  loss: number;
  output: Enc; hN: Enc; cN: Enc | null;
  grads: Record<string, Enc>;
}

const fixture = JSON.parse(readFileSync(`${DIR}torch_cases_f32.json`, 'utf8')) as { torch: string; dtype: string; cases: TorchCase[] };

/** A float32 tensor of a recorded value (each decimal reads back as the float32 torch had). */
const dec = (e: Enc): Tensor => new Tensor(Float32Array.from(e.data), e.shape);

function expectNear(actual: Tensor | null | undefined, expected: Enc, label: string): void {
  expect(actual, label).toBeTruthy();
  expect(actual!.dtype, label).toBe('float32');
  expect(actual!.shape, label).toEqual(expected.shape);
  expectClose(actual!.data, expected.data, { atol: ATOL, rtol: RTOL, label });
}

function makeLayer(c: TorchCase): RecurrentLayer {
  const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, dtype: 'float32' as const };
  switch (c.kind) {
    case 'rnn_tanh': return new RNN(c.inputSize, c.hiddenSize, { ...opts, nonlinearity: 'tanh' });
    case 'rnn_relu': return new RNN(c.inputSize, c.hiddenSize, { ...opts, nonlinearity: 'relu' });
    case 'lstm': return new LSTM(c.inputSize, c.hiddenSize, opts);
    case 'gru': return new GRU(c.inputSize, c.hiddenSize, opts);
  }
}

describe(`PyTorch ${fixture.torch} reference in float32 (atol ${ATOL}, rtol ${RTOL}) on the ${getBackend().name} backend`, () => {
  it('has every kind, one and two layers, both directions and per-row lengths, in float32', () => {
    expect(fixture.dtype).toBe('float32');
    expect(fixture.cases.length).toBe(10);
    for (const kind of ['rnn_tanh', 'lstm', 'gru']) {
      for (const cfg of ['single', 'bidir2', 'packed']) {
        expect(fixture.cases.some((c) => c.name === `${kind}_${cfg}`), `${kind}_${cfg}`).toBe(true);
      }
    }
    expect(fixture.cases.some((c) => c.name === 'rnn_relu_single')).toBe(true);
  });

  for (const c of fixture.cases) {
    for (const fused of [true, false]) {
      it(`${c.name} (${fused ? 'fused' : 'composed'})`, () => {
        const layer = makeLayer(c);
        layer.fused = fused;
        expect(layer.namedParameters().map(([n]) => n)).toEqual(c.paramNames);
        layer.loadStateDict(Object.fromEntries(c.paramNames.map((n) => [n, dec(c.params[n]!)])));

        const x = dec(c.input).requiresGrad_();
        const h0 = dec(c.h0).requiresGrad_();
        const c0 = c.c0 ? dec(c.c0).requiresGrad_() : undefined;
        const out = layer.forward(x, { state: c0 ? { h: h0, c: c0 } : { h: h0 }, lengths: c.lengths ?? undefined });
        expectNear(out.output, c.output, `${c.name} output`);
        expectNear(out.state.h, c.hN, `${c.name} h_n`);
        if (c.cN) expectNear(out.state.c, c.cN, `${c.name} c_n`);
        else expect(out.state.c).toBeUndefined();

        let loss = mul(out.output, dec(c.wOut)).sum().add(mul(out.state.h, dec(c.wH)).sum());
        if (out.state.c) loss = loss.add(mul(out.state.c, dec(c.wC)).sum());
        expectClose([loss.item()], [c.loss], { atol: ATOL, rtol: RTOL, label: `${c.name} loss` });
        loss.backward();

        expectNear(x.grad, c.grads.input!, `${c.name} grad input`);
        expectNear(h0.grad, c.grads.h0!, `${c.name} grad h0`);
        if (c0) expectNear(c0.grad, c.grads.c0!, `${c.name} grad c0`);
        const params = layer.namedParameters();
        expect(params.length).toBe(Object.keys(c.grads).filter((k) => k.startsWith('param.')).length);
        for (const [n, p] of params) expectNear(p.grad, c.grads[`param.${n}`]!, `${c.name} grad ${n}`);
      });
    }
  }
});
