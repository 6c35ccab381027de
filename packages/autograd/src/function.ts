import type { Tensor } from '@unroll/tensor';
import { attachNode, isGradEnabled, Node, noGrad } from './tape.js';

/** A custom differentiable function: a forward on plain tensors and its hand-written backward. */
export interface FunctionSpec<Ctx> {
  /** Name shown in errors and anomaly reports. */
  name: string;
  /** Computes the outputs (untracked) and whatever backward needs, as `ctx`. */
  forward(inputs: readonly Tensor[]): { outputs: Tensor[]; ctx: Ctx };
  /** Gradients of the inputs from the outputs' gradients (null where an output got none). */
  backward(ctx: Ctx, gradOutputs: readonly (Tensor | null)[], inputs: readonly Tensor[]): (Tensor | null)[];
}

/**
 * Defines a differentiable function that is one node on the tape, with a hand-written backward:
 * the way a fused kernel (a whole LSTM sequence) joins autograd.
 *
 * @example
 * ```ts
 * import { defineFunction } from '@unroll/autograd';
 * import { mul, tensor } from '@unroll/tensor';
 * const double = defineFunction<null>({
 *   name: 'double',
 *   forward: ([x]) => ({ outputs: [mul(x!, 2)], ctx: null }),
 *   backward: (_ctx, [g]) => [g ? mul(g, 2) : null],
 * });
 * const x = tensor([1, 2]).requiresGrad_();
 * double([x])[0]!.sum().backward(); // x.grad = [2, 2]
 * ```
 */
export function defineFunction<Ctx>(spec: FunctionSpec<Ctx>): (inputs: readonly Tensor[]) => Tensor[] {
  return (inputs) => {
    const track = isGradEnabled() && inputs.some((t) => t.requiresGrad);
    const { outputs, ctx } = noGrad(() => spec.forward(inputs));
    if (track) {
      const node = new Node(spec.name, inputs, outputs.length, (g) => noGrad(() => spec.backward(ctx, g, inputs)));
      attachNode(node, outputs);
    }
    return outputs;
  };
}
