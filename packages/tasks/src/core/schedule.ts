import { BudgetLR, LinearWarmup, type Optimizer, type Scheduler, StepLR } from '@unroll/autograd';
import { ArgumentError } from '@unroll/tensor';
import type { Budget } from './train.js';

/**
 * A learning-rate schedule, as a task or a CLI names it. `cosine` and `linear` decay from the
 * optimizer's rate to `minLr` (default 0) by the end of the budget: its steps, or for a minutes
 * budget the elapsed fraction, whichever is further on. `step` multiplies the rate by `gamma`
 * every `stepSize` steps (the char model's schedule). Each may start with `warmup` linear steps.
 */
export type ScheduleSpec =
  | { kind: 'constant'; warmup?: number }
  | { kind: 'cosine' | 'linear'; warmup?: number; minLr?: number }
  | { kind: 'step'; stepSize: number; gamma: number; warmup?: number };

/**
 * The autograd scheduler for a spec and a budget (undefined for a constant rate without
 * warm-up). It sets the optimizer's rate for step 0 now; the loop steps it after every update.
 *
 * @example
 * ```ts
 * import { Adam } from '@unroll/autograd';
 * import { createSchedule } from '@unroll/tasks';
 * const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
 * const scheduler = createSchedule(optimizer, { kind: 'cosine', warmup: 100 }, { steps: 5000 });
 * ```
 */
export function createSchedule(optimizer: Optimizer, spec: ScheduleSpec, budget: Budget): Scheduler | undefined {
  const warmup = spec?.warmup ?? 0;
  switch (spec?.kind) {
    case 'constant':
      return warmup > 0 ? new LinearWarmup(optimizer, { warmupSteps: warmup }) : undefined;
    case 'cosine':
    case 'linear':
      return new BudgetLR(optimizer, { decay: spec.kind, warmupSteps: warmup, totalSteps: budget.steps ?? 0, minLr: spec.minLr ?? 0 });
    case 'step': {
      if (warmup === 0) return new StepLR(optimizer, { stepSize: spec.stepSize, gamma: spec.gamma });
      const after = new StepLR(optimizer, { stepSize: spec.stepSize, gamma: spec.gamma });
      return new LinearWarmup(optimizer, { warmupSteps: warmup, after });
    }
    default:
      throw new ArgumentError(`schedule: kind must be constant, cosine, linear or step, got ${String((spec as { kind?: unknown })?.kind)}`);
  }
}
