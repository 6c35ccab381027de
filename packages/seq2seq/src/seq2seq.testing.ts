/** Test helpers of this package (not exported): gradcheck a module's parameters with autograd's gradcheck. */
import { type GradcheckReport, gradcheck, type Module } from '@unroll/autograd';
import { Tensor } from '@unroll/tensor';

type Holder = Record<string, unknown> & { weights?: Map<string, unknown> };

/** Puts `t` where the parameter `name` (a stateDict key) lives; returns the function that puts it back. */
function swapParam(model: Module, name: string, t: Tensor): () => void {
  const parts = name.split('.');
  let owner = model as unknown as Holder;
  for (const part of parts.slice(0, -1)) owner = owner[part] as Holder;
  const field = parts[parts.length - 1]!;
  if (field in owner) {
    const orig = owner[field];
    owner[field] = t;
    return () => { owner[field] = orig; };
  }
  // the recurrent layers keep their weights in a map under PyTorch's names
  const map = owner.weights!;
  const orig = map.get(field);
  if (orig === undefined) throw new Error(`swapParam: no parameter ${name}`);
  map.set(field, t);
  return () => { map.set(field, orig); };
}

/**
 * autograd's `gradcheck` of `loss()` with respect to every parameter of a float64 model: the
 * parameters are swapped for gradcheck's leaves while the loss runs.
 */
export function gradcheckParams(model: Module, loss: () => Tensor, opts = { atol: 1e-6, rtol: 1e-5 }): GradcheckReport & { expected: number } {
  const named = Object.entries(model.stateDict());
  const f = (...xs: Tensor[]): Tensor => {
    const restore = named.map(([name], i) => swapParam(model, name, xs[i]!));
    try {
      return loss();
    } finally {
      for (const r of restore.reverse()) r();
    }
  };
  const inputs = named.map(([, p]) => new Tensor(p.data.slice(), p.shape));
  return { ...gradcheck(f, inputs, opts), expected: inputs.reduce((n, t) => n + t.size, 0) };
}
