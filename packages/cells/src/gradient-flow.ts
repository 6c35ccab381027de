import { ArgumentError, type Tensor } from '@unroll/tensor';
import { withStepGradientSink } from './probe.js';

/** ||dL/dh_t|| for each time step of one layer and direction. */
export interface GradientSeries {
  /** `layer0`, `layer1_reverse`, ... */
  label: string;
  /** norms[t] = ||dL/dh_t|| (the gradient flowing into the hidden state at step t). */
  norms: number[];
}

/** What one probe returns: plain data, ready to plot. */
export interface GradientFlowReport {
  series: GradientSeries[];
  /** Global L2 norm of the parameters' gradients (when `params` were given). */
  gradNorm?: number;
  /** Whether that norm exceeds `maxNorm` (clipping would act). */
  clipped?: boolean;
}

function l2(params: readonly Tensor[]): number {
  let s = 0;
  for (const p of params) {
    const g = p.grad;
    if (g) for (let i = 0; i < g.size; i++) s += g.data[i]! * g.data[i]!;
  }
  return Math.sqrt(s);
}

/**
 * Runs `lossFn` (a forward through fused recurrent layers returning a scalar loss), backpropagates
 * and records ||dL/dh_t|| per step and layer: the lecture's vanishing and exploding gradients,
 * made visible. Gradients are left in the parameters, as after `loss.backward()`.
 *
 * @example
 * ```ts
 * import { gradientFlow } from '@unroll/cells';
 * const report = gradientFlow(() => crossEntropy(head.forward(rnn.forward(x).output), y), { params: model.parameters(), maxNorm: 5 });
 * report.series[0].norms; // [||dL/dh_0||, ..., ||dL/dh_T-1||]
 * ```
 */
export function gradientFlow(lossFn: () => Tensor, opts: { params?: readonly Tensor[]; maxNorm?: number } = {}): GradientFlowReport {
  const byLabel = new Map<string, number[]>();
  const loss = lossFn();
  if (loss.size !== 1) throw new ArgumentError(`gradientFlow: the loss must be a scalar, got shape (${loss.shape.join(',')})`);
  withStepGradientSink({ record: (label, t, norm) => {
    let arr = byLabel.get(label);
    if (!arr) byLabel.set(label, (arr = []));
    arr[t] = norm;
  } }, () => loss.backward());
  const report: GradientFlowReport = { series: [...byLabel.entries()].map(([label, norms]) => ({ label, norms: Array.from(norms, (v) => v ?? 0) })) };
  if (opts.params) {
    report.gradNorm = l2(opts.params);
    if (opts.maxNorm !== undefined) report.clipped = report.gradNorm > opts.maxNorm;
  }
  return report;
}

/**
 * Accumulates gradient-flow reports over training steps: mean ||dL/dh_t|| per layer and step,
 * and the share of steps where clipping acted.
 *
 * @example
 * ```ts
 * const rec = new GradientFlowRecorder();
 * rec.add(gradientFlow(lossFn, { params, maxNorm: 5 }));
 * rec.summary(); // { series: [...mean norms...], steps: 1, clippedShare: 0 }
 * ```
 */
export class GradientFlowRecorder {
  private sums = new Map<string, number[]>();
  private steps = 0;
  private clipped = 0;

  add(report: GradientFlowReport): void {
    this.steps++;
    if (report.clipped) this.clipped++;
    for (const s of report.series) {
      const acc = this.sums.get(s.label) ?? [];
      s.norms.forEach((v, t) => { acc[t] = (acc[t] ?? 0) + v; });
      this.sums.set(s.label, acc);
    }
  }

  summary(): { series: GradientSeries[]; steps: number; clippedShare: number } {
    return {
      series: [...this.sums.entries()].map(([label, sums]) => ({ label, norms: sums.map((v) => v / Math.max(this.steps, 1)) })),
      steps: this.steps,
      clippedShare: this.steps === 0 ? 0 : this.clipped / this.steps,
    };
  }
}
