import { noGrad } from '@unroll/autograd';
import { type DType, Generator, mul, randn, slice, type Tensor } from '@unroll/tensor';
import { expectTensorClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, type RecurrentLayer, type RecurrentOptions, RNN } from './layers.js';

type Ctor = new (d: number, h: number, o: RecurrentOptions) => RecurrentLayer;
const KINDS: [string, Ctor][] = [['RNN', RNN], ['LSTM', LSTM], ['GRU', GRU]];

function runBoth(Layer: Ctor, dtype: DType, opts: RecurrentOptions, lengths?: number[]) {
  const T = 5, B = 3, D = 4, H = 6;
  const g = new Generator(11);
  const layer = new Layer(D, H, { ...opts, dtype, generator: g });
  const dirs = opts.bidirectional ? 2 : 1;
  const L = (opts.numLayers ?? 1) * dirs;
  const x0 = randn(opts.batchFirst ? [B, T, D] : [T, B, D], { dtype, generator: g });
  const h0 = randn([L, B, H], { dtype, generator: g });
  const c0 = randn([L, B, H], { dtype, generator: g });
  const wOut = randn(opts.batchFirst ? [B, T, H * dirs] : [T, B, H * dirs], { dtype, generator: g });
  const wH = randn([L, B, H], { dtype, generator: g });
  const results = [true, false].map((fused) => {
    layer.fused = fused;
    layer.zeroGrad();
    const x = x0.clone().requiresGrad_();
    const h = h0.clone().requiresGrad_();
    const c = c0.clone().requiresGrad_();
    const state = layer.kind === 'lstm' ? { h, c } : { h };
    const out = layer.forward(x, { state, lengths });
    let loss = mul(out.output, wOut).sum().add(mul(out.state.h, wH).sum());
    if (out.state.c) loss = loss.add(mul(out.state.c, wH).sum());
    loss.backward();
    const grads: [string, Tensor][] = [['x', x.grad!], ['h0', h.grad!], ...layer.namedParameters().map(([n, p]) => [n, p.grad!] as [string, Tensor])];
    if (layer.kind === 'lstm') grads.push(['c0', c.grad!]);
    return { out: out.output, hN: out.state.h, cN: out.state.c, grads };
  });
  return results as [typeof results[0], typeof results[0]];
}

const variants: [string, RecurrentOptions, number[] | undefined][] = [
  ['1 layer', {}, undefined],
  ['2 layers', { numLayers: 2 }, undefined],
  ['bidirectional', { bidirectional: true }, undefined],
  ['lengths', {}, [5, 2, 3]],
  ['2-layer bidirectional with lengths, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }, [3, 5, 1]],
  ['no bias', { bias: false }, undefined],
];

describe('fused kernels equal the composed cell-by-cell path', () => {
  for (const [kindName, Layer] of KINDS) {
    for (const [variant, opts, lengths] of variants) {
      for (const [dtype, tol] of [['float64', 1e-10], ['float32', 1e-5]] as const) {
        it(`${kindName}, ${variant}, ${dtype}`, () => {
          const [fused, composed] = runBoth(Layer, dtype, opts, lengths);
          expectTensorClose(fused.out, composed.out, { atol: tol, rtol: tol, label: 'output' });
          expectTensorClose(fused.hN, composed.hN, { atol: tol, rtol: tol, label: 'final h' });
          if (fused.cN) expectTensorClose(fused.cN, composed.cN!, { atol: tol, rtol: tol, label: 'final c' });
          fused.grads.forEach(([name, g], i) => {
            const [name2, g2] = composed.grads[i]!;
            expect(name).toBe(name2);
            expect(g, `grad ${name}`).toBeTruthy();
            expectTensorClose(g, g2, { atol: tol, rtol: tol, label: `grad ${name}` });
          });
        });
      }
    }
  }
});

describe('inference (nothing to save for backward) gives the training path\'s outputs', () => {
  for (const [kindName, Layer] of KINDS) {
    for (const [variant, opts, lengths] of variants) {
      it(`${kindName}, ${variant}: under noGrad, twice (reused work memory), and step by step`, () => {
        const T = 5, B = 3, D = 4, H = 6;
        const g = new Generator(5);
        const layer = new Layer(D, H, { ...opts, dtype: 'float64', generator: g });
        const L = (opts.numLayers ?? 1) * (opts.bidirectional ? 2 : 1);
        const x = randn(opts.batchFirst ? [B, T, D] : [T, B, D], { dtype: 'float64', generator: g });
        const state = { h: randn([L, B, H], { dtype: 'float64', generator: g }), c: randn([L, B, H], { dtype: 'float64', generator: g }) };
        const st = layer.kind === 'lstm' ? state : { h: state.h };
        const hBefore = Array.from(state.h.data);
        const trained = layer.forward(x, { state: st, lengths }); // parameters require grad: saves for backward
        expect(trained.output.requiresGrad).toBe(true);
        for (let rep = 0; rep < 2; rep++) {
          // a differently sized call in between must not disturb the reused memory
          noGrad(() => layer.forward(randn(opts.batchFirst ? [1, 2, D] : [2, 1, D], { dtype: 'float64', generator: g })));
          const inferred = noGrad(() => layer.forward(x, { state: st, lengths }));
          expect(inferred.output.requiresGrad).toBe(false);
          expectTensorClose(inferred.output, trained.output, { atol: 1e-12, rtol: 1e-12, label: 'output' });
          expectTensorClose(inferred.state.h, trained.state.h, { atol: 1e-12, rtol: 1e-12, label: 'final h' });
          if (layer.kind === 'lstm') expectTensorClose(inferred.state.c!, trained.state.c!, { atol: 1e-12, rtol: 1e-12, label: 'final c' });
        }
        if (opts.bidirectional || lengths || opts.batchFirst) return;
        // sampling: one step at a time with the state fed back (state slices are views then)
        let s = st;
        for (let t = 0; t < T; t++) {
          const out = noGrad(() => layer.forward(slice(x, [[t, t + 1]]), { state: s }));
          expectTensorClose(out.output, slice(trained.output, [[t, t + 1]]), { atol: 1e-12, rtol: 1e-12, label: `output at step ${t}` });
          s = out.state as typeof s;
        }
        expectTensorClose(s.h, trained.state.h, { atol: 1e-12, rtol: 1e-12, label: 'final h, step by step' });
        // the caller's state is read, never written
        expect(Array.from(st.h.data), 'initial h unchanged').toEqual(hBefore);
      });
    }
  }
});
