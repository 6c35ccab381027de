import { clipGradNorm, type DecodedCheckpoint, detectAnomaly, type Module, type Optimizer, restoreCheckpoint, type Scheduler } from '@unroll/autograd';
import type { RecurrentState, TruncatedBPTT } from '@unroll/cells';
import { ArgumentError, FormatError, type Generator, Tensor } from '@unroll/tensor';
import { NonFiniteError } from './errors.js';

/** A carried recurrent state as JSON: shape (layers*directions,B,H) and the values of h (and c). */
export interface CarriedJSON {
  shape: number[];
  h: number[];
  c?: number[];
}

/**
 * Where a run stands, as plain JSON for a checkpoint's metadata: everything that, with the
 * weights and the optimizer and schedule states, makes a resumed run continue exactly.
 */
export interface TrainingState {
  /** Steps taken. */
  step: number;
  /** Tokens (or examples) consumed. */
  tokens: number;
  /**
   * The task generator's state (dropout, sampling), when the run has one: `Generator.getState()`
   * with the words unsigned and the NaN that marks "no cached normal" as null (JSON has no NaN).
   */
  rng: (number | null)[] | null;
  /** The recurrent state carried across batches (truncated BPTT), when there is one. */
  carried: CarriedJSON | null;
  /** The data position: `nextBatch` is called with this step next. */
  data: { position: number };
}

/** What one training step needs. */
export interface LoopParts<B> {
  /** The model (its parameters are clipped; it is put in training mode before each step). */
  model: Module;
  optimizer: Optimizer;
  /** The batch of step `step` (0-based): a pure function of the step, so that resume is exact. */
  nextBatch: (step: number) => B;
  /** The scalar loss of a batch (forward pass). */
  loss: (batch: B) => Tensor;
  /** Tokens in a batch, for progress (default 0). */
  tokens?: (batch: B) => number;
  /** Stepped once after every update (its state is saved and restored). */
  scheduler?: Scheduler;
  /** Clip the global gradient norm to this (0 or absent: the norm is measured, nothing is clipped). */
  clip?: number;
  /** The generator the task draws from (dropout...): its state is saved and restored. */
  generator?: Generator;
  /** The truncated-BPTT driver whose carried state is saved and restored. */
  carried?: TruncatedBPTT;
  /** Run the backward pass under autograd's `detectAnomaly`, so a NaN gradient names the op that made it (slower). */
  detectAnomaly?: boolean;
}

/** What one step reports. */
export interface StepResult {
  /** The step just taken (1-based). */
  step: number;
  loss: number;
  /** The learning rate this step's update used. */
  lr: number;
  /** The global L2 gradient norm before clipping. */
  gradNorm: number;
  /** Tokens in this step's batch. */
  tokens: number;
}

/**
 * `Generator.getState()` in one canonical JSON form: the four state words as unsigned 32-bit
 * integers (the generator may hold them signed; `setState` reads both the same) and the NaN of
 * "no cached normal" as null, so that equal states give equal bytes.
 */
function rngToJSON(state: number[]): (number | null)[] {
  return state.map((v, i) => (i < 4 ? v >>> 0 : Number.isNaN(v) ? null : v));
}

function carriedToJSON(s: RecurrentState | undefined): CarriedJSON | null {
  if (s === undefined) return null;
  return { shape: [...s.h.shape], h: Array.from(s.h.data), ...(s.c ? { c: Array.from(s.c.data) } : {}) };
}

function carriedFromJSON(j: CarriedJSON): RecurrentState {
  const size = j.shape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(j.h) || j.h.length !== size || (j.c !== undefined && (!Array.isArray(j.c) || j.c.length !== size))) {
    throw new FormatError(`checkpoint: the carried state's values do not fill its shape (${j.shape.join(',')})`);
  }
  const h = new Tensor(Float32Array.from(j.h), j.shape);
  return j.c ? { h, c: new Tensor(Float32Array.from(j.c), j.shape) } : { h };
}

/**
 * One step of training, task-agnostic: batch, forward, backward, a non-finite guard, gradient
 * clipping, update, schedule. `train()` drives it with a budget, validation, checkpoints and
 * events; a task can also call `runStep()` itself. `state()` and `restore()` carry everything a
 * resumed run needs (step, tokens, generator, carried recurrent state, data position; the
 * weights, optimizer and schedule go through `restoreCheckpoint`).
 *
 * @example
 * ```ts
 * import { Linear, SGD, mse } from '@unroll/autograd';
 * import { randn } from '@unroll/tensor';
 * import { TrainingLoop } from '@unroll/tasks';
 * const model = new Linear(3, 1);
 * const x = randn([8, 3]); const y = randn([8, 1]);
 * const loop = new TrainingLoop({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), nextBatch: () => ({ x, y }), loss: (b) => mse(model.forward(b.x), b.y), clip: 1 });
 * const { loss, gradNorm } = loop.runStep();
 * ```
 */
export class TrainingLoop<B = unknown> {
  /** Steps taken. */
  step = 0;
  /** Tokens consumed. */
  tokens = 0;

  constructor(readonly parts: LoopParts<B>) {
    const clip = parts.clip ?? 0;
    if (!(clip >= 0 && Number.isFinite(clip))) throw new ArgumentError(`train: clip must be a non-negative number, got ${clip}`);
  }

  /**
   * One step. Throws a NonFiniteError (naming the step) before the update when the loss or the
   * gradient norm is NaN or infinite: the weights and the optimizer state stay as they were.
   */
  runStep(): StepResult {
    const { model, optimizer, scheduler } = this.parts;
    const step = this.step + 1;
    const batch = this.parts.nextBatch(this.step);
    model.train();
    const loss = this.parts.loss(batch);
    const value = loss.item();
    if (!Number.isFinite(value)) throw new NonFiniteError(step, 'loss', value);
    optimizer.zeroGrad();
    if (this.parts.detectAnomaly) detectAnomaly(() => loss.backward());
    else loss.backward();
    const clip = this.parts.clip ?? 0;
    const gradNorm = clipGradNorm(model.parameters(), clip > 0 ? clip : Number.POSITIVE_INFINITY);
    if (!Number.isFinite(gradNorm)) throw new NonFiniteError(step, 'gradient norm', gradNorm);
    const lr = optimizer.lr;
    optimizer.step();
    scheduler?.step();
    const tokens = this.parts.tokens?.(batch) ?? 0;
    this.step = step;
    this.tokens += tokens;
    return { step, loss: value, lr, gradNorm, tokens };
  }

  /** Throws a NonFiniteError naming the step when a parameter holds NaN or an infinity (checked before every save). */
  checkFinite(): void {
    for (const p of this.parts.model.parameters()) {
      const d = p.data;
      for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) throw new NonFiniteError(this.step, 'weights', d[i]!);
    }
  }

  /** The run's position as JSON (no timings: the same run gives the same bytes). */
  state(): TrainingState {
    return {
      step: this.step,
      tokens: this.tokens,
      rng: this.parts.generator ? rngToJSON(this.parts.generator.getState()) : null,
      carried: carriedToJSON(this.parts.carried?.state),
      data: { position: this.step },
    };
  }

  /**
   * Continues from a checkpoint: weights, optimizer and schedule from `decoded` (a checkpoint
   * without schedule state, as files from before the envelope, counts one schedule step per
   * training step), the rest from `training`. The optimizer's rate is set to the schedule's.
   */
  restore(decoded: DecodedCheckpoint, training: TrainingState): void {
    const { model, optimizer, scheduler, generator, carried } = this.parts;
    if (!Number.isSafeInteger(training?.step) || training.step < 0) throw new FormatError(`checkpoint: the training step must be a non-negative integer, got ${String(training?.step)}`);
    if (generator && training.rng === null) throw new FormatError('checkpoint: the run draws random numbers but the checkpoint has no generator state');
    const carriedState = training.carried ? carriedFromJSON(training.carried) : undefined;
    const withSchedule = scheduler !== undefined && decoded.schedulerState !== undefined;
    restoreCheckpoint(decoded, { model, optimizer, ...(withSchedule ? { scheduler } : {}) });
    if (scheduler !== undefined && !withSchedule) scheduler.lastEpoch = training.step;
    if (scheduler !== undefined) optimizer.lr = scheduler.lrAt(scheduler.lastEpoch);
    if (generator && training.rng) generator.setState(training.rng.map((v) => v ?? Number.NaN));
    if (carried) carried.state = carriedState;
    this.step = training.step;
    this.tokens = training.tokens ?? 0;
  }
}
