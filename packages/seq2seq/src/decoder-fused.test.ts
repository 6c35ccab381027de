import { gradcheck } from '@unroll/autograd';
import { Generator, mul, permute, randn, stack, sum, Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { sourceMask } from './attention/mask.js';
import { Decoder, type DecoderState } from './decoder.js';
import { fusedAttentionDecoder } from './decoder-fused.js';

const [B, T, L, E, H, K, A, V] = [3, 5, 4, 3, 4, 5, 2, 7];

function setup() {
  const g = new Generator(11);
  const dec = new Decoder(V, E, H, { attention: 'additive', encoderSize: K, attentionSize: A, dtype: 'float64', generator: g, paddingIdx: 0 });
  const values = randn([B, L, K], { dtype: 'float64', generator: g }).requiresGrad_();
  const h0 = randn([B, H], { dtype: 'float64', generator: g }).requiresGrad_();
  const c0 = randn([B, H], { dtype: 'float64', generator: g }).requiresGrad_();
  const feed0 = randn([B, H], { dtype: 'float64', generator: g }).requiresGrad_(); // a state mid-sequence
  const tokens = new Tensor(Int32Array.from({ length: B * T }, (_, i) => (i * 5) % V), [B, T]); // pad id 0 included
  const mask = sourceMask([4, 2, 3], L, 'float64');
  // fixed random weights on the outputs and the attention weights, so that both get gradients
  const wOut = randn([T, B, H], { dtype: 'float64', generator: g });
  const wAtt = randn([T, B, L], { dtype: 'float64', generator: g });
  return { dec, values, h0, c0, feed0, tokens, mask, wOut, wAtt };
}

/** The composed reference: Decoder.step T times, stacked time-major. */
function composed(s: ReturnType<typeof setup>): { outputs: Tensor; weights: Tensor } {
  const memory = s.dec.prepare(s.values, s.mask);
  let state: DecoderState = { h: s.h0, c: s.c0, feed: s.feed0 };
  const outs: Tensor[] = [];
  const ws: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const col = new Tensor(Int32Array.from({ length: B }, (_, b) => s.tokens.data[b * T + t]!), [B]);
    const r = s.dec.step(col, state, memory);
    state = r.state;
    outs.push(r.output);
    ws.push(r.weights!);
  }
  return { outputs: stack(outs, 0), weights: stack(ws, 0) };
}

function gradsOf(s: ReturnType<typeof setup>, run: () => { outputs: Tensor; weights: Tensor }) {
  s.dec.zeroGrad();
  for (const t of [s.values, s.h0, s.c0, s.feed0]) t.grad = null;
  const r = run();
  sum(mul(r.outputs, s.wOut)).add(sum(mul(r.weights, s.wAtt))).backward();
  const grads: Record<string, Float64Array> = {};
  for (const [name, p] of s.dec.namedParameters()) if (!name.startsWith('out.')) grads[name] = Float64Array.from(p.grad?.data ?? new Float64Array(p.size));
  for (const [name, t] of [['values', s.values], ['h0', s.h0], ['c0', s.c0], ['feed0', s.feed0]] as const) grads[name] = Float64Array.from(t.grad!.data);
  return { outputs: Float64Array.from(r.outputs.data), weights: Float64Array.from(r.weights.data), grads };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst, what).toBeLessThan(1e-12);
}

describe('fused attention decoder (float64)', () => {
  it('equals Decoder.step run T times: outputs, attention weights and every gradient (1e-12)', () => {
    const s = setup();
    const ref = gradsOf(s, () => composed(s));
    const got = gradsOf(s, () => s.dec.teacherForced(s.tokens, { h: s.h0, c: s.c0, feed: s.feed0 }, s.dec.prepare(s.values, s.mask)) as { outputs: Tensor; weights: Tensor });
    expectClose(got.outputs, ref.outputs, 'outputs');
    expectClose(got.weights, ref.weights, 'attention weights');
    for (let i = 0; i < got.weights.length; i++) if (s.mask.data[(i % (B * L))]! === 0) expect(got.weights[i]).toBe(0);
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(ref.grads).sort());
    for (const name of Object.keys(ref.grads)) {
      expect(ref.grads[name]!.some((x) => x !== 0), name).toBe(true);
      expectClose(got.grads[name]!, ref.grads[name]!, name);
    }
  });

  it('passes gradcheck in every input', () => {
    const s = setup();
    const cell = s.dec.cell;
    const att = s.dec.attention as unknown as { W_q: { weight: Tensor }; v: { weight: Tensor }; W_k: { forward(x: Tensor): Tensor } };
    const emb = permute(s.dec.embedding.forward(s.tokens), [1, 0, 2]).detach(); // (T,B,E)
    const keys = att.W_k.forward(s.values).detach();
    const leaves = [emb, s.h0, s.c0, s.feed0, s.values.detach(), keys, cell.weight_ih, cell.weight_hh, cell.bias_ih!, cell.bias_hh!, att.W_q.weight, att.v.weight, s.dec.W_c!.weight]
      .map((t) => new Tensor(t.data.slice(), t.shape));
    const f = (...x: Tensor[]): Tensor => {
      const r = fusedAttentionDecoder({
        emb: x[0]!, h0: x[1]!, c0: x[2]!, feed0: x[3]!, values: x[4]!, keys: x[5]!, mask: s.mask, weightIh: x[6]!, weightHh: x[7]!, biasIh: x[8]!,
        biasHh: x[9]!, weightQ: x[10]!, v: x[11]!, weightC: x[12]!,
      });
      return sum(mul(r.outputs, s.wOut)).add(sum(mul(r.weights, s.wAtt)));
    };
    const r = gradcheck(f, leaves, { atol: 1e-6, rtol: 1e-5 });
    expect(r.ok, JSON.stringify(r).slice(0, 400)).toBe(true);
  });
});
