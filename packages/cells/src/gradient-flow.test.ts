import { crossEntropy, Linear } from '@unroll/autograd';
import { ArgumentError, Generator, mul, randint, randn, slice, type Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { GradientFlowRecorder, type GradientFlowReport, gradientFlow } from './gradient-flow.js';
import { GRU, LSTM, type RecurrentLayer, RNN } from './layers.js';

/**
 * The lecture's point about vanishing gradients, at initialisation: on a copy-first-bit task
 * (T = 50 steps of random bits, the loss only at the last step, on the FIRST bit) the gradient
 * that reaches h_0 through a vanilla RNN is orders of magnitude smaller than through an LSTM
 * with the same uniform initialisation range and forget-gate bias 1.
 */
const T = 50;
const B = 8;
const H = 32;

function copyFirstBitTask(seed: number) {
  const g = new Generator(seed);
  const bits = randint(0, 2, [T, B], { generator: g }); // int32
  const x = tensor(Array.from(bits.data, (v) => 2 * v - 1), [T, B, 1]); // +-1
  const target = tensor(Array.from(bits.data.subarray(0, B)), [B], 'int32'); // the first bit
  return { x, target };
}

function firstBitFlow(layer: RecurrentLayer, head: Linear, x: Tensor, target: Tensor): GradientFlowReport {
  return gradientFlow(() => {
    const { output } = layer.forward(x);
    const last = slice(output, [T - 1]); // (B, H): only the last step is scored
    return crossEntropy(head.forward(last), target);
  }, { params: [...layer.parameters(), ...head.parameters()] });
}

describe('gradientFlow: vanishing gradients at initialisation (copy-first-bit, T = 50)', () => {
  it('||dL/dh_0|| of a vanilla RNN is >= 100x below the LSTM\'s (same init range, forget bias 1)', () => {
    const { x, target } = copyFirstBitTask(5);
    const rnn = new RNN(1, H, { generator: new Generator(1) });
    const lstm = new LSTM(1, H, { generator: new Generator(1), forgetBias: 1 });
    // the same uniform range U(-1/sqrt(H), 1/sqrt(H)) for both
    const bound = 1 / Math.sqrt(H);
    for (const p of [...rnn.parameters(), ...lstm.parameters()]) {
      for (const v of p.data) expect(Math.abs(v)).toBeLessThanOrEqual(Math.max(bound, 1));
    }
    for (const p of rnn.parameters()) for (const v of p.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    const rnnReport = firstBitFlow(rnn, new Linear(H, 2, { generator: new Generator(2) }), x, target);
    const lstmReport = firstBitFlow(lstm, new Linear(H, 2, { generator: new Generator(2) }), x, target);

    const r = rnnReport.series[0]!.norms;
    const l = lstmReport.series[0]!.norms;
    expect(r.length).toBe(T);
    expect(l.length).toBe(T);
    // at the scored step both see a gradient of the same order
    expect(r[T - 1]!).toBeGreaterThan(0);
    expect(l[T - 1]!).toBeGreaterThan(0);
    expect(r[0]!).toBeGreaterThan(0);
    // through 49 steps the RNN's gradient vanishes; the LSTM's cell state carries it
    expect(r[0]! / r[T - 1]!).toBeLessThan(1e-6);
    expect(l[0]! * 1e-2).toBeGreaterThanOrEqual(r[0]!);
    expect(l[0]! / r[0]!).toBeGreaterThan(100);
    // the RNN's norm decays steadily back through time
    for (const t of [40, 30, 20, 10]) expect(r[t - 10]!).toBeLessThan(r[t]!);
  });

  it('the LSTM with forget bias 1 keeps more of the gradient than with PyTorch\'s default bias', () => {
    const { x, target } = copyFirstBitTask(6);
    const withBias = firstBitFlow(new LSTM(1, H, { generator: new Generator(3), forgetBias: 1 }), new Linear(H, 2, { generator: new Generator(4) }), x, target);
    const without = firstBitFlow(new LSTM(1, H, { generator: new Generator(3) }), new Linear(H, 2, { generator: new Generator(4) }), x, target);
    expect(withBias.series[0]!.norms[0]!).toBeGreaterThan(10 * without.series[0]!.norms[0]!);
  });
});

describe('gradientFlow: the report', () => {
  it('has one norm per step for each layer and direction, with labels', () => {
    const g = new Generator(9);
    const Tn = 6;
    const layer = new GRU(3, 4, { numLayers: 2, bidirectional: true, generator: g });
    const x = randn([Tn, 2, 3], { generator: g });
    const w = randn([Tn, 2, 8], { generator: g });
    const report = gradientFlow(() => mul(layer.forward(x).output, w).sum(), { params: layer.parameters(), maxNorm: 1e9 });
    expect(report.series.map((s) => s.label).sort()).toEqual(['layer0', 'layer0_reverse', 'layer1', 'layer1_reverse']);
    for (const s of report.series) {
      expect(s.norms.length, s.label).toBe(Tn);
      for (const v of s.norms) expect(v).toBeGreaterThan(0);
    }
    // every output step is scored, so the last layer's norm at each step includes that step's
    // own output gradient: ||dL/dh_t|| >= ||w_t|| restricted to the direction's half
    const fwd = report.series.find((s) => s.label === 'layer1')!;
    const own = (t: number) => {
      let n = 0;
      for (let b = 0; b < 2; b++) for (let j = 0; j < 4; j++) n += w.data[(t * 2 + b) * 8 + j]! ** 2;
      return Math.sqrt(n);
    };
    expect(fwd.norms[Tn - 1]).toBeCloseTo(own(Tn - 1), 5); // nothing flows in from later steps
    // gradients are left in the parameters; gradNorm is their global L2 norm
    let s2 = 0;
    for (const p of layer.parameters()) {
      expect(p.grad).toBeTruthy();
      for (const v of p.grad!.data) s2 += v * v;
    }
    expect(report.gradNorm).toBeCloseTo(Math.sqrt(s2), 4);
    expect(report.clipped).toBe(false);
  });

  it('without params there is no gradNorm; a non-scalar loss is an ArgumentError', () => {
    const g = new Generator(10);
    const layer = new RNN(2, 3, { generator: g });
    const x = randn([4, 1, 2], { generator: g });
    const report = gradientFlow(() => layer.forward(x).output.sum());
    expect(report.series.map((s) => s.label)).toEqual(['layer0']);
    expect(report.gradNorm).toBeUndefined();
    expect(report.clipped).toBeUndefined();
    expect(() => gradientFlow(() => layer.forward(x).output)).toThrow(ArgumentError);
  });

  it('GradientFlowRecorder averages the series over steps and counts the clipped share', () => {
    const g = new Generator(11);
    const layer = new LSTM(2, 3, { generator: g });
    const params = layer.parameters();
    const rec = new GradientFlowRecorder();
    expect(rec.summary()).toEqual({ series: [], steps: 0, clippedShare: 0 });
    const reports: GradientFlowReport[] = [];
    for (let k = 0; k < 4; k++) {
      layer.zeroGrad();
      const x = randn([5, 2, 2], { generator: g });
      // clipping "acts" in steps 0 and 2 only
      const report = gradientFlow(() => layer.forward(x).output.square().sum(), { params, maxNorm: k % 2 === 0 ? 1e-9 : 1e9 });
      expect(report.clipped).toBe(k % 2 === 0);
      reports.push(report);
      rec.add(report);
    }
    const summary = rec.summary();
    expect(summary.steps).toBe(4);
    expect(summary.clippedShare).toBe(0.5);
    expect(summary.series.map((s) => s.label)).toEqual(['layer0']);
    const mean = summary.series[0]!.norms;
    expect(mean.length).toBe(5);
    mean.forEach((v, t) => {
      const expected = reports.reduce((acc, r) => acc + r.series[0]!.norms[t]!, 0) / 4;
      expect(v).toBeCloseTo(expected, 10);
    });
    // the mean is not just one of the reports
    expect(mean[0]).not.toBeCloseTo(reports[0]!.series[0]!.norms[0]!, 10);
  });
});
