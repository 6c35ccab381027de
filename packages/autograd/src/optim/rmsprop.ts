import type { Tensor, TypedArray } from '@unroll/tensor';
import { Optimizer, type ParamState } from './optimizer.js';

/** Options of `RMSprop` (defaults as in torch.optim.RMSprop). */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Normalize by the estimated variance instead of the raw second moment (default false). */
  centered?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

type RMSpropHyper = { alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean; maximize: boolean };

/**
 * RMSprop, exactly torch.optim.RMSprop's update:
 *
 * ```text
 * d   = g + weightDecay * p
 * v   = alpha * v + (1 - alpha) * d * d
 * m   = alpha * m + (1 - alpha) * d                      (centered only)
 * avg = sqrt(centered ? v - m * m : v) + eps
 * b   = momentum * b + d / avg;  p = p - lr * b           (momentum > 0)
 * p   = p - lr * d / avg                                  (otherwise)
 * ```
 *
 * State per parameter: `squareAvg`, plus `gradAvg` (centered) and `momentumBuffer` (momentum > 0).
 *
 * @example
 * ```ts
 * import { RMSprop } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([1, 2]);
 * const opt = new RMSprop([p], { lr: 0.01, momentum: 0.9, centered: true });
 * p.grad = tensor([1, -1]);
 * opt.step();
 * ```
 */
export class RMSprop extends Optimizer<RMSpropHyper> {
  protected readonly bufferNames = ['squareAvg', 'gradAvg', 'momentumBuffer'] as const;

  constructor(params: Iterable<Tensor>, options: RMSpropOptions = {}) {
    const o = options ?? {};
    super('RMSprop', params, o.lr ?? 1e-2, {
      alpha: o.alpha ?? 0.99,
      eps: o.eps ?? 1e-8,
      weightDecay: o.weightDecay ?? 0,
      momentum: o.momentum ?? 0,
      centered: o.centered ?? false,
      maximize: o.maximize ?? false,
    }, { alpha: 'nonNegative', eps: 'nonNegative', weightDecay: 'nonNegative', momentum: 'nonNegative', centered: 'boolean', maximize: 'boolean' });
  }

  protected requiredBuffers(h: RMSpropHyper): readonly string[] {
    const out = ['squareAvg'];
    if (h.centered) out.push('gradAvg');
    if (h.momentum > 0) out.push('momentumBuffer');
    return out;
  }

  protected update(param: Tensor, p: TypedArray, g: TypedArray, s: ParamState): void {
    const lr = this.lr;
    const { alpha, eps, weightDecay: wd, momentum, centered, maximize } = this.h;
    const sign = maximize ? -1 : 1;
    const rest = 1 - alpha;
    const sq = this.buffer(param, s, 'squareAvg');
    const ga = centered ? this.buffer(param, s, 'gradAvg') : sq;
    const mb = momentum > 0 ? this.buffer(param, s, 'momentumBuffer') : sq;
    for (let j = 0, n = p.length; j < n; j++) {
      let d = sign * g[j]!;
      if (wd !== 0) d += wd * p[j]!;
      sq[j] = alpha * sq[j]! + rest * (d * d);
      let avg: number;
      if (centered) {
        ga[j] = alpha * ga[j]! + rest * d;
        const m = ga[j]!;
        avg = Math.sqrt(sq[j]! - m * m) + eps;
      } else {
        avg = Math.sqrt(sq[j]!) + eps;
      }
      if (momentum > 0) {
        mb[j] = momentum * mb[j]! + d / avg;
        p[j] = p[j]! - lr * mb[j]!;
      } else {
        p[j] = p[j]! - lr * (d / avg);
      }
    }
  }
}
