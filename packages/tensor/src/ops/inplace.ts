import { getBackend } from '../backend.js';
import { allocArray } from '../dtype.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, shapesEqual } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';

function assertNotTracked(op: string, t: Tensor): void {
  if (t.gradNode !== undefined) throw new ArgumentError(`${op}: cannot modify in place a tensor that autograd recorded as an op output`);
}

/** this += alpha * other, broadcasting other into this shape (for gradient accumulation). */
export function addInPlace_(target: Tensor, other: TensorLike, alpha = 1): void {
  assertNotTracked('addInPlace_', target);
  const d = target.data;
  if (typeof other === 'number') {
    const v = alpha * other;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + v;
    return;
  }
  if (shapesEqual(target.shape, other.shape)) {
    const s = other.data;
    if (alpha === 1) for (let i = 0; i < d.length; i++) d[i] = d[i]! + s[i]!;
    else for (let i = 0; i < d.length; i++) d[i] = d[i]! + alpha * s[i]!;
    return;
  }
  const shape = broadcastShapes('addInPlace_', target.shape, other.shape);
  if (!shapesEqual(shape, target.shape)) throw new ShapeError(`addInPlace_: cannot add ${formatShape(other.shape)} into ${formatShape(target.shape)}`);
  const tmp = allocArray(target.dtype, target.size);
  getBackend().copyStrided(other.data, 0, broadcastStrides(other.shape, shape), shape, tmp, 0);
  for (let i = 0; i < d.length; i++) d[i] = d[i]! + alpha * tmp[i]!;
}

/** this *= s. */
export function mulInPlace_(target: Tensor, s: number): void {
  assertNotTracked('mulInPlace_', target);
  const d = target.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! * s;
}

/** Copies src's values into target (same number of elements). */
export function copyInPlace_(target: Tensor, src: Tensor): void {
  assertNotTracked('copy_', target);
  if (src.size !== target.size) throw new ShapeError(`copy_: cannot copy ${formatShape(src.shape)} into ${formatShape(target.shape)}`);
  target.data.set(src.data);
}
