import { allocArray, type DType } from '../dtype.js';
import { ArgumentError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';

/** Turns a number into a 0-d tensor of `dtype`; passes tensors through. */
export function asTensor(op: string, x: TensorLike, dtype: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') throw new ArgumentError(`${op}: expected a Tensor or a number, got ${typeof x}`);
  const data = allocArray(dtype, 1);
  data[0] = x;
  return new Tensor(data, []);
}

/** Checks that a value is a Tensor. */
export function assertTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: ${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
}
