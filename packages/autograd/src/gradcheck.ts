import { DTypeError, Generator, mul, randn, sum, Tensor } from '@unroll/tensor';
import { GradientError } from './errors.js';
import { noGrad } from './tape.js';

/** Tolerances of `gradcheck`: |analytic - numeric| <= atol + rtol * |numeric|. */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random output weights used when f returns a non-scalar. */
  seed?: number;
}

/** The worst element found by `gradcheck`. */
export interface GradcheckReport {
  ok: boolean;
  /** Worst excess |analytic - numeric| - (atol + rtol |numeric|) (<= 0 when ok). */
  worstExcess: number;
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
  /** Number of elements compared. */
  checked: number;
}

/**
 * Compares the analytic gradients of `f` with central finite differences in float64, for every
 * element of every float64 input. A non-scalar output is reduced with fixed random weights.
 *
 * @example
 * ```ts
 * import { gradcheck } from '@unroll/autograd';
 * import { randn } from '@unroll/tensor';
 * const r = gradcheck((x) => x.tanh().sum(), [randn([3, 4], { dtype: 'float64' })]);
 * console.log(r.ok, r.worst); // true { input: 0, index: ..., analytic: ..., numeric: ... }
 * ```
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-4, seed = 1234 } = opts;
  const checkedInputs = inputs.map((x, i) => {
    if (x.dtype === 'float32') throw new DTypeError(`gradcheck: input ${i} is float32; finite differences need float64 inputs`);
    return x.dtype === 'float64';
  });
  const leaves = inputs.map((x, i) => (checkedInputs[i] ? new Tensor(x.data.slice(), x.shape).requiresGrad_() : x));
  let weights: Tensor | undefined;
  const scalarOf = (...xs: Tensor[]): Tensor => {
    const y = f(...xs);
    if (!(y instanceof Tensor)) throw new GradientError('gradcheck: the function must return a Tensor');
    if (y.size === 1) return y.reshape([]);
    weights ??= randn(y.shape, { dtype: 'float64', generator: new Generator(seed) });
    return sum(mul(y, weights));
  };
  scalarOf(...leaves).backward();
  const report: GradcheckReport = { ok: true, worstExcess: -Infinity, worst: null, checked: 0 };
  noGrad(() => {
    leaves.forEach((leaf, k) => {
      if (!checkedInputs[k]) return;
      const analytic = leaf.grad?.data;
      for (let i = 0; i < leaf.size; i++) {
        const orig = leaf.data[i]!;
        leaf.data[i] = orig + eps;
        const fp = scalarOf(...leaves).item();
        leaf.data[i] = orig - eps;
        const fm = scalarOf(...leaves).item();
        leaf.data[i] = orig;
        const numeric = (fp - fm) / (2 * eps);
        const a = analytic ? analytic[i]! : 0;
        const excess = Math.abs(a - numeric) - (atol + rtol * Math.abs(numeric));
        report.checked++;
        if (!(excess <= report.worstExcess) || Number.isNaN(excess)) {
          report.worstExcess = Number.isNaN(excess) ? Infinity : excess;
          report.worst = { input: k, index: i, analytic: a, numeric };
        }
      }
    });
  });
  report.ok = report.worstExcess <= 0;
  return report;
}

/**
 * `gradcheck` that throws a GradientError describing the worst element when the check fails.
 * @example `assertGradcheck((x) => x.exp().sum(), [randn([4], { dtype: 'float64' })])`
 */
export function assertGradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  const r = gradcheck(f, inputs, opts);
  if (!r.ok) {
    const w = r.worst!;
    throw new GradientError(`gradcheck: input ${w.input}, element ${w.index}: analytic ${w.analytic} vs numeric ${w.numeric}`);
  }
  return r;
}
