import {
  ArgumentError, abs, add, allocArray, DTypeError, exp, formatShape, log, mean, mul, ShapeError,
  square, sub, sum, Tensor,
} from '@unroll/tensor';
import { defineFunction } from './function.js';

/** How a loss combines its per-element values. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (no loss, no gradient, not counted in the mean). */
  ignoreIndex?: number;
  /** Per-element weights or a 0/1 mask, shaped like the targets (padded sequences). */
  weight?: Tensor;
  reduction?: Reduction;
  /**
   * In [0, 1): the target distribution puts 1 - ε on the target and ε/C on every class (PyTorch's
   * `label_smoothing`): loss = (1 - ε) (-log p_t) + (ε/C) Σ_j (-log p_j). Default 0.
   */
  labelSmoothing?: number;
}

interface CeCtx { probs: Float64Array; w: Float64Array; targets: Int32Array; rows: number; cols: number; wsum: number; reduction: Reduction; eps: number; shape: readonly number[] }
/** The non-tensor arguments: each target's weight (0: skipped), the reduction and the smoothing ε. */
interface CeAttrs { w: Float64Array; reduction: Reduction; eps: number }

// inputs: logits (..., C), targets (...) int32
const crossEntropyFn = defineFunction<CeCtx, CeAttrs>({
  name: 'crossEntropy',
  forward([logits, targets], { w, reduction, eps }) {
    const cols = logits!.shape[logits!.ndim - 1]!;
    const rows = targets!.size;
    const x = logits!.data;
    const t = targets!.data as Int32Array;
    const probs = new Float64Array(rows * cols);
    const per = allocArray(logits!.dtype, rows);
    let total = 0;
    let wsum = 0;
    for (let r = 0; r < rows; r++) {
      if (w[r] === 0) continue;
      const o = r * cols;
      let m = -Infinity;
      for (let j = 0; j < cols; j++) if (x[o + j]! > m) m = x[o + j]!;
      let s = 0;
      for (let j = 0; j < cols; j++) { const e = Math.exp(x[o + j]! - m); probs[o + j] = e; s += e; }
      for (let j = 0; j < cols; j++) probs[o + j] = probs[o + j]! / s;
      // -Σ q_j log p_j with q = (1 - ε) onehot(t) + ε/C: lse - (1 - ε) x_t - (ε/C) Σ x_j
      let loss = m + Math.log(s) - (1 - eps) * x[o + t[r]!]!;
      if (eps > 0) {
        let xs = 0;
        for (let j = 0; j < cols; j++) xs += x[o + j]!;
        loss -= (eps / cols) * xs;
      }
      per[r] = loss * w[r]!;
      total += loss * w[r]!;
      wsum += w[r]!;
    }
    let out: Tensor;
    if (reduction === 'none') out = new Tensor(per, targets!.shape);
    else {
      const v = allocArray(logits!.dtype, 1);
      v[0] = reduction === 'sum' ? total : wsum > 0 ? total / wsum : 0;
      out = new Tensor(v, []);
    }
    return { outputs: [out], ctx: { probs, w, targets: t, rows, cols, wsum, reduction, eps, shape: logits!.shape } };
  },
  backward(ctx, [g], inputs) {
    const { probs, w, targets, rows, cols, wsum, reduction, eps } = ctx;
    const d = allocArray(inputs[0]!.dtype, rows * cols);
    const gd = g!.data;
    for (let r = 0; r < rows; r++) {
      const wr = w[r]!;
      if (wr === 0) continue;
      const scale = wr * (reduction === 'none' ? gd[r]! : reduction === 'sum' ? gd[0]! : gd[0]! / wsum);
      const o = r * cols;
      // (p - q) * scale, q the smoothed target distribution
      const spread = (eps / cols) * scale;
      for (let j = 0; j < cols; j++) d[o + j] = probs[o + j]! * scale - spread;
      d[o + targets[r]!] = d[o + targets[r]!]! - (1 - eps) * scale;
    }
    return [new Tensor(d, ctx.shape), null];
  },
});

/**
 * Softmax cross-entropy of class logits (..., C) against int32 class targets (...), fused and
 * stable (log-sum-exp). `ignoreIndex`, per-element `weight` (or a 0/1 mask), `labelSmoothing` and
 * reductions as in PyTorch; the mean divides by the total weight of the counted elements.
 *
 * @example
 * ```ts
 * import { crossEntropy } from '@unroll/autograd';
 * import { zeros, tensor } from '@unroll/tensor';
 * crossEntropy(zeros([2, 4]), tensor([1, 3], undefined, 'int32')).item(); // ln 4
 * ```
 */
export function crossEntropy(logits: Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const { ignoreIndex, weight, reduction = 'mean', labelSmoothing = 0 } = opts;
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new ArgumentError(`crossEntropy: labelSmoothing must be in [0, 1), got ${labelSmoothing}`);
  if (logits.dtype === 'int32') throw new DTypeError(`crossEntropy: logits must be float, got ${logits.dtype}`);
  if (targets.dtype !== 'int32') throw new DTypeError(`crossEntropy: targets must be int32 class indices, got ${targets.dtype}`);
  const lead = logits.shape.slice(0, -1);
  if (logits.ndim === 0 || lead.length !== targets.ndim || lead.some((d, i) => d !== targets.shape[i])) {
    throw new ShapeError(`crossEntropy: logits ${formatShape(logits.shape)} need targets ${formatShape(lead)}, got ${formatShape(targets.shape)}`);
  }
  if (weight !== undefined && (weight.ndim !== targets.ndim || weight.shape.some((d, i) => d !== targets.shape[i]))) {
    throw new ShapeError(`crossEntropy: weight ${formatShape(weight.shape)} must match targets ${formatShape(targets.shape)}`);
  }
  const cols = logits.shape[logits.ndim - 1]!;
  const w = new Float64Array(targets.size);
  for (let i = 0; i < targets.size; i++) {
    const t = targets.data[i]!;
    if (t === ignoreIndex) continue;
    if (!(t >= 0 && t < cols)) throw new ArgumentError(`crossEntropy: target ${t} at position ${i} is out of range [0, ${cols})`);
    w[i] = weight === undefined ? 1 : weight.data[i]!;
  }
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ArgumentError(`crossEntropy: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  }
  return crossEntropyFn([logits, targets], { w, reduction, eps: labelSmoothing })[0]!;
}

function reduce(x: Tensor, reduction: Reduction, fn: string): Tensor {
  if (reduction === 'none') return x;
  if (reduction === 'sum') return sum(x);
  if (reduction === 'mean') return mean(x);
  throw new ArgumentError(`${fn}: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
}

function sameShape(fn: string, a: Tensor, b: Tensor): void {
  if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`${fn}: input ${formatShape(a.shape)} and target ${formatShape(b.shape)} must have the same shape`);
  }
}

/**
 * Binary cross-entropy on logits, stable: max(x,0) - x t + log(1 + e^-|x|).
 * @example `bceWithLogits(tensor([0]), tensor([1])).item() // ln 2`
 */
export function bceWithLogits(logits: Tensor, targets: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  sameShape('bceWithLogits', logits, targets);
  // max(x, 0) written as (x + |x|) / 2: its derivative at 0 is 1/2, so the sum has the exact
  // gradient sigmoid(x) - t everywhere (relu'(0) = 0 would give -t at x = 0)
  const absX = abs(logits);
  const per = add(sub(mul(add(logits, absX), 0.5), mul(logits, targets)), log(add(exp(mul(absX, -1)), 1)));
  return reduce(per, opts.reduction ?? 'mean', 'bceWithLogits');
}

/**
 * Mean squared error.
 * @example `mse(tensor([1, 2]), tensor([1, 4])).item() // 2`
 */
export function mse(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  sameShape('mse', input, target);
  return reduce(square(sub(input, target)), opts.reduction ?? 'mean', 'mse');
}

/**
 * KL divergence of N(mu, exp(logvar)) from N(0, 1), summed over the last axis (DRAW's latent
 * loss): 0.5 * sum(mu^2 + exp(logvar) - logvar - 1). Reduction over the remaining axes.
 * @example `gaussianKL(zeros([2, 8]), zeros([2, 8])).item() // 0`
 */
export function gaussianKL(mu: Tensor, logvar: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  sameShape('gaussianKL', mu, logvar);
  const per = mul(sum(sub(add(square(mu), exp(logvar)), add(logvar, 1)), -1), 0.5);
  return reduce(per, opts.reduction ?? 'mean', 'gaussianKL');
}
