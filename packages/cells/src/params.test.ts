import type { Parameter } from '@unroll/autograd';
import { Generator, type Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { LSTMCell } from './cells.js';
import { LSTM } from './layers.js';
import { createCellParams } from './params.js';

/** The gate slices of a (4H) LSTM bias in PyTorch's order i, f, g, o. */
function gates(t: Tensor, H: number): { i: number[]; f: number[]; g: number[]; o: number[] } {
  const v = Array.from(t.data);
  expect(v).toHaveLength(4 * H);
  return { i: v.slice(0, H), f: v.slice(H, 2 * H), g: v.slice(2 * H, 3 * H), o: v.slice(3 * H, 4 * H) };
}

/**
 * Checks one layer-direction's biases against the same-seed initialisation without forgetBias:
 * bias_ih[H:2H] is forgetBias, bias_hh[H:2H] is 0, every other slice (and both weights) is the
 * untouched uniform init.
 */
function expectForgetBias(
  got: { weightIh: Tensor; weightHh: Tensor; biasIh: Tensor; biasHh: Tensor },
  plain: { weightIh: Tensor; weightHh: Tensor; biasIh: Tensor; biasHh: Tensor },
  H: number,
  forgetBias: number,
  what: string,
): void {
  const ih = gates(got.biasIh, H);
  const hh = gates(got.biasHh, H);
  const ih0 = gates(plain.biasIh, H);
  const hh0 = gates(plain.biasHh, H);
  expect(ih.f, `${what}: bias_ih[H:2H]`).toEqual(new Array(H).fill(forgetBias));
  expect(hh.f, `${what}: bias_hh[H:2H]`).toEqual(new Array(H).fill(0));
  for (const gate of ['i', 'g', 'o'] as const) {
    expect(ih[gate], `${what}: bias_ih ${gate}`).toEqual(ih0[gate]);
    expect(hh[gate], `${what}: bias_hh ${gate}`).toEqual(hh0[gate]);
  }
  expect(Array.from(got.weightIh.data), `${what}: weight_ih`).toEqual(Array.from(plain.weightIh.data));
  expect(Array.from(got.weightHh.data), `${what}: weight_hh`).toEqual(Array.from(plain.weightHh.data));
  // guard: the untouched slices are the uniform init, not constants that would match anything
  const k = 1 / Math.sqrt(H);
  for (const v of [...ih0.i, ...ih0.f, ...ih0.g, ...ih0.o, ...hh0.i, ...hh0.f]) expect(Math.abs(v)).toBeLessThanOrEqual(k);
  expect(new Set([...ih0.i, ...ih0.f, ...ih0.g, ...ih0.o]).size).toBe(4 * H);
}

describe('createCellParams: forgetBias', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const forgetBias of [1, -2.5, 0]) {
      it(`${dtype}, forgetBias ${forgetBias}: only the forget slices change, in both bias vectors`, () => {
        const H = 5;
        const got = createCellParams('lstm', 3, H, { dtype, generator: new Generator(11), forgetBias });
        const plain = createCellParams('lstm', 3, H, { dtype, generator: new Generator(11) });
        expectForgetBias(
          { weightIh: got.weightIh, weightHh: got.weightHh, biasIh: got.biasIh!, biasHh: got.biasHh! },
          { weightIh: plain.weightIh, weightHh: plain.weightHh, biasIh: plain.biasIh!, biasHh: plain.biasHh! },
          H, forgetBias, `${dtype} ${forgetBias}`,
        );
      });
    }
  }
});

describe('forgetBias through the public layers', () => {
  it('LSTM (2 layers, bidirectional): every layer and direction, by PyTorch name', () => {
    const H = 4;
    const opts = { numLayers: 2, bidirectional: true, dtype: 'float64' as const };
    const got = new LSTM(3, H, { ...opts, generator: new Generator(5), forgetBias: 1 }).stateDict();
    const plain = new LSTM(3, H, { ...opts, generator: new Generator(5) }).stateDict();
    const suffixes = ['_l0', '_l0_reverse', '_l1', '_l1_reverse'];
    expect(Object.keys(got).filter((n) => n.startsWith('bias_ih')).sort()).toEqual(suffixes.map((s) => `bias_ih${s}`).sort());
    for (const s of suffixes) {
      const pick = (d: Record<string, Tensor>) => ({ weightIh: d[`weight_ih${s}`]!, weightHh: d[`weight_hh${s}`]!, biasIh: d[`bias_ih${s}`]!, biasHh: d[`bias_hh${s}`]! });
      expectForgetBias(pick(got), pick(plain), H, 1, s);
    }
  });

  it('LSTMCell', () => {
    const H = 6;
    const got = new LSTMCell(2, H, { generator: new Generator(9), forgetBias: 2 });
    const plain = new LSTMCell(2, H, { generator: new Generator(9) });
    const pick = (c: LSTMCell) => ({ weightIh: c.weight_ih, weightHh: c.weight_hh, biasIh: c.bias_ih as Parameter, biasHh: c.bias_hh as Parameter });
    expectForgetBias(pick(got), pick(plain), H, 2, 'LSTMCell');
  });
});
