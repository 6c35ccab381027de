import type { Tensor, TypedArray } from '@unroll/tensor';
import { Optimizer, type ParamState } from './optimizer.js';

/** Options of `Adam` and `AdamW` (defaults as in torch.optim.Adam / AdamW). */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment averages (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 0.01). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (AMSGrad; default false). */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

type AdamHyper = { beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean; maximize: boolean };

const RULES = { beta1: 'unitInterval', beta2: 'unitInterval', eps: 'nonNegative', weightDecay: 'nonNegative', amsgrad: 'boolean', maximize: 'boolean' } as const;

function hyperOf(o: AdamOptions, defaultDecay: number): AdamHyper {
  const betas = o.betas ?? [0.9, 0.999];
  return {
    beta1: betas[0],
    beta2: betas[1],
    eps: o.eps ?? 1e-8,
    weightDecay: o.weightDecay ?? defaultDecay,
    amsgrad: o.amsgrad ?? false,
    maximize: o.maximize ?? false,
  };
}

/** Adam and AdamW: they differ only in how weight decay is applied. */
abstract class AdamFamily extends Optimizer<AdamHyper> {
  protected readonly bufferNames = ['expAvg', 'expAvgSq', 'maxExpAvgSq'] as const;

  protected constructor(type: string, private readonly decoupled: boolean, params: Iterable<Tensor>, options: AdamOptions, defaultDecay: number) {
    super(type, params, options?.lr ?? 1e-3, hyperOf(options ?? {}, defaultDecay), RULES);
  }

  protected requiredBuffers(h: AdamHyper): readonly string[] {
    return h.amsgrad ? ['expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['expAvg', 'expAvgSq'];
  }

  protected update(param: Tensor, p: TypedArray, g: TypedArray, s: ParamState): void {
    const lr = this.lr;
    const { beta1, beta2, eps, weightDecay: wd, amsgrad, maximize } = this.h;
    const decoupled = this.decoupled;
    const sign = maximize ? -1 : 1;
    const decay = 1 - lr * wd;
    const stepSize = lr / (1 - beta1 ** s.step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** s.step);
    const m = this.buffer(param, s, 'expAvg');
    const v = this.buffer(param, s, 'expAvgSq');
    const vmax = amsgrad ? this.buffer(param, s, 'maxExpAvgSq') : v;
    const r1 = 1 - beta1;
    const r2 = 1 - beta2;
    for (let j = 0, n = p.length; j < n; j++) {
      let d = sign * g[j]!;
      if (decoupled) p[j] = p[j]! * decay;
      else if (wd !== 0) d += wd * p[j]!;
      m[j] = beta1 * m[j]! + r1 * d;
      v[j] = beta2 * v[j]! + r2 * (d * d);
      if (amsgrad) vmax[j] = Math.max(vmax[j]!, v[j]!);
      const denom = Math.sqrt(vmax[j]!) / bc2Sqrt + eps;
      p[j] = p[j]! - stepSize * (m[j]! / denom);
    }
  }
}

/**
 * Adam, exactly torch.optim.Adam's update, with t the parameter's update count:
 *
 * ```text
 * d     = g + weightDecay * p                   (Adam; AdamW instead does p = p * (1 - lr * weightDecay))
 * m     = beta1 * m + (1 - beta1) * d
 * v     = beta2 * v + (1 - beta2) * d * d
 * vmax  = max(vmax, v)                          (amsgrad; then used in place of v below)
 * denom = sqrt(v) / sqrt(1 - beta2^t) + eps
 * p     = p - (lr / (1 - beta1^t)) * m / denom
 * ```
 *
 * State per parameter: `expAvg`, `expAvgSq`, and `maxExpAvgSq` (amsgrad).
 *
 * @example
 * ```ts
 * import { Adam } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([1, 2]);
 * const opt = new Adam([p], { lr: 0.1, betas: [0.9, 0.99], amsgrad: true });
 * p.grad = tensor([3, -3]);
 * opt.step(); // p ≈ [0.9, 2.1]
 * ```
 */
export class Adam extends AdamFamily {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('Adam', false, params, options, 0);
  }
}

/**
 * AdamW: Adam with decoupled weight decay (default 0.01), exactly torch.optim.AdamW's update:
 * each step first shrinks the parameter, `p = p * (1 - lr * weightDecay)`, then applies Adam's
 * update with the raw gradient. State per parameter as in `Adam`.
 *
 * @example
 * ```ts
 * import { AdamW } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([1, 2]);
 * const opt = new AdamW([p], { lr: 1e-3, weightDecay: 0.1 });
 * p.grad = tensor([1, 1]);
 * opt.step();
 * ```
 */
export class AdamW extends AdamFamily {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('AdamW', true, params, options, 0.01);
  }
}
