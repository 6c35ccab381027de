import { getBackend, type Tensor } from '@unroll/tensor';
import { expectTensorClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { decodeEnc, type Enc, makeLayer, readTorchCases, runTorchCase } from './torch-cases.helper.js';

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

const fixture = readTorchCases('torch_cases_f32.json');

function expectNear(actual: Tensor | null | undefined, expected: Enc, label: string): void {
  expect(actual?.dtype, label).toBe('float32');
  expectTensorClose(actual, expected, { atol: ATOL, rtol: RTOL, label });
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
        const layer = makeLayer(c, 'float32');
        layer.fused = fused;
        expect(layer.namedParameters().map(([n]) => n)).toEqual(c.paramNames);
        layer.loadStateDict(Object.fromEntries(c.paramNames.map((n) => [n, decodeEnc(c.params![n]!, 'float32')])));

        runTorchCase(c, layer, 'float32', expectNear);
      });
    }
  }
});
