import { gradcheck } from '@unroll/autograd';
import { ArgumentError, Generator, randn, ShapeError, Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { gradcheckParams } from '../seq2seq.testing.js';
import { createAttention, maskedSoftmax, sourceMask } from './index.js';
import type { AttentionKind } from './types.js';

const KINDS: AttentionKind[] = ['additive', 'dot', 'general'];
const r64 = (shape: number[], seed: number, std = 1): Tensor => randn(shape, { dtype: 'float64', generator: new Generator(seed), std });

describe('attention', () => {
  for (const kind of KINDS) {
    const Q = kind === 'dot' ? 6 : 5;
    it(`${kind}: weights sum to 1 over real positions and are exactly 0 on padding (float32 and float64)`, () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const gen = new Generator(3);
        const att = createAttention(kind, Q, 6, { dtype, generator: gen, attentionSize: 7 });
        const lengths = [5, 2, 1];
        // large values make the scores large too: the padded positions must still get exactly 0
        const values = randn([3, 5, 6], { dtype, generator: gen, std: 30 });
        const mem = att.prepare(values, sourceMask(lengths, 5, dtype));
        const { context, weights } = att.attend(randn([3, Q], { dtype, generator: gen, std: 30 }), mem);
        expect(weights.shape).toEqual([3, 5]);
        expect(context.shape).toEqual([3, 6]);
        lengths.forEach((n, b) => {
          let s = 0;
          for (let l = 0; l < 5; l++) {
            const w = weights.data[b * 5 + l]!;
            if (l < n) s += w;
            else expect(w).toBe(0);
            expect(w).toBeGreaterThanOrEqual(0);
          }
          expect(s).toBeCloseTo(1, dtype === 'float32' ? 5 : 12);
        });
        // the context is the weighted average of the values
        for (let b = 0; b < 3; b++) {
          for (let k = 0; k < 6; k++) {
            let c = 0;
            for (let l = 0; l < 5; l++) c += weights.data[b * 5 + l]! * values.data[(b * 5 + l) * 6 + k]!;
            expect(context.data[b * 6 + k]).toBeCloseTo(c, dtype === 'float32' ? 3 : 10);
          }
        }
      }
    });

    it(`${kind}: padded values do not change the context`, () => {
      const att = createAttention(kind, Q, 6, { dtype: 'float64', generator: new Generator(4) });
      const values = r64([2, 4, 6], 5);
      const q = r64([2, Q], 6);
      const mask = sourceMask([4, 2], 4, 'float64');
      const a = att.attend(q, att.prepare(values, mask));
      const changed = values.data.slice();
      for (let l = 2; l < 4; l++) for (let k = 0; k < 6; k++) changed[(4 + l) * 6 + k] = 1e3;
      const b = att.attend(q, att.prepare(new Tensor(changed, values.shape), mask));
      expect(Array.from(b.context.data)).toEqual(Array.from(a.context.data));
      expect(Array.from(b.weights.data)).toEqual(Array.from(a.weights.data));
    });

    it(`${kind}: gradcheck through query, values and parameters (float64, with padding)`, () => {
      const att = createAttention(kind, Q, 6, { dtype: 'float64', generator: new Generator(7), attentionSize: 4 });
      const mask = sourceMask([3, 2], 3, 'float64');
      const params = att.parameters();
      const f = (q: Tensor, v: Tensor): Tensor => {
        const { context, weights } = att.attend(q, att.prepare(v, mask));
        return context.sum().add(weights.mul(weights).sum());
      };
      const r = gradcheck(f, [r64([2, Q], 8), r64([2, 3, 6], 9)], { atol: 1e-6, rtol: 1e-5 });
      expect(r.checked).toBe(2 * Q + 36);
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
      // and through the parameters (the keys' projection included)
      if (params.length > 0) {
        const q = r64([2, Q], 8);
        const v = r64([2, 3, 6], 9);
        const rp = gradcheckParams(att, () => f(q, v));
        expect(rp.checked).toBe(rp.expected);
        expect(rp.ok, JSON.stringify(rp.worst)).toBe(true);
      }
      expect(params.length).toBe(kind === 'additive' ? 4 : kind === 'general' ? 1 : 0);
    });

    it(`${kind}: typed errors for a wrong query, values or mask`, () => {
      const att = createAttention(kind, Q, 6);
      const mem = att.prepare(randn([2, 3, 6]), sourceMask([3, 1], 3));
      expect(() => att.attend(randn([3, Q]), mem)).toThrow(ShapeError);
      expect(() => att.attend(randn([2, Q + 1]), mem)).toThrow(ShapeError);
      expect(() => att.prepare(randn([2, 3, 5]), sourceMask([3, 1], 3))).toThrow(ShapeError);
      expect(() => att.prepare(randn([2, 3, 6]), sourceMask([3, 1, 1], 3))).toThrow(ShapeError);
      expect(() => att.prepare(randn([2, 0, 6]), sourceMask([], 0))).toThrow(ArgumentError);
    });
  }

  it('parameter names mirror the PyTorch modules', () => {
    expect(Object.keys(createAttention('additive', 4, 6).stateDict())).toEqual(['W_q.weight', 'W_k.weight', 'W_k.bias', 'v.weight']);
    expect(Object.keys(createAttention('general', 4, 6).stateDict())).toEqual(['W_a.weight']);
    expect(Object.keys(createAttention('dot', 6, 6).stateDict())).toEqual([]);
    expect(() => createAttention('dot', 4, 6)).toThrow(ArgumentError);
    expect(() => createAttention('luong' as AttentionKind, 4, 6)).toThrow(/kind/);
  });

  it('maskedSoftmax: exact zeros on padding, a uniform row over real positions; sourceMask checks lengths', () => {
    const w = maskedSoftmax(r64([2, 4], 1).mul(0), sourceMask([4, 3], 4, 'float64'));
    expect(Array.from(w.data)).toEqual([0.25, 0.25, 0.25, 0.25, 1 / 3, 1 / 3, 1 / 3, 0]);
    expect(() => sourceMask([5], 4)).toThrow(ArgumentError);
    expect(() => sourceMask([0], 4)).toThrow(/lengths\[0\]/);
  });
});
