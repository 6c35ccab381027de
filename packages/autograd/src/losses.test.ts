import {
  ArgumentError, DTypeError, Generator, gather, logSoftmax, mul, randint, randn, ShapeError, sum,
  Tensor, tensor, zeros,
} from '@unroll/tensor';
import { expectClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  bceWithLogits, crossEntropy, gaussianKL, gradcheck, Linear, Module, mse, noGrad, type Reduction,
  valueAndGrad,
} from './index.js';

const gen = new Generator(21);
const r64 = (shape: number[], std = 1): Tensor => randn(shape, { dtype: 'float64', generator: gen, std });
const ids = (v: number[], shape?: number[]): Tensor => tensor(v, shape, 'int32');
const f64 = (v: number[], shape?: number[]): Tensor => tensor(v, shape, 'float64');
/** |actual - expected| <= 1e-12 (1 + |expected|) */
const TIGHT = { atol: 1e-12, rtol: 1e-12 };

function check(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  const report = gradcheck(f, inputs, { atol: 1e-7, rtol: 1e-6 });
  expect(report.checked).toBeGreaterThan(0);
  expect(report.ok, JSON.stringify(report.worst)).toBe(true);
}

/**
 * Cross-entropy composed from differentiable ops: -logSoftmax gathered at the targets, times the
 * per-element weight (0 where ignored), reduced like PyTorch (mean divides by the total weight).
 */
function referenceCE(logits: Tensor, targets: Tensor, opts: { ignoreIndex?: number; weight?: Tensor; reduction?: Reduction } = {}): Tensor {
  const w = new Float64Array(targets.size);
  const safe = new Int32Array(targets.size);
  for (let i = 0; i < targets.size; i++) {
    const t = targets.data[i]!;
    if (t === opts.ignoreIndex) continue;
    safe[i] = t;
    w[i] = opts.weight ? opts.weight.data[i]! : 1;
  }
  const idx = new Tensor(safe, [...targets.shape, 1]);
  const nll = gather(logSoftmax(logits, -1), -1, idx).reshape(targets.shape).mul(-1);
  const weighted = mul(nll, new Tensor(w, targets.shape).astype(logits.dtype));
  const reduction = opts.reduction ?? 'mean';
  if (reduction === 'none') return weighted;
  if (reduction === 'sum') return sum(weighted);
  return sum(weighted).div(w.reduce((a, b) => a + b, 0));
}

describe('crossEntropy against a composed reference', () => {
  const logits2 = r64([6, 5], 2);
  const targets2 = ids([0, 4, 2, 2, 1, 3]);
  const logits3 = r64([2, 3, 4], 2);
  const targets3 = ids([3, 0, -100, 1, 1, 2], [2, 3]);
  const weights3 = f64([1, 0.5, 2, 0, 1.5, 1], [2, 3]);

  const cases: { name: string; logits: Tensor; targets: Tensor; opts: { ignoreIndex?: number; weight?: Tensor; reduction?: Reduction } }[] = [];
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    cases.push({ name: `2-D, ${reduction}`, logits: logits2, targets: targets2, opts: { reduction } });
    cases.push({ name: `2-D, ignoreIndex 2 (in range), ${reduction}`, logits: logits2, targets: targets2, opts: { ignoreIndex: 2, reduction } });
    cases.push({ name: `3-D (B,T,C), ignoreIndex -100, ${reduction}`, logits: logits3, targets: targets3, opts: { ignoreIndex: -100, reduction } });
    cases.push({ name: `3-D, ignoreIndex + weights, ${reduction}`, logits: logits3, targets: targets3, opts: { ignoreIndex: -100, weight: weights3, reduction } });
  }

  for (const c of cases) {
    it(`${c.name}: value and gradient match`, () => {
      const [v, [g]] = valueAndGrad((x) => {
        const y = crossEntropy(x!, c.targets, c.opts);
        return c.opts.reduction === 'none' ? y.square().sum() : y; // a non-linear head exercises the 'none' gradient
      })(c.logits);
      const [vr, [gr]] = valueAndGrad((x) => {
        const y = referenceCE(x!, c.targets, c.opts);
        return c.opts.reduction === 'none' ? y.square().sum() : y;
      })(c.logits);
      expect(Math.abs(v - vr)).toBeLessThan(1e-12 * (1 + Math.abs(vr)));
      expectClose(g!.data, gr!.data, TIGHT);
      const out = crossEntropy(c.logits, c.targets, c.opts);
      expect(out.shape).toEqual(c.opts.reduction === 'none' ? c.targets.shape : []);
      expectClose(out.data, referenceCE(c.logits, c.targets, c.opts).data, TIGHT);
    });

    it(`${c.name}: gradcheck`, () => {
      check((x) => crossEntropy(x!, c.targets, c.opts), [c.logits]);
    });
  }

  it('ignored positions contribute no loss and no gradient, and are not counted in the mean', () => {
    const logits = r64([4, 3]);
    const t = ids([1, -1, 2, -1]);
    const full = crossEntropy(logits.slice([0, 1]).reshape([1, 3]), ids([1]), {}).item();
    const other = crossEntropy(logits.slice([2, 3]).reshape([1, 3]), ids([2]), {}).item();
    const [v, [g]] = valueAndGrad((x) => crossEntropy(x!, t, { ignoreIndex: -1 }))(logits);
    expect(v).toBeCloseTo((full + other) / 2, 12);
    expect(Array.from(g!.data.subarray(3, 6))).toEqual([0, 0, 0]);
    expect(Array.from(g!.data.subarray(9, 12))).toEqual([0, 0, 0]);
    // each counted row's gradient sums to zero (softmax - one-hot)
    expect(g!.data[0]! + g!.data[1]! + g!.data[2]!).toBeCloseTo(0, 14);
  });

  it('a 0/1 weight mask is the same as ignoring the masked positions', () => {
    const logits = r64([2, 3, 5]);
    const t = ids([1, 2, 3, 4, 0, 1], [2, 3]);
    const mask = tensor([1, 1, 0, 1, 0, 0], [2, 3]);
    const masked = crossEntropy(logits, t, { weight: mask }).item();
    const ignored = crossEntropy(logits, ids([1, 2, -7, 4, -7, -7], [2, 3]), { ignoreIndex: -7 }).item();
    expect(masked).toBeCloseTo(ignored, 12);
  });

  it('all targets ignored: mean is 0 with a zero gradient, not NaN', () => {
    const [v, [g]] = valueAndGrad((x) => crossEntropy(x!, ids([-100, -100]), { ignoreIndex: -100 }))(r64([2, 3]));
    expect(v).toBe(0);
    expect(Array.from(g!.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('large logits (1e4) stay finite: loss 0 when right, 2e4 when wrong, finite gradients', () => {
    const logits = f64([1e4, 0, -1e4, -1e4, 0, 1e4], [2, 3]);
    const perRow = crossEntropy(logits, ids([0, 0]), { reduction: 'none' });
    expect(Array.from(perRow.data)).toEqual([0, 2e4]);
    const [v, [g]] = valueAndGrad((x) => crossEntropy(x!, ids([0, 0])))(logits);
    expect(v).toBe(1e4);
    for (const x of g!.data) expect(Number.isFinite(x)).toBe(true);
    expectClose(g!.data, [0, 0, 0, -0.5, 0, 0.5], TIGHT);
    const big32 = crossEntropy(tensor([[1e4, -1e4, 3e4]]), ids([1]));
    expect(big32.dtype).toBe('float32');
    expect(big32.item()).toBe(4e4);
  });

  it('uniform logits give ln C, float32 logits give float32 loss and gradient', () => {
    const x = zeros([3, 7]).requiresGrad_();
    const loss = crossEntropy(x, ids([0, 3, 6]));
    expect(loss.dtype).toBe('float32');
    expect(loss.item()).toBeCloseTo(Math.log(7), 6);
    loss.backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.data[0]).toBeCloseTo((1 / 7 - 1) / 3, 6);
  });

  it('is not tracked inside noGrad or for logits that do not require grad', () => {
    expect(crossEntropy(r64([2, 3]), ids([0, 1])).requiresGrad).toBe(false);
    const x = r64([2, 3]).requiresGrad_();
    expect(noGrad(() => crossEntropy(x, ids([0, 1]))).requiresGrad).toBe(false);
    expect(crossEntropy(x, ids([0, 1])).requiresGrad).toBe(true);
  });
});

describe('crossEntropy errors', () => {
  it('a target out of range names the value and position', () => {
    expect(() => crossEntropy(zeros([2, 3]), ids([0, 3]))).toThrow(ArgumentError);
    expect(() => crossEntropy(zeros([2, 3]), ids([0, 3]))).toThrow(/target 3 at position 1 .*\[0, 3\)/);
    expect(() => crossEntropy(zeros([2, 3]), ids([-1, 0]))).toThrow(/target -1/);
    expect(() => crossEntropy(zeros([2, 3]), ids([-1, 0]), { ignoreIndex: -100 })).toThrow(/target -1/);
  });

  it('targets must be int32 and logits float', () => {
    expect(() => crossEntropy(zeros([2, 3]), tensor([0, 1]))).toThrow(DTypeError);
    expect(() => crossEntropy(zeros([2, 3]), tensor([0, 1]))).toThrow(/int32/);
    expect(() => crossEntropy(zeros([2, 3], { dtype: 'int32' }), ids([0, 1]))).toThrow(DTypeError);
  });

  it('shape mismatches name both shapes', () => {
    expect(() => crossEntropy(zeros([2, 3]), ids([0, 1, 2]))).toThrow(ShapeError);
    expect(() => crossEntropy(zeros([2, 3]), ids([0, 1, 2]))).toThrow(/\(2,3\).*\(2\).*\(3\)/);
    expect(() => crossEntropy(zeros([2, 4, 3]), ids([0, 1], [2]))).toThrow(ShapeError);
    expect(() => crossEntropy(zeros([2, 3]), ids([0, 1]), { weight: zeros([3]) })).toThrow(/weight \(3\)/);
  });

  it('an unknown reduction is an ArgumentError', () => {
    expect(() => crossEntropy(zeros([2, 3]), ids([0, 1]), { reduction: 'avg' as Reduction })).toThrow(ArgumentError);
    expect(() => mse(zeros([2]), zeros([2]), { reduction: 'avg' as Reduction })).toThrow(/mse: reduction/);
  });
});

describe('bceWithLogits', () => {
  const sig = (x: number): number => 1 / (1 + Math.exp(-x));
  const bce = (x: number, t: number): number => -(t * Math.log(sig(x)) + (1 - t) * Math.log(1 - sig(x)));

  it('matches -(t log sigma(x) + (1-t) log(1 - sigma(x))) for every reduction', () => {
    const x = r64([3, 4], 2);
    const t = tensor(Array.from({ length: 12 }, (_, i) => (i % 3) / 2), [3, 4], 'float64');
    const per = Array.from(x.data, (v, i) => bce(v, t.data[i]!));
    expectClose(bceWithLogits(x, t, { reduction: 'none' }).data, per, TIGHT);
    expect(bceWithLogits(x, t, { reduction: 'sum' }).item()).toBeCloseTo(per.reduce((a, b) => a + b, 0), 11);
    expect(bceWithLogits(x, t).item()).toBeCloseTo(per.reduce((a, b) => a + b, 0) / 12, 12);
  });

  it('gradient is sigmoid(x) - t, including exactly at x = 0', () => {
    const x = f64([0, 0, 0, 1.5, -2]);
    const t = f64([0, 1, 0.3, 1, 0]);
    const [, [gx]] = valueAndGrad((a) => bceWithLogits(a!, t, { reduction: 'sum' }))(x);
    expectClose(gx!.data, Array.from(x.data, (v, i) => sig(v) - t.data[i]!), TIGHT);
  });

  it('large logits stay finite', () => {
    const x = f64([100, -100, 800, -800]);
    const t = f64([1, 0, 0, 1]);
    const loss = bceWithLogits(x, t, { reduction: 'none' });
    expectClose(loss.data, [0, 0, 800, 800], TIGHT);
    const [, [g]] = valueAndGrad((a) => bceWithLogits(a!, t))(x);
    expectClose(g!.data, [0, 0, 0.25, -0.25], TIGHT);
  });

  it('gradcheck for logits and targets', () => {
    check((a, b) => bceWithLogits(a!, b!), [r64([2, 3], 2), tensor([0.1, 0.9, 0.5, 0, 1, 0.3], [2, 3], 'float64')]);
    check((a, b) => bceWithLogits(a!, b!, { reduction: 'none' }), [r64([5]), tensor([0.2, 0.8, 0.5, 0, 1], undefined, 'float64')]);
  });

  it('shape mismatch is a ShapeError naming both shapes', () => {
    expect(() => bceWithLogits(zeros([2, 3]), zeros([3, 2]))).toThrow(ShapeError);
    expect(() => bceWithLogits(zeros([2, 3]), zeros([3, 2]))).toThrow(/\(2,3\).*\(3,2\)/);
  });
});

describe('mse', () => {
  it('matches mean((x - y)^2), sum and none', () => {
    const x = f64([1, 2, 3, 4], [2, 2]);
    const y = f64([1, 4, 0, 5], [2, 2]);
    expect(mse(x, y).item()).toBe((0 + 4 + 9 + 1) / 4);
    expect(mse(x, y, { reduction: 'sum' }).item()).toBe(14);
    expect(Array.from(mse(x, y, { reduction: 'none' }).data)).toEqual([0, 4, 9, 1]);
  });

  it('gradient 2(x - y)/n and gradcheck', () => {
    const [, [gx, gy]] = valueAndGrad((a, b) => mse(a!, b!))(f64([1, 2]), f64([3, 2]));
    expectClose(gx!.data, [-2, 0], TIGHT);
    expectClose(gy!.data, [2, 0], TIGHT);
    check((a, b) => mse(a!, b!), [r64([3, 4]), r64([3, 4])]);
  });

  it('shape mismatch is a ShapeError', () => {
    expect(() => mse(zeros([2]), zeros([2, 1]))).toThrow(/mse: input \(2\) and target \(2,1\)/);
  });
});

describe('gaussianKL', () => {
  it('matches 0.5 * sum(mu^2 + e^logvar - logvar - 1) over the last axis', () => {
    const mu = r64([3, 4]);
    const lv = r64([3, 4], 0.5);
    const per = [0, 1, 2].map((r) => {
      let s = 0;
      for (let j = 0; j < 4; j++) {
        const m = mu.data[r * 4 + j]!;
        const l = lv.data[r * 4 + j]!;
        s += m * m + Math.exp(l) - l - 1;
      }
      return 0.5 * s;
    });
    expectClose(gaussianKL(mu, lv, { reduction: 'none' }).data, per, TIGHT);
    expect(gaussianKL(mu, lv, { reduction: 'none' }).shape).toEqual([3]);
    expect(gaussianKL(mu, lv, { reduction: 'sum' }).item()).toBeCloseTo(per[0]! + per[1]! + per[2]!, 12);
    expect(gaussianKL(mu, lv).item()).toBeCloseTo((per[0]! + per[1]! + per[2]!) / 3, 12);
  });

  it('is zero for the standard normal and positive otherwise', () => {
    expect(gaussianKL(zeros([2, 8]), zeros([2, 8])).item()).toBe(0);
    expect(gaussianKL(f64([0.1]), f64([0])).item()).toBeGreaterThan(0);
    expect(gaussianKL(f64([0]), f64([0.1])).item()).toBeGreaterThan(0);
  });

  it('gradient (mu, 0.5 (e^logvar - 1)) and gradcheck', () => {
    const [, [gm, gl]] = valueAndGrad((a, b) => gaussianKL(a!, b!, { reduction: 'sum' }))(f64([0.5, -1]), f64([0, Math.log(3)]));
    expectClose(gm!.data, [0.5, -1], TIGHT);
    expectClose(gl!.data, [0, 1], TIGHT);
    check((a, b) => gaussianKL(a!, b!), [r64([2, 3, 4]), r64([2, 3, 4], 0.5)]);
  });

  it('shape mismatch is a ShapeError', () => {
    expect(() => gaussianKL(zeros([2, 3]), zeros([2, 4]))).toThrow(ShapeError);
  });
});

describe('training sanity', () => {
  it('a Linear + softmax classifier with small init starts at ln(C) for C = 10', () => {
    const g = new Generator(31);
    const lin = new Linear(32, 10, { generator: g });
    lin.weight.mulInPlace_(0.01);
    lin.bias!.mulInPlace_(0.01);
    const x = randn([64, 32], { generator: g });
    const y = randint(0, 10, [64], { generator: g });
    const loss = crossEntropy(lin.forward(x), y).item();
    expect(Math.abs(loss - Math.log(10))).toBeLessThan(0.05);
  });

  it('a two-layer MLP overfits 8 examples of 3 classes to near-zero loss with plain SGD', () => {
    const g = new Generator(32);
    class MLP extends Module {
      fc1 = new Linear(4, 16, { generator: g });
      fc2 = new Linear(16, 3, { generator: g });
      forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).tanh()); }
    }
    const net = new MLP();
    const x = randn([8, 4], { generator: g });
    const y = ids([0, 1, 2, 0, 1, 2, 1, 0]);
    const lr = 0.5;
    const first = crossEntropy(net.forward(x), y).item();
    let loss = first;
    for (let step = 0; step < 2000 && loss >= 0.005; step++) {
      net.zeroGrad();
      const l = crossEntropy(net.forward(x), y);
      l.backward();
      loss = l.item();
      noGrad(() => {
        for (const p of net.parameters()) for (let i = 0; i < p.size; i++) p.data[i] = p.data[i]! - lr * p.grad!.data[i]!;
      });
    }
    const final = crossEntropy(net.forward(x), y).item();
    expect(first).toBeGreaterThan(0.5);
    expect(final).toBeLessThan(0.01);
    const pred = net.forward(x).argmax(-1);
    expect(Array.from(pred.data)).toEqual(Array.from(y.data));
  });
});

describe('crossEntropy labelSmoothing (PyTorch formula)', () => {
  /** (1 - ε) (-log p_t) + (ε/C) Σ_j (-log p_j) per element, weighted, mean over the total weight (PyTorch's label_smoothing). */
  function referenceSmoothed(logits: Tensor, targets: Tensor, eps: number, opts: { ignoreIndex?: number; weight?: Tensor; reduction?: Reduction } = {}): Tensor {
    const C = logits.shape[logits.ndim - 1]!;
    const nll = referenceCE(logits, targets, { ...opts, reduction: 'none' });
    const w = new Float64Array(targets.size);
    for (let i = 0; i < targets.size; i++) if (targets.data[i] !== opts.ignoreIndex) w[i] = opts.weight ? opts.weight.data[i]! : 1;
    const uniform = mul(sum(logSoftmax(logits, -1), -1).mul(-1 / C), new Tensor(w, targets.shape));
    const per = nll.mul(1 - eps).add(uniform.mul(eps));
    const reduction = opts.reduction ?? 'mean';
    if (reduction === 'none') return per;
    if (reduction === 'sum') return sum(per);
    return sum(per).div(w.reduce((a, b) => a + b, 0));
  }

  it('a value worked by hand from PyTorch\'s formula: logits [1,2,3], target 0, ε = 0.1', () => {
    const lse = 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2));
    const expected = 0.9 * (lse - 1) + 0.1 * ((lse - 1 + lse - 2 + lse - 3) / 3);
    expect(crossEntropy(f64([1, 2, 3], [1, 3]), ids([0]), { labelSmoothing: 0.1 }).item()).toBeCloseTo(expected, 12);
  });

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`matches the composed reference with ignoreIndex and weights (${reduction}), and gradchecks`, () => {
      const logits = r64([2, 3, 4], 2);
      const targets = ids([3, 0, -100, 1, 1, 2], [2, 3]);
      const weight = f64([1, 0.5, 2, 0, 1.5, 1], [2, 3]);
      const opts = { ignoreIndex: -100, weight, reduction, labelSmoothing: 0.2 };
      const head = (y: Tensor): Tensor => (reduction === 'none' ? y.square().sum() : y);
      const [v, [g]] = valueAndGrad((x) => head(crossEntropy(x!, targets, opts)))(logits);
      const [vr, [gr]] = valueAndGrad((x) => head(referenceSmoothed(x!, targets, 0.2, opts)))(logits);
      expect(Math.abs(v - vr)).toBeLessThan(1e-12 * (1 + Math.abs(vr)));
      expectClose(g!.data, gr!.data, TIGHT);
      check((x) => crossEntropy(x!, targets, opts), [logits]);
    });
  }

  it('labelSmoothing 0 is the plain loss; outside [0, 1) is an ArgumentError', () => {
    const logits = r64([3, 5]);
    const t = ids([0, 4, 2]);
    expect(crossEntropy(logits, t, { labelSmoothing: 0 }).item()).toBe(crossEntropy(logits, t).item());
    expect(() => crossEntropy(logits, t, { labelSmoothing: 1 })).toThrow(ArgumentError);
    expect(() => crossEntropy(logits, t, { labelSmoothing: -0.1 })).toThrow(/labelSmoothing/);
  });
});
