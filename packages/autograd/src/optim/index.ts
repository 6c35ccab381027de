/**
 * Optimizers (SGD, Adagrad, RMSprop, Adam, AdamW: PyTorch's update rules), learning-rate
 * schedulers and gradient clipping.
 *
 * @example
 * ```ts
 * import { AdamW, CosineAnnealingLR, clipGradNorm } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([1, 2]);
 * const opt = new AdamW([p], { lr: 1e-2 });
 * const sched = new CosineAnnealingLR(opt, { tMax: 100 });
 * p.grad = tensor([0.5, -0.5]);
 * clipGradNorm([p], 1);
 * opt.step();
 * sched.step();
 * ```
 */

export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export { type HyperRule, type HyperValue, Optimizer, type OptimizerState, type ParamState } from './optimizer.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export {
  annealedLr, BudgetLR, CosineAnnealingLR, type DecayShape, ExponentialLR, LinearLR, LinearWarmup, Scheduler, type SchedulerState, StepLR,
} from './schedules.js';
export { SGD, type SGDOptions } from './sgd.js';
