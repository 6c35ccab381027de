import { getBackend } from '../backend.js';
import { dispatch } from '../dispatch.js';
import { allocArray } from '../dtype.js';
import { normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertFloat } from './elementwise.js';
import { permute } from './movement.js';
import { assertTensor } from './util.js';

function softmaxOp(op: 'softmax' | 'logSoftmax', x: Tensor, axisIn: number): Tensor {
  assertTensor(op, x);
  assertFloat(op, x);
  const axis = normalizeAxis(op, axisIn, x.ndim);
  return dispatch(op, [x], { axis }, () => {
    const last = x.ndim - 1;
    if (axis !== last) {
      // move the axis last, compute, move it back (untracked: this whole op is one node)
      const perm = x.shape.map((_, i) => i);
      perm[axis] = last;
      perm[last] = axis;
      const moved = permute(x.detach(), perm);
      const r = softmaxOp(op, moved, last);
      return permute(r, perm);
    }
    const cols = x.shape[last] ?? 1;
    const rows = cols === 0 ? 0 : x.size / cols;
    const out = allocArray(x.dtype, x.size);
    getBackend().softmax(x.data, rows, cols, out, op === 'logSoftmax');
    return new Tensor(out, x.shape);
  });
}

/** Softmax along an axis (last by default). @example `softmax(tensor([0, 0])) // [0.5, 0.5]` */
export const softmax = (x: Tensor, axis = -1): Tensor => softmaxOp('softmax', x, axis);
/** Log-softmax along an axis, stable for large logits. @example `logSoftmax(tensor([0, 0])) // [-ln 2, -ln 2]` */
export const logSoftmax = (x: Tensor, axis = -1): Tensor => softmaxOp('logSoftmax', x, axis);
