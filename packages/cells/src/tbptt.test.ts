import { crossEntropy, Linear } from '@unroll/autograd';
import { ArgumentError, add, concat, Generator, mul, randint, randn, ShapeError, slice, sum, type Tensor, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { GRU, LSTM, type RecurrentLayer, type RecurrentState, RNN } from './layers.js';
import { detachState, resizeState, TruncatedBPTT } from './tbptt.js';

const f64 = { dtype: 'float64' } as const;

type Ctor = new (d: number, h: number, o: { dtype: 'float64'; generator: Generator; numLayers?: number }) => RecurrentLayer;
const KINDS: [string, Ctor][] = [['RNN', RNN], ['LSTM', LSTM], ['GRU', GRU]];

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

describe('TruncatedBPTT', () => {
  for (const [name, Layer] of KINDS) {
    it(`${name}: chunked forward with the carried state equals the full-sequence forward`, () => {
      const g = new Generator(1);
      const T = 10, B = 3, D = 2, H = 4;
      const layer = new Layer(D, H, { dtype: 'float64', generator: g, numLayers: 2 });
      const x = randn([T, B, D], { ...f64, generator: g });
      const full = layer.forward(x);
      const tbptt = new TruncatedBPTT({ k1: 4, k2: 2 });
      const outs: Tensor[] = [];
      const spans: [number, number][] = [];
      for (const chunk of tbptt.chunks(x)) {
        spans.push([chunk.start, chunk.end]);
        expect(chunk.y).toBeUndefined();
        tbptt.runChunk(chunk.x, undefined, (xs, _y, state) => {
          const out = layer.forward(xs, { state });
          outs.push(out.output);
          return { loss: out.output.sum(), state: out.state };
        });
      }
      expect(spans).toEqual([[0, 4], [4, 8], [8, 10]]); // the last chunk is shorter
      expect(outs.length).toBe(5); // segments of k2 = 2 steps: 2 + 2 + 1
      // float64: bitwise on the reference backend; a blocked gemm may round the
      // chunk-sized input projection differently, hence the 1e-13 bound
      expect(maxDiff(concat(outs, 0), full.output)).toBeLessThanOrEqual(1e-13);
      expect(maxDiff(tbptt.state!.h, full.state.h)).toBeLessThanOrEqual(1e-13);
      if (full.state.c) expect(maxDiff(tbptt.state!.c!, full.state.c)).toBeLessThanOrEqual(1e-13);
    });

    it(`${name}: with k1 = k2 = T the loss and gradients equal full BPTT`, () => {
      const g = new Generator(2);
      const T = 6, B = 2, D = 3, H = 4, V = 3;
      const layer = new Layer(D, H, { dtype: 'float64', generator: g });
      const head = new Linear(H, V, { dtype: 'float64', generator: g });
      const x0 = randn([T, B, D], { ...f64, generator: g });
      const y = randint(0, V, [T, B], { generator: g });
      const params = [...layer.parameters(), ...head.parameters()];
      const run = (useTbptt: boolean) => {
        for (const p of params) p.grad = null;
        const x = x0.clone().requiresGrad_();
        let loss: Tensor;
        if (useTbptt) {
          const tbptt = new TruncatedBPTT({ k1: T, k2: T });
          loss = tbptt.runChunk(x, y, (xs, ys, state) => {
            const out = layer.forward(xs, { state });
            return { loss: crossEntropy(head.forward(out.output), ys), state: out.state };
          });
        } else {
          loss = crossEntropy(head.forward(layer.forward(x).output), y);
        }
        loss.backward();
        return { loss: loss.item(), grads: [x.grad!, ...params.map((p) => p.grad!)] };
      };
      const a = run(true);
      const b = run(false);
      expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-13);
      a.grads.forEach((ga, i) => {
        expect(ga, `grad ${i}`).toBeTruthy();
        expect(maxDiff(ga, b.grads[i]!), `grad ${i}`).toBeLessThanOrEqual(1e-13);
      });
      expect(a.grads[0]!.data.some((v) => v !== 0)).toBe(true);
    });

    it(`${name}: with k2 < k1 no gradient reaches inputs more than k2 steps before a segment's loss`, () => {
      const g = new Generator(3);
      const k1 = 6, k2 = 2, B = 2, D = 2, H = 3;
      const layer = new Layer(D, H, { dtype: 'float64', generator: g });
      const x0 = randn([k1, B, D], { ...f64, generator: g });
      const gradOfLastSegmentLoss = (tb: TruncatedBPTT) => {
        const x = x0.clone().requiresGrad_();
        let seg = 0;
        const segments = Math.ceil(k1 / tb.k2);
        const loss = tb.runChunk(x, undefined, (xs, _y, state) => {
          const out = layer.forward(xs, { state });
          const last = ++seg === segments;
          // only the chunk's last segment (steps 4, 5 when k2 = 2) is scored
          return { loss: mul(out.output.square().sum(), last ? 1 : 0), state: out.state };
        });
        loss.backward();
        return x.grad!;
      };
      const truncated = gradOfLastSegmentLoss(new TruncatedBPTT({ k1, k2 }));
      const stepNorm = (gx: Tensor, t: number) => Math.hypot(...Array.from(gx.data.subarray(t * B * D, (t + 1) * B * D)));
      for (let t = 0; t < k1 - k2; t++) expect(stepNorm(truncated, t), `step ${t}`).toBe(0);
      for (let t = k1 - k2; t < k1; t++) expect(stepNorm(truncated, t), `step ${t}`).toBeGreaterThan(0);
      // untruncated (k2 = k1) the same loss does reach the older inputs
      const untruncated = gradOfLastSegmentLoss(new TruncatedBPTT({ k1 }));
      for (let t = 0; t < k1; t++) expect(stepNorm(untruncated, t), `step ${t}`).toBeGreaterThan(0);
    });
  }

  // k1 % k2 != 0: segments of unequal length, the last one a single step
  for (const [k1, k2] of [[5, 2], [7, 3], [4, 3]] as const) {
    for (const [name, Layer] of KINDS) {
      it(`${name}, k1 = ${k1}, k2 = ${k2}: loss and gradients equal a hand-built graph of detached segments`, () => {
        const g = new Generator(8);
        const B = 2, D = 3, H = 4, V = 3;
        const layer = new Layer(D, H, { dtype: 'float64', generator: g });
        const head = new Linear(H, V, { dtype: 'float64', generator: g });
        const x0 = randn([k1, B, D], { ...f64, generator: g });
        const y = randint(0, V, [k1, B], { generator: g });
        const params = [...layer.parameters(), ...head.parameters()];
        const grads = (x: Tensor) => [x.grad!, ...params.map((p) => p.grad!)];
        const reset = () => { for (const p of params) p.grad = null; };

        reset();
        const x = x0.clone().requiresGrad_();
        const loss = new TruncatedBPTT({ k1, k2 }).runChunk(x, y, (xs, ys, state) => {
          const out = layer.forward(xs, { state });
          return { loss: crossEntropy(head.forward(out.output), ys), state: out.state };
        });
        loss.backward();
        const got = grads(x);

        // the reference: segments [s, s+k2) written out, each started from the previous state cut
        // off the graph with Tensor.detach(), weighted by its share of the k1 steps
        reset();
        const xr = x0.clone().requiresGrad_();
        let state: RecurrentState | undefined;
        let ref: Tensor | undefined;
        for (let s = 0; s < k1; s += k2) {
          const e = Math.min(k1, s + k2);
          const out = layer.forward(slice(xr, [[s, e]]), { state });
          const term = mul(crossEntropy(head.forward(out.output), slice(y, [[s, e]])), (e - s) / k1);
          ref = ref ? add(ref, term) : term;
          state = { h: out.state.h.detach(), ...(out.state.c ? { c: out.state.c.detach() } : {}) };
        }
        ref!.backward();
        const want = grads(xr);

        // the loss is the mean over all k1 steps: the full-sequence loss (detaching changes no value)
        const fullLoss = crossEntropy(head.forward(layer.forward(x0).output), y).item();
        expect(Math.abs(loss.item() - fullLoss)).toBeLessThanOrEqual(1e-13);
        expect(Math.abs(loss.item() - ref!.item())).toBeLessThanOrEqual(1e-13);
        got.forEach((ga, i) => {
          expect(ga, `grad ${i}`).toBeTruthy();
          expect(maxDiff(ga, want[i]!), `grad ${i}`).toBeLessThanOrEqual(1e-13);
        });
      });

      it(`${name}, k1 = ${k1}, k2 = ${k2}: the last (shorter) segment's loss reaches only its own inputs`, () => {
        const g = new Generator(9);
        const B = 2, D = 2, H = 3;
        const layer = new Layer(D, H, { dtype: 'float64', generator: g });
        const x = randn([k1, B, D], { ...f64, generator: g }).requiresGrad_();
        const lastStart = Math.floor((k1 - 1) / k2) * k2;
        const loss = new TruncatedBPTT({ k1, k2 }).runChunk(x, undefined, (xs, _y, state) => {
          const out = layer.forward(xs, { state });
          // score only the steps of the last segment
          return { loss: mul(out.output.square().sum(), xs.shape[0] === k1 - lastStart && state !== undefined ? 1 : 0), state: out.state };
        });
        loss.backward();
        const stepNorm = (t: number) => Math.hypot(...Array.from(x.grad!.data.subarray(t * B * D, (t + 1) * B * D)));
        for (let t = 0; t < lastStart; t++) expect(stepNorm(t), `step ${t}`).toBe(0);
        for (let t = lastStart; t < k1; t++) expect(stepNorm(t), `step ${t}`).toBeGreaterThan(0);
      });
    }
  }

  it('detaches the carried state between chunks: no gradient into the previous chunk', () => {
    const g = new Generator(4);
    const layer = new LSTM(2, 3, { dtype: 'float64', generator: g });
    const tbptt = new TruncatedBPTT({ k1: 3 });
    const x1 = randn([3, 2, 2], { ...f64, generator: g }).requiresGrad_();
    const x2 = randn([3, 2, 2], { ...f64, generator: g }).requiresGrad_();
    const fwd = (xs: Tensor, _y: undefined, state: RecurrentState | undefined) => {
      const out = layer.forward(xs, { state });
      return { loss: out.output.sum(), state: out.state };
    };
    tbptt.runChunk(x1, undefined, fwd); // not backpropagated
    expect(tbptt.state!.h.shape).toEqual([1, 2, 3]);
    const loss = tbptt.runChunk(x2, undefined, fwd);
    loss.backward();
    expect(x2.grad).toBeTruthy();
    expect(x1.grad ?? null).toBeNull();
  });

  it('resetState: the next chunk starts from zeros', () => {
    const g = new Generator(5);
    const layer = new GRU(2, 3, { dtype: 'float64', generator: g });
    const tbptt = new TruncatedBPTT({ k1: 4 });
    const x = randn([4, 2, 2], { ...f64, generator: g });
    const seen: (RecurrentState | undefined)[] = [];
    const fwd = (xs: Tensor, _y: undefined, state: RecurrentState | undefined) => {
      seen.push(state);
      const out = layer.forward(xs, { state });
      return { loss: out.output.sum(), state: out.state };
    };
    const first = tbptt.runChunk(x, undefined, fwd).item();
    expect(seen[0]).toBeUndefined();
    const carried = tbptt.runChunk(x, undefined, fwd).item();
    expect(seen[1]).toBeDefined();
    expect(carried).not.toBeCloseTo(first, 8); // the carried state changes the result
    tbptt.resetState();
    expect(tbptt.state).toBeUndefined();
    const again = tbptt.runChunk(x, undefined, fwd).item();
    expect(seen[2]).toBeUndefined();
    expect(again).toBe(first);
  });

  it('a last batch with fewer rows uses the first rows of the carried state', () => {
    const g = new Generator(6);
    const layer = new LSTM(2, 3, { dtype: 'float64', generator: g, numLayers: 2 });
    const tbptt = new TruncatedBPTT({ k1: 3 });
    const fwd = (xs: Tensor, _y: undefined, state: RecurrentState | undefined) => {
      const out = layer.forward(xs, { state });
      return { loss: out.output.sum(), state: out.state };
    };
    tbptt.runChunk(randn([3, 4, 2], { ...f64, generator: g }), undefined, fwd);
    const carried = tbptt.state!;
    expect(carried.h.shape).toEqual([2, 4, 3]);
    const small = randn([2, 2, 2], { ...f64, generator: g }); // a shorter chunk of 2 rows
    let seenState: RecurrentState | undefined;
    const loss = tbptt.runChunk(small, undefined, (xs, y, state) => {
      seenState = state;
      return fwd(xs, y, state);
    });
    expect(seenState!.h.shape).toEqual([2, 2, 3]);
    expect(seenState!.c!.shape).toEqual([2, 2, 3]);
    const rows = (t: Tensor) => t.slice(null, [0, 2]);
    expect(maxDiff(seenState!.h, rows(carried.h))).toBe(0);
    expect(maxDiff(seenState!.c!, rows(carried.c!))).toBe(0);
    const expected = layer.forward(small, { state: { h: rows(carried.h), c: rows(carried.c!) } }).output.sum();
    expect(loss.item()).toBeCloseTo(expected.item(), 12);
    expect(tbptt.state!.h.shape).toEqual([2, 2, 3]);
  });

  it('resizeState keeps the first rows of a smaller batch and zero-pads a larger one; detachState cuts the graph', () => {
    const g = new Generator(7);
    const h = randn([2, 3, 4], { ...f64, generator: g }).requiresGrad_();
    const c = randn([2, 3, 4], { ...f64, generator: g });
    const big = resizeState({ h, c }, 5);
    expect(big.h.shape).toEqual([2, 5, 4]);
    for (let l = 0; l < 2; l++) {
      for (let b = 0; b < 5; b++) {
        for (let j = 0; j < 4; j++) {
          const v = big.c!.data[(l * 5 + b) * 4 + j]!;
          expect(v).toBe(b < 3 ? c.data[(l * 3 + b) * 4 + j]! : 0);
        }
      }
    }
    const smallS = resizeState({ h }, 1);
    expect(smallS.h.shape).toEqual([2, 1, 4]);
    expect(Array.from(smallS.h.data)).toEqual([...h.data.subarray(0, 4), ...h.data.subarray(12, 16)]);
    expect('c' in smallS).toBe(false);
    expect(resizeState({ h }, 3).h).toBe(h);
    const d = detachState({ h: mul(h, 2), c });
    expect(d.h.requiresGrad).toBe(false);
    sum(mul(d.h, h)).backward();
    // only the direct use of h contributes: d.h is a constant 2h
    expect(Array.from(h.grad!.data)).toEqual(Array.from(h.data, (v) => 2 * v));
  });

  it('chunks checks that targets have the inputs\' length', () => {
    const tbptt = new TruncatedBPTT({ k1: 2 });
    const inputs = zeros([5, 1, 1]);
    const ys = [...tbptt.chunks(inputs, zeros([5, 1]))];
    expect(ys.map((c) => c.y!.shape[0])).toEqual([2, 2, 1]);
    expect(() => [...tbptt.chunks(inputs, zeros([4, 1]))]).toThrow(ShapeError);
  });

  it('bad k1 / k2 throw ArgumentError', () => {
    for (const opts of [{ k1: 0 }, { k1: -3 }, { k1: 2.5 }, { k1: Number.NaN }, { k1: 4, k2: 0 }, { k1: 4, k2: 5 }, { k1: 4, k2: 1.5 }]) {
      expect(() => new TruncatedBPTT(opts), JSON.stringify(opts)).toThrow(ArgumentError);
    }
    expect(() => new TruncatedBPTT({ k1: 4, k2: 5 })).toThrow(/k2/);
    expect(() => new TruncatedBPTT({ k1: 0 })).toThrow(/k1/);
    const ok = new TruncatedBPTT({ k1: 4 });
    expect([ok.k1, ok.k2]).toEqual([4, 4]);
  });
});
