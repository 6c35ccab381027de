import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@unroll/autograd';
import { mul, Tensor } from '@unroll/tensor';
import { loadSafetensors } from '@unroll/tensor/node';
import { expectTensorClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, type RecurrentLayer, RNN } from './layers.js';

/**
 * Forward values and gradients against real PyTorch 1.13 (nn.RNN / nn.LSTM / nn.GRU in float64),
 * recorded by fixtures/make_torch_fixtures.py. The state dicts are loaded from safetensors files
 * under PyTorch's own parameter names.
 */
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
  input: Enc; h0: Enc; c0: Enc | null;
  wOut: Enc; wH: Enc; wC: Enc;
  loss: number;
  output: Enc; hN: Enc; cN: Enc | null;
  grads: Record<string, Enc>;
}

const fixture = JSON.parse(readFileSync(`${DIR}torch_cases.json`, 'utf8')) as { torch: string; cases: TorchCase[] };

const dec = (e: Enc): Tensor => new Tensor(Float64Array.from(e.data), e.shape);
/** Absolute tolerance against PyTorch's float64 values. */
const TOL = 1e-10;

function makeLayer(c: TorchCase): RecurrentLayer {
  const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, dtype: 'float64' as const };
  switch (c.kind) {
    case 'rnn_tanh': return new RNN(c.inputSize, c.hiddenSize, { ...opts, nonlinearity: 'tanh' });
    case 'rnn_relu': return new RNN(c.inputSize, c.hiddenSize, { ...opts, nonlinearity: 'relu' });
    case 'lstm': return new LSTM(c.inputSize, c.hiddenSize, opts);
    case 'gru': return new GRU(c.inputSize, c.hiddenSize, opts);
  }
}

describe(`PyTorch ${fixture.torch} reference (float64, 1e-10)`, () => {
  it('has every kind and configuration', () => {
    expect(fixture.cases.length).toBe(13);
    for (const kind of ['rnn_tanh', 'lstm', 'gru']) {
      for (const cfg of ['single', 'bidir2', 'packed', 'packed_bidir2']) {
        expect(fixture.cases.some((c) => c.name === `${kind}_${cfg}`), `${kind}_${cfg}`).toBe(true);
      }
    }
  });

  for (const c of fixture.cases) {
    for (const fused of [true, false]) {
      it(`${c.name} (${fused ? 'fused' : 'composed'})`, async () => {
        const layer = makeLayer(c);
        layer.fused = fused;
        const { tensors } = await loadSafetensors(`${DIR}${c.name}.safetensors`);
        // same names and order as PyTorch's state_dict
        expect(layer.namedParameters().map(([n]) => n)).toEqual(c.paramNames);
        expect(Object.keys(tensors).sort()).toEqual([...c.paramNames].sort());
        layer.loadStateDict(tensors);
        for (const [n, p] of layer.namedParameters()) expect(Array.from(p.data), n).toEqual(Array.from(tensors[n]!.data));

        const x = dec(c.input).requiresGrad_();
        const h0 = dec(c.h0).requiresGrad_();
        const c0 = c.c0 ? dec(c.c0).requiresGrad_() : undefined;
        const out = layer.forward(x, { state: c0 ? { h: h0, c: c0 } : { h: h0 }, lengths: c.lengths ?? undefined });
        expectTensorClose(out.output, c.output, { atol: TOL, rtol: 0, label: 'output' });
        expectTensorClose(out.state.h, c.hN, { atol: TOL, rtol: 0, label: 'h_n' });
        if (c.cN) expectTensorClose(out.state.c, c.cN, { atol: TOL, rtol: 0, label: 'c_n' });
        else expect(out.state.c).toBeUndefined();

        let loss = mul(out.output, dec(c.wOut)).sum().add(mul(out.state.h, dec(c.wH)).sum());
        if (out.state.c) loss = loss.add(mul(out.state.c, dec(c.wC)).sum());
        expect(Math.abs(loss.item() - c.loss)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(c.loss)));
        loss.backward();

        expectTensorClose(x.grad, c.grads.input!, { atol: TOL, rtol: 0, label: 'grad input' });
        expectTensorClose(h0.grad, c.grads.h0!, { atol: TOL, rtol: 0, label: 'grad h0' });
        if (c0) expectTensorClose(c0.grad, c.grads.c0!, { atol: TOL, rtol: 0, label: 'grad c0' });
        const params = layer.namedParameters();
        expect(params.length).toBe(Object.keys(c.grads).filter((k) => k.startsWith('param.')).length);
        for (const [n, p] of params) expectTensorClose(p.grad, c.grads[`param.${n}`]!, { atol: TOL, rtol: 0, label: `grad ${n}` });
      });
    }
  }
});
