import { Dropout } from '@unroll/autograd';
import { Generator, randn, relu, type Tensor, tanh } from '@unroll/tensor';
import { expectTensorClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { RNNCell } from './cells.js';
import { GRU, LSTM, type RecurrentLayer } from './layers.js';

/** Layer l of a stacked layer as a one-layer layer with the same weights (PyTorch key renaming). */
function singleLayer(make: () => RecurrentLayer, stacked: RecurrentLayer, l: number): RecurrentLayer {
  const one = make();
  const dict = Object.fromEntries(
    Object.entries(stacked.stateDict())
      .filter(([k]) => k.endsWith(`_l${l}`) || k.endsWith(`_l${l}_reverse`))
      .map(([k, v]) => [k.replace(`_l${l}`, '_l0'), v]),
  );
  expect(one.loadStateDict(dict)).toEqual({ missing: [], unexpected: [] });
  return one;
}

describe('dropout between stacked layers (PyTorch semantics)', () => {
  const x = randn([5, 3, 4], { dtype: 'float64', generator: new Generator(1) });
  for (const [name, Layer] of [['LSTM', LSTM], ['GRU', GRU]] as const) {
    it(`${name}: in training, layer 1 reads layer 0's output through dropout; the last layer's output is not dropped`, () => {
      const stacked = new Layer(4, 6, { numLayers: 2, dropout: 0.5, dtype: 'float64', generator: new Generator(7) });
      const l0 = singleLayer(() => new Layer(4, 6, { dtype: 'float64' }), stacked, 0);
      const l1 = singleLayer(() => new Layer(6, 6, { dtype: 'float64' }), stacked, 1);
      // give the stacked layer's dropout a known generator and replay the same mask by hand
      stacked.dropoutLayer!.generator = new Generator(99);
      const dropped = new Dropout(0.5, { generator: new Generator(99) }).forward(l0.forward(x).output);
      expectTensorClose(stacked.forward(x).output, l1.forward(dropped).output, { atol: 1e-12, rtol: 1e-12, label: 'train' });
      // a different mask gives a different output, so the dropout is really there
      stacked.dropoutLayer!.generator = new Generator(100);
      expect(maxAbsDiff(stacked.forward(x).output, l1.forward(dropped).output)).toBeGreaterThan(1e-6);
    });

    it(`${name}: in eval mode, and with one layer, nothing is dropped`, () => {
      const stacked = new Layer(4, 6, { numLayers: 2, dropout: 0.5, dtype: 'float64', generator: new Generator(7) });
      const l0 = singleLayer(() => new Layer(4, 6, { dtype: 'float64' }), stacked, 0);
      const l1 = singleLayer(() => new Layer(6, 6, { dtype: 'float64' }), stacked, 1);
      stacked.eval();
      expectTensorClose(stacked.forward(x).output, l1.forward(l0.forward(x).output).output, { atol: 1e-12, rtol: 1e-12, label: 'eval' });
      const single = new Layer(4, 6, { numLayers: 1, dropout: 0.5, dtype: 'float64' });
      expect(single.dropoutLayer).toBeNull();
      const trained = single.forward(x).output;
      single.eval();
      expectTensorClose(trained, single.forward(x).output, { atol: 0, rtol: 0, label: 'one layer' });
    });
  }
});

describe('RNNCell nonlinearity', () => {
  for (const nonlinearity of ['tanh', 'relu'] as const) {
    it(`${nonlinearity}: h = ${nonlinearity}(x W_ih^T + b_ih + h W_hh^T + b_hh)`, () => {
      const cell = new RNNCell(3, 5, { nonlinearity, dtype: 'float64', generator: new Generator(3) });
      const xs = randn([4, 3], { dtype: 'float64', generator: new Generator(4) });
      const h0 = randn([4, 5], { dtype: 'float64', generator: new Generator(5) });
      const p = cell.stateDict();
      const pre = xs.matmul(p.weight_ih!.transpose()).add(p.bias_ih!).add(h0.matmul(p.weight_hh!.transpose())).add(p.bias_hh!);
      const want = nonlinearity === 'relu' ? relu(pre) : tanh(pre);
      expectTensorClose(cell.step(xs, h0), want, { atol: 1e-14, rtol: 1e-14, label: nonlinearity });
      // the pre-activations have both signs, so relu and tanh differ here
      expect(Array.from(pre.data).some((v) => v < 0) && Array.from(pre.data).some((v) => v > 0)).toBe(true);
    });
  }
});

function maxAbsDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}
