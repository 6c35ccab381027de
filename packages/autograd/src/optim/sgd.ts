import type { Tensor, TypedArray } from '@unroll/tensor';
import { Optimizer, type ParamState } from './optimizer.js';

/** Options of `SGD` (PyTorch's names in camelCase; defaults as in torch.optim.SGD). */
export interface SGDOptions {
  /** Learning rate (required, >= 0). */
  lr: number;
  /** Momentum factor (default 0: plain SGD). */
  momentum?: number;
  /** Dampening of the momentum (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

type SGDHyper = { momentum: number; dampening: number; nesterov: boolean; weightDecay: number; maximize: boolean };

/**
 * Stochastic gradient descent with momentum, exactly torch.optim.SGD's update:
 *
 * ```text
 * d = g + weightDecay * p
 * b = d                                     on the first step (momentum > 0)
 * b = momentum * b + (1 - dampening) * d    afterwards
 * d = nesterov ? d + momentum * b : b
 * p = p - lr * d
 * ```
 *
 * State per parameter: `momentumBuffer` (only when momentum > 0).
 *
 * @example
 * ```ts
 * import { SGD } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([1, 2]);
 * const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
 * p.grad = tensor([1, -1]);
 * opt.step(); // p ≈ [0.9, 2.1]
 * ```
 */
export class SGD extends Optimizer<SGDHyper> {
  protected readonly bufferNames = ['momentumBuffer'] as const;

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    const o = options ?? ({} as SGDOptions);
    super('SGD', params, o.lr, {
      momentum: o.momentum ?? 0,
      dampening: o.dampening ?? 0,
      nesterov: o.nesterov ?? false,
      weightDecay: o.weightDecay ?? 0,
      maximize: o.maximize ?? false,
    }, { momentum: 'nonNegative', dampening: 'nonNegative', nesterov: 'boolean', weightDecay: 'nonNegative', maximize: 'boolean' });
  }

  protected crossCheck(h: SGDHyper): string | null {
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      return `nesterov needs momentum > 0 and dampening 0, got momentum ${h.momentum} and dampening ${h.dampening}`;
    }
    return null;
  }

  protected requiredBuffers(h: SGDHyper): readonly string[] {
    return h.momentum !== 0 ? ['momentumBuffer'] : [];
  }

  protected update(param: Tensor, p: TypedArray, g: TypedArray, s: ParamState): void {
    const lr = this.lr;
    const { momentum, dampening, nesterov, weightDecay: wd, maximize } = this.h;
    const sign = maximize ? -1 : 1;
    const n = p.length;
    if (momentum === 0) {
      for (let j = 0; j < n; j++) {
        let d = sign * g[j]!;
        if (wd !== 0) d += wd * p[j]!;
        p[j] = p[j]! - lr * d;
      }
      return;
    }
    const first = s.buffers.momentumBuffer === undefined;
    const buf = this.buffer(param, s, 'momentumBuffer');
    const keep = 1 - dampening;
    for (let j = 0; j < n; j++) {
      let d = sign * g[j]!;
      if (wd !== 0) d += wd * p[j]!;
      buf[j] = first ? d : momentum * buf[j]! + keep * d;
      const b = buf[j]!;
      p[j] = p[j]! - lr * (nesterov ? d + momentum * b : b);
    }
  }
}
