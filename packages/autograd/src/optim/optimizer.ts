import { ArgumentError, allocArray, formatShape, shapesEqual, Tensor, type TypedArray } from '@unroll/tensor';
import { StateDictError } from '../errors.js';

/** A hyperparameter value: a number (learning rate, betas...) or a flag (nesterov, amsgrad...). */
export type HyperValue = number | boolean;

/** How a hyperparameter is checked: `>= 0`, in `[0, 1)`, or a boolean. Numbers must be finite. */
export type HyperRule = 'nonNegative' | 'unitInterval' | 'boolean';

/**
 * An optimizer's complete state, as `stateDict()` returns it and `loadStateDict()` takes it.
 * `tensors` holds copies of the per-parameter buffers keyed `${paramIndex}.${bufferName}`
 * (e.g. `0.expAvg`), plus `${paramIndex}.step`, a float64 scalar counting the updates that
 * parameter received. Parameters that never had a gradient have no entries.
 *
 * @example
 * ```ts
 * import { SGD, type OptimizerState } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const p = zeros([2]);
 * const state: OptimizerState = new SGD([p], { lr: 0.1 }).stateDict();
 * console.log(state.type, state.hyper.lr, state.numParams); // SGD 0.1 1
 * ```
 */
export interface OptimizerState {
  /** The optimizer class: `SGD`, `Adagrad`, `RMSprop`, `Adam` or `AdamW`. */
  type: string;
  /** Every hyperparameter, `lr` included. */
  hyper: Record<string, HyperValue>;
  /** How many times `step()` was called. */
  stepCount: number;
  /** How many parameters the optimizer holds (checked on load). */
  numParams: number;
  /** Per-parameter buffers, keyed `${paramIndex}.${bufferName}`. */
  tensors: Record<string, Tensor>;
}

/** What an optimizer keeps for one parameter: its update count and buffers (param dtype and size). */
export interface ParamState {
  step: number;
  buffers: Record<string, TypedArray>;
}

function ruleMessage(rule: HyperRule, value: unknown): string | null {
  if (rule === 'boolean') return typeof value === 'boolean' ? null : `must be a boolean, got ${String(value)}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a finite number, got ${String(value)}`;
  if (value < 0) return `must be >= 0, got ${value}`;
  if (rule === 'unitInterval' && value >= 1) return `must be in [0, 1), got ${value}`;
  return null;
}

const KEY = /^(0|[1-9]\d*)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Base class of the optimizers. It owns the parameter list, the learning rate, per-parameter
 * state and its (de)serialization; subclasses implement `update()` for one parameter. Updates
 * are computed in float64 scalars and stored in place into `param.data` (never recorded by
 * autograd); a parameter whose `grad` is null is skipped. Buffers have the parameter's dtype.
 * Only one parameter group is supported: every parameter shares the hyperparameters.
 *
 * @example
 * ```ts
 * import { Adam } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const p = tensor([1, 2]);
 * const opt = new Adam([p], { lr: 0.1 });
 * p.grad = tensor([0.5, -0.5]);
 * opt.step();      // p ≈ [0.9, 2.1]
 * opt.zeroGrad();  // p.grad === null
 * ```
 */
export abstract class Optimizer<H extends Record<string, HyperValue> = Record<string, HyperValue>> {
  /** The class name stored in state dicts and used in messages. */
  readonly type: string;
  /** The parameters, in the order given to the constructor (state keys use these indices). */
  readonly params: readonly Tensor[];
  /** The learning rate; schedulers set it before each step. */
  lr: number;
  /** How many times `step()` has run. */
  stepCount = 0;
  /** Hyperparameters other than `lr`. */
  protected h: H;
  /** Per-parameter state, created on a parameter's first update. */
  protected state: (ParamState | undefined)[];
  private readonly rules: Readonly<Record<string, HyperRule>>;

  protected constructor(type: string, params: Iterable<Tensor>, lr: number, hyper: H, rules: { readonly [K in keyof H]: HyperRule }) {
    this.type = type;
    this.rules = rules;
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
      throw new ArgumentError(`${type}: params must be an iterable of tensors, got ${params instanceof Tensor ? 'a single Tensor' : String(params)}`);
    }
    const list = [...params];
    if (list.length === 0) throw new ArgumentError(`${type}: got no parameters to optimize`);
    const seen = new Set<Tensor>();
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ArgumentError(`${type}: parameter ${i} is not a Tensor`);
      if (p.dtype === 'int32') throw new ArgumentError(`${type}: parameter ${i} has dtype int32; only float32 and float64 can be optimized`);
      if (seen.has(p)) throw new ArgumentError(`${type}: parameter ${i} appears more than once`);
      seen.add(p);
    });
    const bad = this.checkHyper({ lr, ...hyper });
    if (bad !== null) throw new ArgumentError(`${type}: ${bad}`);
    this.params = Object.freeze(list);
    this.lr = lr;
    this.h = { ...hyper };
    this.state = new Array(list.length).fill(undefined);
  }

  /** Updates one parameter in place from its gradient; `s.step` already counts this update. */
  protected abstract update(param: Tensor, p: TypedArray, g: TypedArray, s: ParamState): void;

  /** Buffers a parameter's state must hold under hyperparameters `h` (checked on load). */
  protected abstract requiredBuffers(h: H): readonly string[];

  /** Every buffer name this optimizer may keep. */
  protected abstract readonly bufferNames: readonly string[];

  /** Checks constraints between hyperparameters; returns a message, or null when they are fine. */
  protected crossCheck(_h: H): string | null {
    return null;
  }

  /** Validates `lr` and the other hyperparameters; returns a message naming the bad one, or null. */
  private checkHyper(h: Record<string, unknown>): string | null {
    const lrBad = ruleMessage('nonNegative', h.lr);
    if (lrBad !== null) return `lr ${lrBad}`;
    for (const key of Object.keys(this.rules)) {
      const bad = ruleMessage(this.rules[key]!, h[key]);
      if (bad !== null) return `${key} ${bad}`;
    }
    return this.crossCheck(h as H);
  }

  /** The buffer `name` of a parameter's state, created filled with `init` when absent. */
  protected buffer(param: Tensor, s: ParamState, name: string, init = 0): TypedArray {
    let buf = s.buffers[name];
    if (buf === undefined) {
      buf = allocArray(param.dtype, param.size);
      if (init !== 0) buf.fill(init);
      s.buffers[name] = buf;
    }
    return buf;
  }

  /** Every hyperparameter, `lr` included (a copy). */
  hyperparameters(): Record<string, HyperValue> {
    return { lr: this.lr, ...this.h };
  }

  /**
   * Applies one update to every parameter that has a gradient. Throws an ArgumentError, before
   * changing anything, when a gradient's shape differs from its parameter's or `lr` is invalid.
   */
  step(): void {
    const lrBad = ruleMessage('nonNegative', this.lr);
    if (lrBad !== null) throw new ArgumentError(`${this.type}.step: lr ${lrBad}`);
    const { params, state } = this;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const g = p.grad;
      if (g !== null && !shapesEqual(g.shape, p.shape)) {
        throw new ArgumentError(`${this.type}.step: parameter ${i} has shape ${formatShape(p.shape)} but its grad has shape ${formatShape(g.shape)}`);
      }
    }
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const g = p.grad;
      if (g === null) continue;
      let s = state[i];
      if (s === undefined) state[i] = s = { step: 0, buffers: {} };
      s.step += 1;
      this.update(p, p.data, g.data, s);
    }
    this.stepCount += 1;
  }

  /** Sets every parameter's gradient to null. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** The full state (hyperparameters, counters and copies of the buffers), for checkpoints. */
  stateDict(): OptimizerState {
    const tensors: Record<string, Tensor> = {};
    this.state.forEach((s, i) => {
      if (s === undefined) return;
      const shape = this.params[i]!.shape;
      tensors[`${i}.step`] = new Tensor(new Float64Array([s.step]), []);
      for (const [name, buf] of Object.entries(s.buffers)) tensors[`${i}.${name}`] = new Tensor(buf.slice(), shape);
    });
    return { type: this.type, hyper: this.hyperparameters(), stepCount: this.stepCount, numParams: this.params.length, tensors };
  }

  /**
   * Throws the StateDictError `loadStateDict(state)` would throw (naming the bad key), without
   * changing anything.
   */
  checkStateDict(state: OptimizerState): void {
    this.parseState(state);
  }

  /**
   * Restores a state from `stateDict()`: hyperparameters (`lr` included), counters and buffers
   * (copied, cast to each parameter's dtype). Everything is validated first (type, parameter
   * count, hyperparameters, buffer names and shapes); on error a StateDictError names the key
   * and nothing changes.
   */
  loadStateDict(state: OptimizerState): void {
    const parsed = this.parseState(state);
    this.lr = parsed.hyper.lr as number;
    const { lr: _, ...rest } = parsed.hyper;
    this.h = rest as H;
    this.stepCount = parsed.stepCount;
    this.state = parsed.states;
  }

  private parseState(state: OptimizerState): { hyper: Record<string, HyperValue>; stepCount: number; states: (ParamState | undefined)[] } {
    const fail = (msg: string): never => {
      throw new StateDictError(`${this.type}.loadStateDict: ${msg}`);
    };
    if (state === null || typeof state !== 'object') fail(`state must be an object, got ${String(state)}`);
    if (state.type !== this.type) fail(`the state is for ${JSON.stringify(state.type)}, not ${JSON.stringify(this.type)}`);
    if (state.numParams !== this.params.length) fail(`numParams: the state has ${state.numParams} parameters, this optimizer has ${this.params.length}`);
    if (!Number.isSafeInteger(state.stepCount) || state.stepCount < 0) fail(`stepCount must be a non-negative integer, got ${state.stepCount}`);
    const hyper = state.hyper;
    if (hyper === null || typeof hyper !== 'object') fail(`hyper must be an object, got ${String(hyper)}`);
    const expected = ['lr', ...Object.keys(this.rules)];
    for (const key of expected) if (!Object.hasOwn(hyper, key)) fail(`hyper.${key} is missing`);
    for (const key of Object.keys(hyper)) if (!expected.includes(key)) fail(`hyper.${key} is not a hyperparameter of ${this.type}`);
    const bad = this.checkHyper(hyper);
    if (bad !== null) fail(`hyper.${bad}`);

    const tensors = state.tensors;
    if (tensors === null || typeof tensors !== 'object') fail(`tensors must be an object, got ${String(tensors)}`);
    const states: (ParamState | undefined)[] = new Array(this.params.length).fill(undefined);
    for (const key of Object.keys(tensors)) {
      const m = KEY.exec(key);
      if (m === null) fail(`tensor key ${JSON.stringify(key)} is not of the form <paramIndex>.<buffer>`);
      const index = Number(m![1]);
      const name = m![2]!;
      if (index >= this.params.length) fail(`tensor ${key}: parameter index ${index} is out of range (${this.params.length} parameters)`);
      if (name !== 'step' && !this.bufferNames.includes(name)) fail(`tensor ${key}: ${this.type} has no buffer named ${JSON.stringify(name)}`);
      const t = tensors[key];
      if (!(t instanceof Tensor)) fail(`tensor ${key} is not a Tensor`);
      if (t!.dtype === 'int32') fail(`tensor ${key} has dtype int32, expected a float dtype`);
      const param = this.params[index]!;
      const s = (states[index] ??= { step: -1, buffers: {} });
      if (name === 'step') {
        const v = t!.size === 1 ? t!.data[0]! : Number.NaN;
        if (t!.ndim !== 0 || !Number.isSafeInteger(v) || v < 0) fail(`tensor ${key} must be a scalar non-negative integer, got shape ${formatShape(t!.shape)} value ${t!.data[0]}`);
        s.step = v;
      } else {
        if (!shapesEqual(t!.shape, param.shape)) fail(`tensor ${key} has shape ${formatShape(t!.shape)}, parameter ${index} has shape ${formatShape(param.shape)}`);
        const buf = allocArray(param.dtype, param.size);
        buf.set(t!.data);
        s.buffers[name] = buf;
      }
    }
    const required = this.requiredBuffers(hyper as unknown as H);
    states.forEach((s, i) => {
      if (s === undefined) return;
      if (s.step < 0) fail(`tensor ${i}.step is missing (parameter ${i} has buffers)`);
      for (const name of required) if (s.buffers[name] === undefined) fail(`tensor ${i}.${name} is missing`);
    });
    return { hyper: { ...hyper }, stepCount: state.stepCount, states };
  }
}
