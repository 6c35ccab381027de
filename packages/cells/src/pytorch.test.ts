import { loadSafetensors } from '@unroll/tensor/node';
import { expectTensorClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { makeLayer, readTorchCases, runTorchCase, TORCH_FIXTURES } from './torch-cases.helper.js';

/**
 * Forward values and gradients against real PyTorch 1.13 (nn.RNN / nn.LSTM / nn.GRU in float64),
 * recorded by fixtures/make_torch_fixtures.py. The state dicts are loaded from safetensors files
 * under PyTorch's own parameter names.
 */
const fixture = readTorchCases('torch_cases.json');
/** Absolute tolerance against PyTorch's float64 values (the loss: relative to 1 + |loss|). */
const TOL = 1e-10;

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
        const layer = makeLayer(c, 'float64');
        layer.fused = fused;
        const { tensors } = await loadSafetensors(`${TORCH_FIXTURES}${c.name}.safetensors`);
        // same names and order as PyTorch's state_dict
        expect(layer.namedParameters().map(([n]) => n)).toEqual(c.paramNames);
        expect(Object.keys(tensors).sort()).toEqual([...c.paramNames].sort());
        layer.loadStateDict(tensors);
        for (const [n, p] of layer.namedParameters()) expect(Array.from(p.data), n).toEqual(Array.from(tensors[n]!.data));

        runTorchCase(c, layer, 'float64', (actual, expected, label) =>
          expectTensorClose(actual, expected, { atol: label.endsWith('loss') ? TOL * (1 + Math.abs(c.loss)) : TOL, rtol: 0, label }),
        );
      });
    }
  }
});
