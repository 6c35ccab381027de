import { dispatch } from '../dispatch.js';
import { allocArray, type DType } from '../dtype.js';
import { ArgumentError, checkPositiveInt, DTypeError, formatShape, ShapeError } from '../errors.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertTensor } from './util.js';

function asIndexTensor(op: string, idx: Tensor | readonly number[]): Tensor {
  if (idx instanceof Tensor) {
    if (idx.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${idx.dtype}`);
    return idx;
  }
  if (!Array.isArray(idx)) throw new ArgumentError(`${op}: indices must be an int32 Tensor or an array of integers`);
  return new Tensor(Int32Array.from(idx), [idx.length]);
}

function checkIndex(op: string, v: number, n: number, what: string): void {
  if (!(v >= 0 && v < n)) throw new ArgumentError(`${op}: index ${v} is out of range for ${what} of size ${n}`);
}

/**
 * Picks slices along `axis` by index (embedding lookup: `weight.indexSelect(0, ids)`).
 * Output shape: x.shape with x.shape[axis] replaced by indices.shape.
 *
 * @example
 * ```ts
 * import { randn, tensor } from '@unroll/tensor';
 * const emb = randn([65, 16]);
 * emb.indexSelect(0, tensor([[1, 2, 3]], undefined, 'int32')).shape; // [1, 3, 16]
 * ```
 */
export function indexSelect(x: Tensor, axis: number, indices: Tensor | readonly number[]): Tensor {
  assertTensor('indexSelect', x);
  const idx = asIndexTensor('indexSelect', indices);
  const a = normalizeAxis('indexSelect', axis, x.ndim);
  const n = x.shape[a]!;
  for (let i = 0; i < idx.size; i++) checkIndex('indexSelect', idx.data[i]!, n, `axis ${a} of ${formatShape(x.shape)}`);
  return dispatch('indexSelect', [x, idx], { axis: a }, () => {
    const outer = sizeOf(x.shape.slice(0, a));
    const inner = sizeOf(x.shape.slice(a + 1));
    const shape = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
    const out = allocArray(x.dtype, sizeOf(shape));
    const m = idx.size;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < m; i++) {
        const src = (o * n + idx.data[i]!) * inner;
        out.set(x.data.subarray(src, src + inner), (o * m + i) * inner);
      }
    }
    return new Tensor(out, shape);
  });
}

/**
 * Adds rows of `src` into a copy of `target` at `indices` along `axis` (the gradient of
 * indexSelect; repeated indices accumulate).
 *
 * @example
 * ```ts
 * import { zeros, ones } from '@unroll/tensor';
 * indexAdd(zeros([3, 2]), 0, [0, 0, 2], ones([3, 2])); // rows [2,2], [0,0], [1,1]
 * ```
 */
export function indexAdd(target: Tensor, axis: number, indices: Tensor | readonly number[], src: Tensor): Tensor {
  assertTensor('indexAdd', target, 'target');
  assertTensor('indexAdd', src, 'src');
  const idx = asIndexTensor('indexAdd', indices);
  const a = normalizeAxis('indexAdd', axis, target.ndim);
  const expected = [...target.shape.slice(0, a), ...idx.shape, ...target.shape.slice(a + 1)];
  if (expected.length !== src.ndim || expected.some((d, i) => d !== src.shape[i])) {
    throw new ShapeError(`indexAdd: src has shape ${formatShape(src.shape)}, expected ${formatShape(expected)}`);
  }
  const n = target.shape[a]!;
  for (let i = 0; i < idx.size; i++) checkIndex('indexAdd', idx.data[i]!, n, `axis ${a} of ${formatShape(target.shape)}`);
  return dispatch('indexAdd', [target, idx, src], { axis: a }, () => {
    const out = target.data.slice();
    const outer = sizeOf(target.shape.slice(0, a));
    const inner = sizeOf(target.shape.slice(a + 1));
    const m = idx.size;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < m; i++) {
        const dst = (o * n + idx.data[i]!) * inner;
        const s = (o * m + i) * inner;
        for (let j = 0; j < inner; j++) out[dst + j] = out[dst + j]! + src.data[s + j]!;
      }
    }
    return new Tensor(out, target.shape);
  });
}

function gatherOffsets(op: string, x: readonly number[], axis: number, index: Tensor): (visit: (xi: number, oi: number) => void) => void {
  if (index.ndim !== x.length) throw new ShapeError(`${op}: index has shape ${formatShape(index.shape)}, expected ${x.length} dimensions like ${formatShape(x)}`);
  for (let d = 0; d < x.length; d++) {
    if (d !== axis && index.shape[d]! > x[d]!) throw new ShapeError(`${op}: index shape ${formatShape(index.shape)} exceeds ${formatShape(x)} at dimension ${d}`);
  }
  const n = x[axis]!;
  for (let i = 0; i < index.size; i++) checkIndex(op, index.data[i]!, n, `axis ${axis} of ${formatShape(x)}`);
  const xStrides = x.map((_, d) => sizeOf(x.slice(d + 1)));
  const ishape = index.shape;
  return (visit) => {
    const nd = ishape.length;
    const pos = new Array<number>(nd).fill(0);
    for (let oi = 0; oi < index.size; oi++) {
      let xi = 0;
      for (let d = 0; d < nd; d++) xi += (d === axis ? index.data[oi]! : pos[d]!) * xStrides[d]!;
      visit(xi, oi);
      for (let d = nd - 1; d >= 0; d--) {
        if (++pos[d]! < ishape[d]!) break;
        pos[d] = 0;
      }
    }
  };
}

/**
 * torch.gather: out[i][j] = x[i][index[i][j]] along `axis` (index has x's rank).
 * @example `gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]], undefined, 'int32')) // [[2], [3]]`
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  assertTensor('gather', x);
  const idx = asIndexTensor('gather', index);
  const a = normalizeAxis('gather', axis, x.ndim);
  const walk = gatherOffsets('gather', x.shape, a, idx);
  return dispatch('gather', [x, idx], { axis: a }, () => {
    const out = allocArray(x.dtype, idx.size);
    walk((xi, oi) => { out[oi] = x.data[xi]!; });
    return new Tensor(out, idx.shape);
  });
}

/**
 * torch.scatter_add: a copy of `target` with target[i][index[i][j]] += src[i][j] (the gradient of gather).
 * @example `scatterAdd(zeros([2, 2]), 1, tensor([[1], [0]], undefined, 'int32'), ones([2, 1]))`
 */
export function scatterAdd(target: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  assertTensor('scatterAdd', target, 'target');
  assertTensor('scatterAdd', src, 'src');
  const idx = asIndexTensor('scatterAdd', index);
  const a = normalizeAxis('scatterAdd', axis, target.ndim);
  if (src.ndim !== idx.ndim || src.shape.some((d, i) => d < idx.shape[i]!)) {
    throw new ShapeError(`scatterAdd: src ${formatShape(src.shape)} must cover index ${formatShape(idx.shape)}`);
  }
  const walk = gatherOffsets('scatterAdd', target.shape, a, idx);
  return dispatch('scatterAdd', [target, idx, src], { axis: a }, () => {
    const out = target.data.slice();
    const srcStrides = src.shape.map((_, d) => sizeOf(src.shape.slice(d + 1)));
    const idxStrides = idx.shape.map((_, d) => sizeOf(idx.shape.slice(d + 1)));
    walk((xi, oi) => {
      let si = 0;
      let rem = oi;
      for (let d = 0; d < idx.ndim; d++) { const p = Math.floor(rem / idxStrides[d]!); rem -= p * idxStrides[d]!; si += p * srcStrides[d]!; }
      out[xi] = out[xi]! + src.data[si]!;
    });
    return new Tensor(out, target.shape);
  });
}

/**
 * One-hot encoding: int32 indices (…) to (…, depth) of `dtype`.
 * @example `oneHot(tensor([0, 2], undefined, 'int32'), 3) // [[1,0,0],[0,0,1]]`
 */
export function oneHot(indices: Tensor | readonly number[], depth: number, dtype: DType = 'float32'): Tensor {
  const idx = asIndexTensor('oneHot', indices);
  checkPositiveInt('oneHot', 'depth', depth);
  const out = allocArray(dtype, idx.size * depth);
  for (let i = 0; i < idx.size; i++) {
    const v = idx.data[i]!;
    checkIndex('oneHot', v, depth, 'depth');
    out[i * depth + v] = 1;
  }
  return new Tensor(out, [...idx.shape, depth]);
}
