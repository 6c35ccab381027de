import { Tensor } from '@unroll/tensor';
import { GradientError } from './errors.js';

/**
 * Functional gradients: `valueAndGrad(f)(...xs)` returns f's scalar value and its gradient with
 * respect to every argument (fresh leaves: the arguments themselves are not modified).
 *
 * @example
 * ```ts
 * import { valueAndGrad } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const [v, [g]] = valueAndGrad((x) => x.square().sum())(tensor([1, 2])); // v=5, g=[2, 4]
 * ```
 */
export function valueAndGrad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => [number, Tensor[]] {
  return (...xs) => {
    const leaves = xs.map((x) => x.detach().requiresGrad_());
    const y = f(...leaves);
    if (!(y instanceof Tensor) || y.size !== 1) {
      throw new GradientError(`valueAndGrad: the function must return a scalar tensor, got ${y instanceof Tensor ? `shape (${y.shape.join(',')})` : typeof y}`);
    }
    const value = y.item();
    if (y.requiresGrad) y.backward();
    return [value, leaves.map((l) => l.grad ?? new Tensor(new (l.data.constructor as Float32ArrayConstructor)(l.size), l.shape))];
  };
}

/**
 * `grad(f)(...xs)`: the gradients of a scalar function with respect to each argument.
 * @example `grad((x) => x.square().sum())(tensor([3])) // [[6]]`
 */
export function grad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(f);
  return (...xs) => vg(...xs)[1];
}
