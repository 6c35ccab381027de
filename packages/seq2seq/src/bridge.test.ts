import { gradcheck } from '@unroll/autograd';
import { Generator, randn, type Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { Bridge } from './bridge.js';
import { gradcheckParams } from './seq2seq.testing.js';

const r64 = (shape: number[], seed: number): Tensor => randn(shape, { dtype: 'float64', generator: new Generator(seed) });

describe('Bridge', () => {
  it('bidirectional, 2 layers: maps the last layer\'s concatenated directions through tanh(W x + b); gradcheck', () => {
    const bridge = new Bridge({ hiddenSize: 3, numLayers: 2, bidirectional: true, hasCell: true }, 4, true, { dtype: 'float64', generator: new Generator(1) });
    const h = r64([4, 2, 3], 2);
    const c = r64([4, 2, 3], 3);
    const out = bridge.forward({ h, c });
    expect(out.h.shape).toEqual([2, 4]);
    expect(out.c!.shape).toEqual([2, 4]);
    // by hand for row 1, unit 0: x = [h[2,1,:], h[3,1,:]] (layer 1 forward, layer 1 reverse)
    const x = [...h.data.slice(15, 18), ...h.data.slice(21, 24)];
    const w = bridge.h!.weight.data;
    const pre = x.reduce((s, xi, i) => s + xi * w[i]!, bridge.h!.bias!.data[0]!);
    expect(out.h.data[4]).toBeCloseTo(Math.tanh(pre), 12);
    const f = (hh: Tensor, cc: Tensor): Tensor => {
      const s = bridge.forward({ h: hh, c: cc });
      return s.h.add(s.c!.mul(2)).sum();
    };
    const r = gradcheck(f, [h, c], { atol: 1e-6, rtol: 1e-5 });
    expect(r.checked).toBe(48);
    expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    const rp = gradcheckParams(bridge, () => f(h, c));
    expect(rp.checked).toBe(rp.expected);
    expect(rp.ok, JSON.stringify(rp.worst)).toBe(true);
    expect(Object.keys(bridge.stateDict())).toEqual(['h.weight', 'h.bias', 'c.weight', 'c.bias']);
  });

  it('passes the state through when the sizes agree and the encoder is unidirectional; c is zero when the encoder has none', () => {
    const h = r64([2, 3, 5], 4);
    const same = new Bridge({ hiddenSize: 5, numLayers: 2, bidirectional: false, hasCell: false }, 5, true);
    const out = same.forward({ h });
    expect(Array.from(out.h.data)).toEqual(Array.from(h.data.slice(15, 30)));
    expect(Array.from(out.c!.data)).toEqual(new Array(15).fill(0));
    expect(same.parameters().length).toBe(0);
    expect(new Bridge({ hiddenSize: 5, numLayers: 1, bidirectional: false, hasCell: true }, 5, false).forward({ h: r64([1, 3, 5], 5) }).c).toBeUndefined();
  });
});
