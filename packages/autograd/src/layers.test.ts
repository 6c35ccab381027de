import {
  ArgumentError, add, Generator, matmul, ones, randn, ShapeError, type Tensor, tensor, zeros,
} from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import {
  Dropout, Embedding, fans, gradcheck, init, LayerNorm, Linear, noGrad, ReLU, Sequential, Tanh,
} from './index.js';

const gen = new Generator(11);
const r64 = (shape: number[], std = 1): Tensor => randn(shape, { dtype: 'float64', generator: gen, std });
const ids = (v: number[], shape?: number[]): Tensor => tensor(v, shape, 'int32');

/**
 * Finite-difference check of a scalar loss with respect to tensors used inside it in place
 * (module parameters and inputs): the analytic gradient comes from one backward().
 */
function checkInPlace(loss: () => Tensor, tensors: Tensor[], eps = 1e-6, tol = 1e-6): number {
  for (const t of tensors) t.grad = null;
  loss().backward();
  let checked = 0;
  noGrad(() => {
    for (const [k, t] of tensors.entries()) {
      for (let i = 0; i < t.size; i++) {
        const orig = t.data[i]!;
        t.data[i] = orig + eps;
        const fp = loss().item();
        t.data[i] = orig - eps;
        const fm = loss().item();
        t.data[i] = orig;
        const numeric = (fp - fm) / (2 * eps);
        const analytic = t.grad ? t.grad.data[i]! : 0;
        expect(Math.abs(analytic - numeric), `tensor ${k}, element ${i}: ${analytic} vs ${numeric}`).toBeLessThanOrEqual(tol * (1 + Math.abs(numeric)));
        checked++;
      }
    }
  });
  return checked;
}

/** A fixed random projection to a scalar, so every output element matters. */
const project = (y: Tensor, w: Tensor): Tensor => y.mul(w).sum();

describe('Linear', () => {
  it('shapes: (N,in), (B,T,in) and (in) inputs', () => {
    const lin = new Linear(4, 3);
    expect(lin.forward(randn([5, 4])).shape).toEqual([5, 3]);
    expect(lin.forward(randn([2, 5, 4])).shape).toEqual([2, 5, 3]);
    expect(lin.forward(randn([4])).shape).toEqual([3]);
    expect(lin.weight.shape).toEqual([3, 4]);
    expect(lin.bias!.shape).toEqual([3]);
    expect(new Linear(4, 3, { bias: false }).bias).toBeNull();
  });

  it('computes x W^T + b', () => {
    const lin = new Linear(2, 2, { dtype: 'float64' });
    lin.loadStateDict({ weight: tensor([[1, 2], [3, 4]], undefined, 'float64'), bias: tensor([0.5, -1], undefined, 'float64') });
    expect(Array.from(lin.forward(tensor([[1, -1]], undefined, 'float64')).data)).toEqual([-0.5, -2]);
    expect(Array.from(lin.forward(tensor([[[1, -1]]], undefined, 'float64')).data)).toEqual([-0.5, -2]);
  });

  it('rejects a wrong input size with a ShapeError naming the shape', () => {
    const lin = new Linear(4, 3);
    expect(() => lin.forward(randn([2, 5]))).toThrow(ShapeError);
    expect(() => lin.forward(randn([2, 5]))).toThrow(/\(2,5\)/);
    expect(() => lin.forward(zeros([]))).toThrow(ShapeError);
    expect(() => new Linear(0, 3)).toThrow(ArgumentError);
    expect(() => new Linear(2, 1.5)).toThrow(ArgumentError);
  });

  it('PyTorch default init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias, seeded', () => {
    const lin = new Linear(64, 32, { generator: new Generator(1) });
    const bound = 1 / 8;
    const w = Array.from(lin.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(Math.max(...Array.from(lin.bias!.data, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Array.from(new Linear(64, 32, { generator: new Generator(1) }).weight.data)).toEqual(w);
  });

  it('gradcheck in float64 for the input, weight and bias (2-D and 3-D inputs)', () => {
    const lin = new Linear(3, 4, { dtype: 'float64', generator: new Generator(2) });
    expect(lin.weight.dtype).toBe('float64');
    const x = r64([2, 3]).requiresGrad_();
    const w = r64([2, 4]);
    expect(checkInPlace(() => project(lin.forward(x), w), [x, lin.weight, lin.bias!])).toBe(6 + 12 + 4);
    const x3 = r64([2, 2, 3]).requiresGrad_();
    const w3 = r64([2, 2, 4]);
    checkInPlace(() => project(lin.forward(x3).tanh(), w3), [x3, lin.weight, lin.bias!]);
    const report = gradcheck((a) => lin.forward(a!), [r64([3, 3])]);
    expect(report.ok, JSON.stringify(report.worst)).toBe(true);
  });
});

describe('Embedding', () => {
  it('looks up rows: (B,T) ids -> (B,T,dim)', () => {
    const emb = new Embedding(5, 3);
    const out = emb.forward(ids([1, 2, 4, 1, 0, 3], [2, 3]));
    expect(out.shape).toEqual([2, 3, 3]);
    expect(Array.from(out.data.subarray(0, 3))).toEqual(Array.from(emb.weight.data.subarray(3, 6)));
    expect(Array.from(out.data.subarray(9, 12))).toEqual(Array.from(emb.weight.data.subarray(3, 6)));
  });

  it('repeated ids accumulate gradient; unused rows get zero', () => {
    const emb = new Embedding(4, 2, { dtype: 'float64' });
    emb.forward(ids([1, 3, 1])).sum().backward();
    expect(Array.from(emb.weight.grad!.data)).toEqual([0, 0, 2, 2, 0, 0, 1, 1]);
  });

  it('paddingIdx: the row starts at zero, outputs zeros and receives no gradient', () => {
    const emb = new Embedding(6, 3, { paddingIdx: 2, dtype: 'float64', generator: new Generator(4) });
    expect(Array.from(emb.weight.data.subarray(6, 9))).toEqual([0, 0, 0]);
    emb.weight.data.set([5, 6, 7], 6); // even if the row is later changed, the output is zero
    const tokens = ids([2, 0, 2, 5], [2, 2]);
    const out = emb.forward(tokens);
    expect(Array.from(out.data.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(out.data.subarray(6, 9))).toEqual([0, 0, 0]);
    expect(Array.from(out.data.subarray(3, 6))).toEqual(Array.from(emb.weight.data.subarray(0, 3)));
    const w = r64([2, 2, 3]);
    project(out, w).backward();
    expect(Array.from(emb.weight.grad!.data.subarray(6, 9))).toEqual([0, 0, 0]);
    expect(Array.from(emb.weight.grad!.data.subarray(0, 3))).toEqual(Array.from(w.data.subarray(3, 6)));
  });

  it('gradcheck of the weight in float64, with and without padding', () => {
    for (const paddingIdx of [undefined, 1]) {
      const emb = new Embedding(4, 3, { dtype: 'float64', paddingIdx, generator: new Generator(5) });
      const tokens = ids([0, 1, 3, 3, 1, 2], [3, 2]);
      const w = r64([3, 2, 3]);
      checkInPlace(() => project(emb.forward(tokens).tanh(), w), [emb.weight]);
    }
  });

  it('errors: paddingIdx out of range, ids out of range', () => {
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(ArgumentError);
    expect(() => new Embedding(4, 2, { paddingIdx: -1 })).toThrow(/paddingIdx -1/);
    expect(() => new Embedding(4, 2).forward(ids([0, 4]))).toThrow(/4/);
  });
});

describe('LayerNorm', () => {
  it('normalizes the last axis to mean 0 and variance 1 (biased), then applies gain and bias', () => {
    const ln = new LayerNorm(6, 1e-5, { dtype: 'float64' });
    const x = r64([3, 6], 3).add(2);
    const y = ln.forward(x);
    expect(y.shape).toEqual([3, 6]);
    for (let r = 0; r < 3; r++) {
      const row = Array.from(y.data.subarray(r * 6, r * 6 + 6));
      const m = row.reduce((a, b) => a + b, 0) / 6;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 6;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 4);
      // reference for row r
      const xr = Array.from(x.data.subarray(r * 6, r * 6 + 6));
      const xm = xr.reduce((a, b) => a + b, 0) / 6;
      const xv = xr.reduce((a, b) => a + (b - xm) ** 2, 0) / 6;
      row.forEach((val, j) => {
        expect(val).toBeCloseTo((xr[j]! - xm) / Math.sqrt(xv + 1e-5), 12);
      });
    }
    ln.weight.data.fill(2);
    ln.bias.data.fill(-1);
    const y2 = ln.forward(x);
    y2.data.forEach((v, i) => {
      expect(v).toBeCloseTo(2 * y.data[i]! - 1, 12);
    });
  });

  it('gradcheck in float64 for input, weight and bias, on (B,T,C)', () => {
    const ln = new LayerNorm(5, 1e-5, { dtype: 'float64' });
    ln.weight.data.set(r64([5]).add(1).data);
    ln.bias.data.set(r64([5]).data);
    const x = r64([2, 3, 5]).requiresGrad_();
    const w = r64([2, 3, 5]);
    checkInPlace(() => project(ln.forward(x), w), [x, ln.weight, ln.bias], 1e-6, 1e-6);
  });

  it('rejects a wrong last dimension', () => {
    expect(() => new LayerNorm(4).forward(zeros([2, 5]))).toThrow(ShapeError);
    expect(() => new LayerNorm(4).forward(zeros([2, 5]))).toThrow(/\(2,5\)/);
  });
});

describe('Dropout', () => {
  it('is the identity in eval mode and with p = 0', () => {
    const x = randn([4, 5]);
    const d = new Dropout(0.5).eval();
    expect(Array.from(d.forward(x).data)).toEqual(Array.from(x.data));
    expect(Array.from(new Dropout(0).forward(x).data)).toEqual(Array.from(x.data));
  });

  it('in training keeps about (1 - p) of the elements and scales them by 1/(1 - p)', () => {
    const p = 0.3;
    const n = 100_000;
    const y = new Dropout(p, { generator: new Generator(9) }).forward(ones([n]));
    let kept = 0;
    let total = 0;
    let wrongScale = 0;
    for (const v of y.data) {
      if (v !== 0) {
        kept++;
        if (Math.abs(v - 1 / (1 - p)) > 1e-6) wrongScale++;
      }
      total += v;
    }
    expect(wrongScale).toBe(0);
    // binomial std of the kept fraction: sqrt(p(1-p)/n) ~ 0.0015
    expect(Math.abs(kept / n - (1 - p))).toBeLessThan(0.01);
    expect(Math.abs(total / n - 1)).toBeLessThan(0.015); // expectation preserved
  });

  it('is reproducible with a seeded generator and different across seeds', () => {
    const x = ones([200]);
    const a = new Dropout(0.5, { generator: new Generator(42) }).forward(x);
    const b = new Dropout(0.5, { generator: new Generator(42) }).forward(x);
    const c = new Dropout(0.5, { generator: new Generator(43) }).forward(x);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    // successive calls draw fresh masks
    const d = new Dropout(0.5, { generator: new Generator(42) });
    expect(Array.from(d.forward(x).data)).not.toEqual(Array.from(d.forward(x).data));
  });

  it('the gradient is the same mask and scale', () => {
    const x = r64([50]).requiresGrad_();
    const y = new Dropout(0.4, { generator: new Generator(1) }).forward(x);
    y.sum().backward();
    x.grad!.data.forEach((g, i) => {
      expect(g).toBeCloseTo(y.data[i]! / x.data[i]!, 10);
    });
  });

  it('rejects p outside [0, 1)', () => {
    expect(() => new Dropout(1)).toThrow(ArgumentError);
    expect(() => new Dropout(-0.1)).toThrow(ArgumentError);
    expect(() => new Dropout(Number.NaN)).toThrow(ArgumentError);
  });
});

describe('Sequential', () => {
  it('chains layers, exposes their parameters and passes gradcheck', () => {
    const g = new Generator(8);
    const net = new Sequential(
      new Linear(3, 5, { dtype: 'float64', generator: g }), new Tanh(),
      new LayerNorm(5, 1e-5, { dtype: 'float64' }),
      new Linear(5, 2, { dtype: 'float64', generator: g }), new ReLU(),
    );
    const x = r64([4, 3]).requiresGrad_();
    const [l0, , ln, l1] = net.layers as [Linear, Tanh, LayerNorm, Linear];
    const manual = l1.forward(ln.forward(l0.forward(x).tanh())).relu();
    expect(Array.from(net.forward(x).data)).toEqual(Array.from(manual.data));
    expect(net.forward(r64([2, 7, 3])).shape).toEqual([2, 7, 2]);
    expect(net.parameters()).toHaveLength(6);
    // bias shift keeps ReLU away from its kink at the sampled points
    l1.bias!.data.fill(3);
    const w = r64([4, 2]);
    checkInPlace(() => project(net.forward(x), w), [x, ...net.parameters()]);
  });

  it('propagates input-shape errors from the inner layer', () => {
    const net = new Sequential(new Linear(3, 4), new Tanh(), new Linear(5, 1));
    expect(() => net.forward(zeros([2, 3]))).toThrow(/Linear: expected input \(\.\.\., 5\), got \(2,4\)/);
  });

  it('an empty Sequential is the identity', () => {
    const x = randn([2]);
    expect(new Sequential().forward(x)).toBe(x);
  });
});

describe('init', () => {
  const stats = (t: Tensor): { mean: number; std: number; maxAbs: number } => {
    let s = 0;
    let s2 = 0;
    let m = 0;
    for (const v of t.data) { s += v; s2 += v * v; m = Math.max(m, Math.abs(v)); }
    const mean = s / t.size;
    return { mean, std: Math.sqrt(s2 / t.size - mean * mean), maxAbs: m };
  };

  it('fans follow PyTorch: (out, in, ...kernel)', () => {
    expect(fans(zeros([8, 4]))).toEqual({ fanIn: 4, fanOut: 8 });
    expect(fans(zeros([16, 3, 5, 5]))).toEqual({ fanIn: 75, fanOut: 400 });
    expect(() => fans(zeros([5]))).toThrow(ArgumentError);
  });

  it('xavierUniform_: within +-sqrt(6/(in+out)), std a/sqrt(3), gain applied', () => {
    const a = Math.sqrt(6 / (384 + 256));
    const s = stats(init.xavierUniform_(zeros([256, 384]), { generator: new Generator(1) }));
    expect(s.maxAbs).toBeLessThanOrEqual(a);
    expect(s.maxAbs).toBeGreaterThan(0.99 * a);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * a);
    expect(s.std / (a / Math.sqrt(3))).toBeCloseTo(1, 1);
    expect(Math.abs(s.std / (a / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    const s2 = stats(init.xavierUniform_(zeros([256, 384]), { gain: 2, generator: new Generator(1) }));
    expect(s2.maxAbs).toBeCloseTo(2 * s.maxAbs, 6);
  });

  it('xavierNormal_: std sqrt(2/(in+out))', () => {
    const s = stats(init.xavierNormal_(zeros([256, 384]), { generator: new Generator(2) }));
    expect(Math.abs(s.std / Math.sqrt(2 / 640) - 1)).toBeLessThan(0.02);
    expect(Math.abs(s.mean)).toBeLessThan(0.01 * s.std);
  });

  it('kaimingUniform_: bound sqrt(2) * sqrt(3/fan), fanIn or fanOut', () => {
    const b = Math.SQRT2 * Math.sqrt(3 / 384);
    const s = stats(init.kaimingUniform_(zeros([256, 384]), { generator: new Generator(3) }));
    expect(s.maxAbs).toBeLessThanOrEqual(b);
    expect(s.maxAbs).toBeGreaterThan(0.99 * b);
    expect(Math.abs(s.std / Math.sqrt(2 / 384) - 1)).toBeLessThan(0.02); // He: var = 2 / fanIn
    const bo = Math.SQRT2 * Math.sqrt(3 / 256);
    const so = stats(init.kaimingUniform_(zeros([256, 384]), { mode: 'fanOut', generator: new Generator(3) }));
    expect(so.maxAbs).toBeLessThanOrEqual(bo);
    expect(so.maxAbs).toBeGreaterThan(0.99 * bo);
  });

  it('kaimingNormal_: std sqrt(2/fan)', () => {
    const s = stats(init.kaimingNormal_(zeros([256, 384]), { generator: new Generator(4) }));
    expect(Math.abs(s.std / Math.sqrt(2 / 384) - 1)).toBeLessThan(0.02);
    const so = stats(init.kaimingNormal_(zeros([256, 384]), { mode: 'fanOut', generator: new Generator(4) }));
    expect(Math.abs(so.std / Math.sqrt(2 / 256) - 1)).toBeLessThan(0.02);
  });

  it('uniform_, normal_ and constant_', () => {
    const u = stats(init.uniform_(zeros([20000]), -2, 4, { generator: new Generator(5) }));
    expect(Math.abs(u.mean - 1)).toBeLessThan(0.05);
    const n = stats(init.normal_(zeros([20000], { dtype: 'float64' }), 3, 0.5, { generator: new Generator(6) }));
    expect(Math.abs(n.mean - 3)).toBeLessThan(0.02);
    expect(Math.abs(n.std - 0.5)).toBeLessThan(0.02);
    expect(Array.from(init.constant_(zeros([3]), 7).data)).toEqual([7, 7, 7]);
  });

  const gram = (q: Tensor, cols: boolean): Tensor => (cols ? matmul(q.T, q) : matmul(q, q.T));
  const maxDevFromIdentity = (m: Tensor): number => {
    const n = m.shape[0]!;
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(m.data[i * n + j]! - (i === j ? 1 : 0)));
    return worst;
  };

  it('orthogonal_: 64x32 has orthonormal columns (Q^T Q = I)', () => {
    const q = init.orthogonal_(zeros([64, 32], { dtype: 'float64' }), { generator: new Generator(7) });
    expect(maxDevFromIdentity(gram(q, true))).toBeLessThan(1e-12);
  });

  it('orthogonal_: 32x64 has orthonormal rows (Q Q^T = I), and 32x32 is orthogonal both ways', () => {
    const q = init.orthogonal_(zeros([32, 64], { dtype: 'float64' }), { generator: new Generator(8) });
    expect(maxDevFromIdentity(gram(q, false))).toBeLessThan(1e-12);
    const sq = init.orthogonal_(zeros([32, 32], { dtype: 'float64' }), { generator: new Generator(9) });
    expect(maxDevFromIdentity(gram(sq, true))).toBeLessThan(1e-12);
    expect(maxDevFromIdentity(gram(sq, false))).toBeLessThan(1e-12);
  });

  it('orthogonal_: float32 works to float32 precision, gain scales, seeds reproduce', () => {
    const q = init.orthogonal_(zeros([48, 24]), { generator: new Generator(10) });
    expect(maxDevFromIdentity(gram(q, true))).toBeLessThan(1e-5);
    const q2 = init.orthogonal_(zeros([48, 24]), { gain: 2, generator: new Generator(10) });
    q2.data.forEach((v, i) => {
      expect(v).toBeCloseTo(2 * q.data[i]!, 6);
    });
    expect(Array.from(init.orthogonal_(zeros([48, 24]), { generator: new Generator(10) }).data)).toEqual(Array.from(q.data));
    expect(() => init.orthogonal_(zeros([5]))).toThrow(ArgumentError);
  });

  it('orthogonal_: 1024x1024 finishes and sampled columns are orthonormal', () => {
    const n = 1024;
    const q = init.orthogonal_(zeros([n, n], { dtype: 'float64' }), { generator: new Generator(12) });
    const col = (c: number): Float64Array => Float64Array.from({ length: n }, (_, r) => q.data[r * n + c]!);
    const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
    const g = new Generator(13);
    for (let k = 0; k < 8; k++) {
      const i = g.randint(0, n);
      let j = g.randint(0, n);
      if (j === i) j = (j + 1) % n;
      const ci = col(i);
      expect(dot(ci, ci)).toBeCloseTo(1, 10);
      expect(Math.abs(dot(ci, col(j)))).toBeLessThan(1e-10);
    }
    // first and last columns are the most and least re-orthogonalized ones
    expect(Math.abs(dot(col(0), col(n - 1)))).toBeLessThan(1e-10);
    expect(dot(col(n - 1), col(n - 1))).toBeCloseTo(1, 10);
    // rows too (a square orthogonal matrix)
    const r0 = q.data.subarray(0, n);
    const r1 = q.data.subarray(n, 2 * n);
    expect(Math.abs(dot(Float64Array.from(r0), Float64Array.from(r1)))).toBeLessThan(1e-10);
    expect(add(q, 0).shape).toEqual([n, n]);
  });
});
