import type { Tensor } from './tensor.js';
import type { OpName } from './vocabulary.js';

/** Attributes an op records beside its inputs (axes, shapes, scalars). */
export type OpAttrs = Readonly<Record<string, unknown>>;

/**
 * What an autodiff engine plugs into the tensor package: every differentiable op reports itself
 * here after computing its output. `@unroll/autograd` installs one; without it, ops are plain.
 */
export interface TapeHook {
  /** Called after each op whose inputs include a tensor that requires grad. */
  record(op: OpName, inputs: readonly Tensor[], output: Tensor, attrs: OpAttrs): void;
  /** Runs reverse-mode differentiation from `root` (called by `Tensor.backward`). */
  backward(root: Tensor, grad?: Tensor): void;
  /** False inside `noGrad`. */
  isEnabled(): boolean;
}

let hook: TapeHook | undefined;

/** Installs (or with undefined removes) the tape hook. Used by `@unroll/autograd`. */
export function setTapeHook(h: TapeHook | undefined): void {
  hook = h;
}

/** The installed tape hook, if any. */
export function getTapeHook(): TapeHook | undefined {
  return hook;
}

/**
 * The one dispatch point of the tensor package: every differentiable op computes its output
 * through here, so a tape can record it. Ops whose inputs need no gradient skip recording.
 */
export function dispatch(op: OpName, inputs: readonly Tensor[], attrs: OpAttrs, compute: () => Tensor): Tensor {
  const out = compute();
  if (hook !== undefined) {
    for (const t of inputs) {
      if (t.requiresGrad) {
        if (hook.isEnabled()) hook.record(op, inputs, out, attrs);
        break;
      }
    }
  }
  return out;
}
