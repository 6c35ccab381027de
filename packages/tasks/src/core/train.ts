import { BudgetLR } from '@unroll/autograd';
import { ArgumentError, checkPositiveInt } from '@unroll/tensor';
import { type LoopParts, type StepResult, TrainingLoop } from './loop.js';

/** When to stop: after a total step count, after some minutes of this call, or whichever comes first. */
export interface Budget {
  /** Stop when the run's step count (across resumes) reaches this. */
  steps?: number;
  /** Stop after this many minutes of this call. */
  minutes?: number;
}

/** Where checkpoints go (a file system, IndexedDB...). `fileStore` in `@unroll/tasks/node` writes files atomically. */
export interface CheckpointStore {
  write(path: string, bytes: Uint8Array): Promise<void>;
  remove(path: string): Promise<void>;
}

/** Periodic and final checkpoints. */
export interface CheckpointOptions {
  /** The latest checkpoint's path, rewritten (atomically) at every save. */
  path: string;
  /** Save every this many steps (absent or 0: only at the end). */
  every?: number;
  /** Also save when this many minutes have passed since the last save (absent or 0: by steps only). */
  minutes?: number;
  /** Checkpoints kept: with keep > 1 each save also writes `<path without .safetensors>.step-<N>.safetensors`, and the oldest beyond keep - 1 such files are removed. Default 1. */
  keep?: number;
  /** The task's checkpoint bytes at this moment (`encodeEnvelope` over `loop.state()`). */
  encode: () => Uint8Array;
  store: CheckpointStore;
}

/** A progress event for a CLI or a browser worker. */
export type TrainEvent =
  | { type: 'step'; step: number; loss: number; lr: number; gradNorm: number; tokensPerSecond: number }
  | { type: 'validate'; step: number; metrics: Record<string, number> }
  | { type: 'checkpoint'; step: number; path: string }
  | { type: 'done'; step: number; reason: StopReason; seconds: number };

/** Why a run stopped. */
export type StopReason = 'steps' | 'minutes' | 'aborted';

/** Options of `train()`: the step's parts (or a ready loop) and how to drive it. */
export type TrainOptions<B> = (LoopParts<B> | { loop: TrainingLoop<B> }) & {
  budget: Budget;
  validate?: { every: number; run: () => Record<string, number> };
  checkpoint?: CheckpointOptions;
  onEvent?: (event: TrainEvent) => void;
  /** Ends the run after the current step (then it saves, when checkpoints are on). */
  signal?: AbortSignal;
  /** Milliseconds, for budgets and rates (default `performance.now`). */
  clock?: () => number;
};

/** What `train()` resolves to. */
export interface TrainResult {
  step: number;
  reason: StopReason;
  /** The last step's result (undefined when no step ran). */
  last?: StepResult;
}

const tick = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

function checkBudget(b: Budget): void {
  if (b === null || typeof b !== 'object' || (b.steps === undefined && b.minutes === undefined)) throw new ArgumentError('train: budget needs steps, minutes or both');
  if (b.steps !== undefined) checkPositiveInt('train', 'budget.steps', b.steps);
  if (b.minutes !== undefined && !(b.minutes > 0 && Number.isFinite(b.minutes))) throw new ArgumentError(`train: budget.minutes must be a positive number, got ${b.minutes}`);
}

/** `name.safetensors` -> `name.step-000042.safetensors`. */
export function stampedPath(path: string, step: number): string {
  const stem = path.endsWith('.safetensors') ? path.slice(0, -'.safetensors'.length) : path;
  return `${stem}.step-${String(step).padStart(6, '0')}.safetensors`;
}

/**
 * The one training loop every task uses: steps until the budget (total steps, minutes, or both)
 * is spent or `signal` aborts, validating and saving every N steps, and emitting progress
 * events. A `BudgetLR` schedule is told the elapsed fraction of a minutes budget before each
 * step. A NaN or infinite loss or gradient norm rejects with a NonFiniteError naming the step,
 * before the update and without saving, so the last checkpoint stays good. On a normal stop
 * (budget or abort) it saves once more when checkpoints are on.
 *
 * @example
 * ```ts
 * import { Linear, SGD, mse } from '@unroll/autograd';
 * import { randn } from '@unroll/tensor';
 * import { train } from '@unroll/tasks';
 * const model = new Linear(3, 1);
 * const x = randn([8, 3]); const y = randn([8, 1]);
 * await train({
 *   model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), nextBatch: () => ({ x, y }),
 *   loss: (b) => mse(model.forward(b.x), b.y), clip: 1, budget: { steps: 100 },
 *   onEvent: (e) => { if (e.type === 'step' && e.step % 10 === 0) console.log(e.step, e.loss); },
 * });
 * ```
 */
export async function train<B>(options: TrainOptions<B>): Promise<TrainResult> {
  const { budget, validate, checkpoint, onEvent, signal } = options;
  checkBudget(budget);
  if (validate !== undefined) checkPositiveInt('train', 'validate.every', validate.every);
  if (checkpoint?.every) checkPositiveInt('train', 'checkpoint.every', checkpoint.every);
  if (checkpoint?.minutes !== undefined && !(checkpoint.minutes >= 0 && Number.isFinite(checkpoint.minutes))) throw new ArgumentError(`train: checkpoint.minutes must be a non-negative number, got ${checkpoint.minutes}`);
  const keep = checkpoint?.keep ?? 1;
  checkPositiveInt('train', 'checkpoint.keep', keep);
  const loop = 'loop' in options ? options.loop : new TrainingLoop(options);
  const { scheduler } = loop.parts;
  const clock = options.clock ?? (() => performance.now());
  const emit = (e: TrainEvent): void => onEvent?.(e);
  const stamped: string[] = [];
  const save = async (): Promise<void> => {
    if (checkpoint === undefined) return;
    const bytes = checkpoint.encode();
    await checkpoint.store.write(checkpoint.path, bytes);
    if (keep > 1) {
      const extra = stampedPath(checkpoint.path, loop.step);
      await checkpoint.store.write(extra, bytes);
      stamped.push(extra);
      while (stamped.length > keep - 1) await checkpoint.store.remove(stamped.shift()!);
    }
    emit({ type: 'checkpoint', step: loop.step, path: checkpoint.path });
  };

  const start = clock();
  const minutesUsed = (): number => (clock() - start) / 60_000;
  const tokens0 = loop.tokens;
  let reason: StopReason;
  let last: StepResult | undefined;
  let savedAt = -1;
  let savedClock = start;
  for (;;) {
    if (signal?.aborted) { reason = 'aborted'; break; }
    if (budget.steps !== undefined && loop.step >= budget.steps) { reason = 'steps'; break; }
    if (budget.minutes !== undefined && minutesUsed() >= budget.minutes) { reason = 'minutes'; break; }
    if (budget.minutes !== undefined && scheduler instanceof BudgetLR) {
      scheduler.timeFraction = Math.min(1, minutesUsed() / budget.minutes);
      loop.parts.optimizer.lr = scheduler.lrAt(scheduler.lastEpoch);
    }
    last = loop.runStep();
    const seconds = Math.max((clock() - start) / 1000, 1e-6);
    emit({ type: 'step', step: last.step, loss: last.loss, lr: last.lr, gradNorm: last.gradNorm, tokensPerSecond: (loop.tokens - tokens0) / seconds });
    if (validate !== undefined && loop.step % validate.every === 0) emit({ type: 'validate', step: loop.step, metrics: validate.run() });
    const byMinutes = checkpoint?.minutes ? (clock() - savedClock) / 60_000 >= checkpoint.minutes : false;
    if ((checkpoint?.every && loop.step % checkpoint.every === 0) || byMinutes) {
      await save();
      savedAt = loop.step;
      savedClock = clock();
    }
    // let signal handlers and the UI run: the steps themselves are synchronous
    await tick();
  }
  if (checkpoint !== undefined && savedAt !== loop.step) await save();
  emit({ type: 'done', step: loop.step, reason, seconds: (clock() - start) / 1000 });
  return { step: loop.step, reason, ...(last ? { last } : {}) };
}
