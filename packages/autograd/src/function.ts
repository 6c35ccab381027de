import type { Tensor } from '@unroll/tensor';
import { attachNode, isGradEnabled, Node, noGrad } from './tape.js';

/**
 * A custom differentiable function: a forward on plain tensors and its hand-written backward.
 * `Attrs` are the call's non-tensor arguments (a reduction, a flag, a config): they reach
 * forward as they are, never through the tape; forward keeps in `ctx` what backward needs.
 */
export interface FunctionSpec<Ctx, Attrs = void> {
  /** Name shown in errors and anomaly reports. */
  name: string;
  /** Computes the outputs (untracked) and whatever backward needs, as `ctx`. */
  forward(inputs: readonly Tensor[], attrs: Attrs): { outputs: Tensor[]; ctx: Ctx };
  /** Gradients of the inputs from the outputs' gradients (null where an output got none). */
  backward(ctx: Ctx, gradOutputs: readonly (Tensor | null)[], inputs: readonly Tensor[]): (Tensor | null)[];
}

/**
 * Defines a differentiable function that is one node on the tape, with a hand-written backward:
 * the way a fused kernel (a whole LSTM sequence) joins autograd. The returned function takes the
 * tensor inputs and, when `Attrs` is given, the non-tensor attributes.
 *
 * @example
 * ```ts
 * import { defineFunction } from '@unroll/autograd';
 * import { mul, tensor } from '@unroll/tensor';
 * const scale = defineFunction<{ by: number }, { by: number }>({
 *   name: 'scale',
 *   forward: ([x], { by }) => ({ outputs: [mul(x!, by)], ctx: { by } }),
 *   backward: ({ by }, [g]) => [g ? mul(g, by) : null],
 * });
 * const x = tensor([1, 2]).requiresGrad_();
 * scale([x], { by: 3 })[0]!.sum().backward(); // x.grad = [3, 3]
 * ```
 */
export function defineFunction<Ctx, Attrs = void>(spec: FunctionSpec<Ctx, Attrs>): (inputs: readonly Tensor[], attrs: Attrs) => Tensor[] {
  return (inputs, attrs) => {
    const track = isGradEnabled() && inputs.some((t) => t.requiresGrad);
    const { outputs, ctx } = noGrad(() => spec.forward(inputs, attrs));
    if (track) {
      const node = new Node({ kind: 'function', name: spec.name }, inputs, outputs.length, (g) => noGrad(() => spec.backward(ctx, g, inputs)));
      attachNode(node, outputs);
    }
    return outputs;
  };
}
