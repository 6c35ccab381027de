import { ArgumentError, Tensor } from '@unroll/tensor';

/** The tensors of `params` (an iterable, or one tensor), checked. */
function tensorsOf(fn: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  if (params instanceof Tensor) return [params];
  if (params === null || typeof params !== 'object' || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
    throw new ArgumentError(`${fn}: params must be an iterable of tensors, got ${String(params)}`);
  }
  const list = [...params];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ArgumentError(`${fn}: parameter ${i} is not a Tensor`);
  });
  return list;
}

/**
 * Rescales gradients in place so that their total norm (all gradients seen as one vector) is at
 * most `maxNorm`, like torch.nn.utils.clip_grad_norm_, and returns the total norm from before
 * clipping. Sums are accumulated in float64. When `maxNorm / (norm + 1e-6) < 1` every gradient is
 * multiplied by that factor; otherwise nothing changes. `normType` is any p > 0 or `Infinity`
 * (the largest absolute value). Parameters whose grad is null are ignored (0 when none has one).
 * A non-finite total norm is returned as is and the gradients are left untouched: check the
 * result to skip such a step.
 *
 * @example
 * ```ts
 * import { clipGradNorm } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([0, 0]);
 * p.grad = tensor([3, 4]);
 * const norm = clipGradNorm([p], 1); // 5; p.grad ≈ [0.6, 0.8]
 * ```
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2): number {
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be a number >= 0, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) throw new ArgumentError(`clipGradNorm: normType must be a number > 0 or Infinity, got ${String(normType)}`);
  const grads = tensorsOf('clipGradNorm', params).flatMap((p) => (p.grad === null ? [] : [p.grad.data]));
  let total = 0;
  if (normType === Number.POSITIVE_INFINITY) {
    let nan = false;
    for (const g of grads) for (let j = 0; j < g.length; j++) {
      const a = Math.abs(g[j]!);
      if (a > total) total = a;
      else if (Number.isNaN(a)) nan = true;
    }
    if (nan) total = Number.NaN;
  } else if (normType === 2) {
    for (const g of grads) for (let j = 0; j < g.length; j++) total += g[j]! * g[j]!;
    total = Math.sqrt(total);
  } else if (normType === 1) {
    for (const g of grads) for (let j = 0; j < g.length; j++) total += Math.abs(g[j]!);
  } else {
    for (const g of grads) for (let j = 0; j < g.length; j++) total += Math.abs(g[j]!) ** normType;
    total **= 1 / normType;
  }
  const coef = maxNorm / (total + 1e-6);
  if (Number.isFinite(total) && coef < 1) {
    for (const g of grads) for (let j = 0; j < g.length; j++) g[j] = g[j]! * coef;
  }
  return total;
}

/**
 * Clamps every gradient element into `[-clip, clip]` in place, like
 * torch.nn.utils.clip_grad_value_. Parameters whose grad is null are ignored.
 *
 * @example
 * ```ts
 * import { clipGradValue } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([0, 0, 0]);
 * p.grad = tensor([-3, 0.5, 2]);
 * clipGradValue([p], 1); // p.grad = [-1, 0.5, 1]
 * ```
 */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clip: number): void {
  if (typeof clip !== 'number' || !(clip >= 0)) throw new ArgumentError(`clipGradValue: clip must be a number >= 0, got ${String(clip)}`);
  for (const p of tensorsOf('clipGradValue', params)) {
    const g = p.grad?.data;
    if (g === undefined) continue;
    for (let j = 0; j < g.length; j++) {
      const v = g[j]!;
      if (v > clip) g[j] = clip;
      else if (v < -clip) g[j] = -clip;
    }
  }
}
