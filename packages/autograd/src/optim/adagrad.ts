import type { Tensor, TypedArray } from '@unroll/tensor';
import { Optimizer, type ParamState } from './optimizer.js';

/** Options of `Adagrad` (defaults as in torch.optim.Adagrad). */
export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Learning-rate decay: step t uses lr / (1 + (t - 1) * lrDecay) (default 0). */
  lrDecay?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator (default 1e-10). */
  eps?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

type AdagradHyper = { lrDecay: number; weightDecay: number; initialAccumulatorValue: number; eps: number; maximize: boolean };

/**
 * Adagrad, exactly torch.optim.Adagrad's (dense) update, with t the parameter's update count:
 *
 * ```text
 * d   = g + weightDecay * p
 * clr = lr / (1 + (t - 1) * lrDecay)
 * sum = sum + d * d                          (sum starts at initialAccumulatorValue)
 * p   = p - clr * d / (sqrt(sum) + eps)
 * ```
 *
 * State per parameter: `sum`.
 *
 * @example
 * ```ts
 * import { Adagrad } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([1, 2]);
 * const opt = new Adagrad([p], { lr: 0.5 });
 * p.grad = tensor([2, -2]);
 * opt.step(); // p = [0.5, 2.5]
 * ```
 */
export class Adagrad extends Optimizer<AdagradHyper> {
  protected readonly bufferNames = ['sum'] as const;

  constructor(params: Iterable<Tensor>, options: AdagradOptions = {}) {
    const o = options ?? {};
    super('Adagrad', params, o.lr ?? 1e-2, {
      lrDecay: o.lrDecay ?? 0,
      weightDecay: o.weightDecay ?? 0,
      initialAccumulatorValue: o.initialAccumulatorValue ?? 0,
      eps: o.eps ?? 1e-10,
      maximize: o.maximize ?? false,
    }, { lrDecay: 'nonNegative', weightDecay: 'nonNegative', initialAccumulatorValue: 'nonNegative', eps: 'nonNegative', maximize: 'boolean' });
  }

  protected requiredBuffers(): readonly string[] {
    return ['sum'];
  }

  protected update(param: Tensor, p: TypedArray, g: TypedArray, s: ParamState): void {
    const { lrDecay, weightDecay: wd, initialAccumulatorValue, eps, maximize } = this.h;
    const sign = maximize ? -1 : 1;
    const clr = this.lr / (1 + (s.step - 1) * lrDecay);
    const sum = this.buffer(param, s, 'sum', initialAccumulatorValue);
    for (let j = 0, n = p.length; j < n; j++) {
      let d = sign * g[j]!;
      if (wd !== 0) d += wd * p[j]!;
      sum[j] = sum[j]! + d * d;
      p[j] = p[j]! - clr * (d / (Math.sqrt(sum[j]!) + eps));
    }
  }
}
