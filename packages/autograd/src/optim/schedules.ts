import { ArgumentError } from '@unroll/tensor';
import { StateDictError } from '../errors.js';
import { Optimizer } from './optimizer.js';

/** A scheduler's state: plain JSON numbers (`lastEpoch`, `baseLr`, its options; nested ones prefixed `after.`). */
export type SchedulerState = Record<string, number>;

/** How a scheduler option is checked. */
type Rule = 'positiveInt' | 'nonNegativeInt' | 'nonNegative' | 'positive';

function ruleMessage(rule: Rule, v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a finite number, got ${String(v)}`;
  if (rule === 'positiveInt' && !(Number.isSafeInteger(v) && v > 0)) return `must be a positive integer, got ${v}`;
  if (rule === 'nonNegativeInt' && !(Number.isSafeInteger(v) && v >= 0)) return `must be a non-negative integer, got ${v}`;
  if (rule === 'positive' && !(v > 0)) return `must be > 0, got ${v}`;
  if (rule === 'nonNegative' && !(v >= 0)) return `must be >= 0, got ${v}`;
  return null;
}

/**
 * Base class of learning-rate schedulers. Like PyTorch's, a scheduler remembers the optimizer's
 * `lr` at construction as `baseLr`, sets the epoch-0 rate right away, and each `step()` (called
 * once per epoch or iteration, after `optimizer.step()`) advances `lastEpoch` and sets
 * `optimizer.lr = lrAt(lastEpoch)`. Rates come from closed forms of `(baseLr, epoch)`, so a
 * manual change of `optimizer.lr` lasts until the next `step()`.
 *
 * @example
 * ```ts
 * import { SGD, StepLR } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const opt = new SGD([zeros([1])], { lr: 0.1 });
 * const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * sched.step(); sched.step();
 * console.log(opt.lr, sched.lrAt(4)); // 0.05 0.025
 * ```
 */
export abstract class Scheduler<H extends Record<string, number> = Record<string, number>> {
  /** The optimizer whose `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  /** How many times `step()` has been called (0 after construction). */
  lastEpoch = 0;
  /** The optimizer's learning rate when the scheduler was created. */
  baseLr: number;
  /** This scheduler's options. */
  protected h: H;

  protected constructor(
    protected readonly name: string,
    optimizer: Optimizer,
    hyper: H,
    private readonly rules: { readonly [K in keyof H]: Rule },
  ) {
    if (!(optimizer instanceof Optimizer)) throw new ArgumentError(`${name}: optimizer must be an Optimizer, got ${String(optimizer)}`);
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr;
    const bad = this.checkOptions(hyper);
    if (bad !== null) throw new ArgumentError(`${name}: ${bad}`);
    this.h = { ...hyper };
  }

  private checkOptions(h: Record<string, unknown>): string | null {
    for (const key of Object.keys(this.rules)) {
      const bad = ruleMessage(this.rules[key]!, h[key]);
      if (bad !== null) return `${key} ${bad}`;
    }
    return null;
  }

  /** The learning rate this schedule gives at `epoch` (a pure function of `baseLr` and the options). */
  abstract lrAt(epoch: number): number;

  /** Advances one epoch and sets the optimizer's learning rate. */
  step(): void {
    this.lastEpoch += 1;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** `lastEpoch`, `baseLr` and the options, as plain numbers. */
  stateDict(): SchedulerState {
    return { lastEpoch: this.lastEpoch, baseLr: this.baseLr, ...this.h };
  }

  /** Throws the StateDictError `loadStateDict(state)` would throw, without changing anything. */
  checkStateDict(state: SchedulerState): void {
    this.parse(state);
  }

  /**
   * Restores `lastEpoch`, `baseLr` and the options from `stateDict()` (validated first; a
   * StateDictError names the bad key). Like PyTorch, it leaves `optimizer.lr` alone: the
   * optimizer's own state dict restores it.
   */
  loadStateDict(state: SchedulerState): void {
    const own = this.parse(state);
    this.lastEpoch = own.lastEpoch!;
    this.baseLr = own.baseLr!;
    const { lastEpoch: _e, baseLr: _b, ...rest } = own;
    this.h = rest as H;
  }

  /** Validates `state`; returns this scheduler's own keys (nested ones are validated by subclasses). */
  protected parse(state: SchedulerState): SchedulerState {
    const fail = (msg: string): never => {
      throw new StateDictError(`${this.name}.loadStateDict: ${msg}`);
    };
    if (state === null || typeof state !== 'object') fail(`state must be an object, got ${String(state)}`);
    const expected = ['lastEpoch', 'baseLr', ...Object.keys(this.rules)];
    for (const key of expected) if (!Object.hasOwn(state, key)) fail(`${key} is missing`);
    const own: SchedulerState = {};
    for (const key of Object.keys(state)) {
      if (expected.includes(key)) own[key] = state[key]!;
      else if (!this.acceptsKey(key)) fail(`${key} is not a key of ${this.name}'s state`);
    }
    const e = own.lastEpoch;
    if (!Number.isSafeInteger(e) || e! < 0) fail(`lastEpoch must be a non-negative integer, got ${e}`);
    const lrBad = ruleMessage('nonNegative', own.baseLr);
    if (lrBad !== null) fail(`baseLr ${lrBad}`);
    const bad = this.checkOptions(own);
    if (bad !== null) fail(bad);
    return own;
  }

  /** Whether a key outside this scheduler's own belongs to a nested scheduler. */
  protected acceptsKey(_key: string): boolean {
    return false;
  }
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs, like torch's StepLR:
 * `lr = baseLr * gamma ** floor(epoch / stepSize)`.
 *
 * @example
 * ```ts
 * import { SGD, StepLR } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const opt = new SGD([zeros([1])], { lr: 1 });
 * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.1 }); // lr 1 for 10 epochs, then 0.1...
 * ```
 */
export class StepLR extends Scheduler<{ stepSize: number; gamma: number }> {
  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super('StepLR', optimizer, { stepSize: options?.stepSize, gamma: options?.gamma ?? 0.1 }, { stepSize: 'positiveInt', gamma: 'nonNegative' });
    optimizer.lr = this.lrAt(0);
  }

  lrAt(epoch: number): number {
    return this.baseLr * this.h.gamma ** Math.floor(epoch / this.h.stepSize);
  }
}

/**
 * Multiplies the learning rate by `gamma` every epoch, like torch's ExponentialLR:
 * `lr = baseLr * gamma ** epoch`.
 *
 * @example
 * ```ts
 * import { Adam, ExponentialLR } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const opt = new Adam([zeros([1])], { lr: 1e-3 });
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * sched.step(); // opt.lr = 9.5e-4
 * ```
 */
export class ExponentialLR extends Scheduler<{ gamma: number }> {
  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super('ExponentialLR', optimizer, { gamma: options?.gamma }, { gamma: 'nonNegative' });
    optimizer.lr = this.lrAt(0);
  }

  lrAt(epoch: number): number {
    return this.baseLr * this.h.gamma ** epoch;
  }
}

/**
 * Cosine annealing from `baseLr` down to `etaMin` over `tMax` epochs (then back up, periodically,
 * as torch's CosineAnnealingLR does without restarts):
 * `lr = etaMin + (baseLr - etaMin) * (1 + cos(pi * epoch / tMax)) / 2`.
 *
 * @example
 * ```ts
 * import { Adam, CosineAnnealingLR } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const opt = new Adam([zeros([1])], { lr: 1e-3 });
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * console.log(sched.lrAt(50)); // ≈ 5.05e-4
 * ```
 */
export class CosineAnnealingLR extends Scheduler<{ tMax: number; etaMin: number }> {
  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    super('CosineAnnealingLR', optimizer, { tMax: options?.tMax, etaMin: options?.etaMin ?? 0 }, { tMax: 'positiveInt', etaMin: 'nonNegative' });
    optimizer.lr = this.lrAt(0);
  }

  lrAt(epoch: number): number {
    const { tMax, etaMin } = this.h;
    return etaMin + ((this.baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2;
  }
}

/**
 * Linear warmup: `lr = baseLr * (epoch + 1) / warmupSteps` for the first `warmupSteps` epochs
 * (torch's LinearLR with startFactor 1/warmupSteps), then `baseLr`, or, when `after` is given,
 * the `after` schedule, which starts at its epoch 0 at epoch `warmupSteps` (as torch's
 * SequentialLR hands over at a milestone). Create `after` first, on the same optimizer.
 * Its state dict nests `after`'s under keys prefixed `after.`.
 *
 * @example
 * ```ts
 * import { AdamW, CosineAnnealingLR, LinearWarmup } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const opt = new AdamW([zeros([1])], { lr: 1e-3 });
 * const after = new CosineAnnealingLR(opt, { tMax: 900 });
 * const sched = new LinearWarmup(opt, { warmupSteps: 100, after });
 * console.log(opt.lr); // 1e-5: warmup starts at baseLr / 100
 * ```
 */
export class LinearWarmup extends Scheduler<{ warmupSteps: number }> {
  /** The schedule that takes over after warmup, if any. */
  readonly after: Scheduler | undefined;

  constructor(optimizer: Optimizer, options: { warmupSteps: number; after?: Scheduler }) {
    super('LinearWarmup', optimizer, { warmupSteps: options?.warmupSteps }, { warmupSteps: 'positiveInt' });
    const after = options.after;
    if (after !== undefined) {
      if (!(after instanceof Scheduler)) throw new ArgumentError(`LinearWarmup: after must be a Scheduler, got ${String(after)}`);
      if (after.optimizer !== optimizer) throw new ArgumentError('LinearWarmup: after must schedule the same optimizer');
      if (after.lastEpoch !== 0) throw new ArgumentError(`LinearWarmup: after must not have been stepped yet, its lastEpoch is ${after.lastEpoch}`);
    }
    this.after = after;
    optimizer.lr = this.lrAt(0);
  }

  lrAt(epoch: number): number {
    const w = this.h.warmupSteps;
    if (epoch < w) return (this.baseLr * (epoch + 1)) / w;
    return this.after === undefined ? this.baseLr : this.after.lrAt(epoch - w);
  }

  step(): void {
    this.lastEpoch += 1;
    if (this.after !== undefined && this.lastEpoch > this.h.warmupSteps) this.after.step();
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  stateDict(): SchedulerState {
    const out = super.stateDict();
    if (this.after !== undefined) for (const [k, v] of Object.entries(this.after.stateDict())) out[`after.${k}`] = v;
    return out;
  }

  loadStateDict(state: SchedulerState): void {
    const nested = this.nested(state);
    super.loadStateDict(state);
    if (nested !== undefined) this.after!.loadStateDict(nested);
  }

  protected parse(state: SchedulerState): SchedulerState {
    const own = super.parse(state);
    this.nested(state);
    return own;
  }

  protected acceptsKey(key: string): boolean {
    return this.after !== undefined && key.startsWith('after.');
  }

  /** Validates and returns the `after.` part of `state` (undefined without `after`). */
  private nested(state: SchedulerState): SchedulerState | undefined {
    if (this.after === undefined) return undefined;
    const sub: SchedulerState = {};
    for (const [k, v] of Object.entries(state ?? {})) if (k.startsWith('after.')) sub[k.slice(6)] = v;
    try {
      this.after.checkStateDict(sub);
    } catch (err) {
      if (err instanceof StateDictError) throw new StateDictError(`LinearWarmup.loadStateDict: after: ${err.message}`);
      throw err;
    }
    return sub;
  }
}

/**
 * Linear change of the rate by a factor from `startFactor` to `endFactor` over `totalIters`
 * epochs, then `endFactor` for good, like torch's LinearLR:
 * `lr = baseLr * (startFactor + (endFactor - startFactor) * min(epoch, totalIters) / totalIters)`.
 *
 * @example
 * ```ts
 * import { Adam, LinearLR } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const opt = new Adam([zeros([1])], { lr: 1e-3 });
 * const sched = new LinearLR(opt, { startFactor: 1, endFactor: 0.1, totalIters: 100 });
 * console.log(sched.lrAt(50)); // 5.5e-4
 * ```
 */
export class LinearLR extends Scheduler<{ startFactor: number; endFactor: number; totalIters: number }> {
  constructor(optimizer: Optimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number }) {
    super(
      'LinearLR',
      optimizer,
      { startFactor: options?.startFactor ?? 1 / 3, endFactor: options?.endFactor ?? 1, totalIters: options?.totalIters ?? 5 },
      { startFactor: 'nonNegative', endFactor: 'nonNegative', totalIters: 'positiveInt' },
    );
    optimizer.lr = this.lrAt(0);
  }

  lrAt(epoch: number): number {
    const { startFactor, endFactor, totalIters } = this.h;
    return this.baseLr * (startFactor + ((endFactor - startFactor) * Math.min(epoch, totalIters)) / totalIters);
  }
}

/** How a budget schedule falls from its base rate to its floor. */
export type DecayShape = 'cosine' | 'linear';

/**
 * The rate a fraction `progress` (clamped to [0, 1]) of the way through a decay from `baseLr`
 * to `minLr`: half a cosine, or a straight line.
 *
 * @example
 * ```ts
 * import { annealedLr } from '@unroll/autograd';
 * console.log(annealedLr('cosine', 1, 0, 0.5), annealedLr('linear', 1, 0.1, 1)); // ≈ 0.5 0.1
 * ```
 */
export function annealedLr(shape: DecayShape, baseLr: number, minLr: number, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  if (shape === 'linear') return baseLr + (minLr - baseLr) * p;
  return minLr + ((baseLr - minLr) * (1 + Math.cos(Math.PI * p))) / 2;
}

/**
 * A schedule tied to a training budget: linear warm-up over `warmupSteps` (as `LinearWarmup`),
 * then a cosine or linear decay from `baseLr` to `minLr` that ends with the budget. Progress
 * through the decay is the larger of the step progress `(epoch - warmupSteps) / (totalSteps -
 * warmupSteps)` (when `totalSteps` > 0) and `timeFraction`, the elapsed fraction of a time budget
 * that the training loop sets before each step, so a slower machine still ends its run at a low
 * rate. `timeFraction` is not part of the state: timings stay out of checkpoints. With neither
 * budget the rate stays at `baseLr` after warm-up.
 *
 * @example
 * ```ts
 * import { Adam, BudgetLR } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const opt = new Adam([zeros([1])], { lr: 1e-3 });
 * const sched = new BudgetLR(opt, { decay: 'linear', warmupSteps: 10, totalSteps: 110 });
 * console.log(sched.lrAt(0), sched.lrAt(60), sched.lrAt(110)); // 1e-4 5e-4 0
 * sched.timeFraction = 0.9; // 90% of a minutes budget gone: at most 1e-4 from now on
 * ```
 */
export class BudgetLR extends Scheduler<{ warmupSteps: number; totalSteps: number; minLr: number }> {
  /** The shape of the decay after warm-up. */
  readonly decay: DecayShape;
  /** The elapsed fraction of a time budget (0 without one), set by the training loop. */
  timeFraction = 0;

  constructor(optimizer: Optimizer, options: { decay?: DecayShape; warmupSteps?: number; totalSteps?: number; minLr?: number }) {
    const { decay = 'cosine', warmupSteps = 0, totalSteps = 0, minLr = 0 } = options ?? {};
    super('BudgetLR', optimizer, { warmupSteps, totalSteps, minLr }, { warmupSteps: 'nonNegativeInt', totalSteps: 'nonNegativeInt', minLr: 'nonNegative' });
    if (decay !== 'cosine' && decay !== 'linear') throw new ArgumentError(`BudgetLR: decay must be 'cosine' or 'linear', got ${String(decay)}`);
    if (totalSteps > 0 && totalSteps <= warmupSteps) throw new ArgumentError(`BudgetLR: totalSteps (${totalSteps}) must exceed warmupSteps (${warmupSteps})`);
    this.decay = decay;
    optimizer.lr = this.lrAt(0);
  }

  lrAt(epoch: number): number {
    const { warmupSteps: w, totalSteps, minLr } = this.h;
    if (epoch < w) return (this.baseLr * (epoch + 1)) / w;
    const stepProgress = totalSteps > 0 ? (epoch - w) / (totalSteps - w) : 0;
    return annealedLr(this.decay, this.baseLr, minLr, Math.max(stepProgress, this.timeFraction));
  }
}
