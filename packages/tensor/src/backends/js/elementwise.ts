import type { BinaryKernel, UnaryKernel } from '../../backend-contract.js';
import type { TypedArray } from '../../dtype.js';

type Unary = (v: number, p0: number, p1: number) => number;

const UNARY: Record<UnaryKernel, Unary> = {
  neg: (v) => -v,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sigmoid: (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
  relu: (v) => (v > 0 ? v : 0),
  sign: (v) => (v > 0 ? 1 : v < 0 ? -1 : 0),
  square: (v) => v * v,
  reciprocal: (v) => 1 / v,
  pow: (v, p) => v ** p,
  clip: (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v),
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  copy: (v) => v,
  step: (v) => (v > 0 ? 1 : 0),
};

/** out[i] = f(x[i]); hot kernels get their own loop so the JIT inlines them. */
export function unaryJs(op: UnaryKernel, x: TypedArray, out: TypedArray, p0 = 0, p1 = 0): void {
  const n = x.length;
  switch (op) {
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]!);
      return;
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'square':
      // int32: Math.imul wraps exactly (v * v in a double loses the low bits past 2^53)
      if (out instanceof Int32Array) for (let i = 0; i < n; i++) out[i] = Math.imul(x[i]!, x[i]!);
      else for (let i = 0; i < n; i++) out[i] = x[i]! * x[i]!;
      return;
    default: {
      const f = UNARY[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]!, p0, p1);
    }
  }
}

/** Numerically safe logistic function. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

const BINARY: Record<BinaryKernel, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  pow: Math.pow,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

/**
 * Broadcasting binary kernel; the innermost dimension runs as a flat loop. An Int32Array `out`
 * of an arithmetic op means int32 inputs: results wrap in two's complement, as in NumPy.
 */
export function binaryJs(
  op: BinaryKernel,
  a: TypedArray, aStrides: readonly number[],
  b: TypedArray, bStrides: readonly number[],
  out: TypedArray, outShape: readonly number[],
): void {
  // int32 products through Math.imul: exact, where a * b in a double loses bits past 2^53
  const imul = op === 'mul' && out instanceof Int32Array;
  const f = imul ? Math.imul : BINARY[op];
  const nd = outShape.length;
  if (nd === 0) {
    out[0] = f(a[0]!, b[0]!);
    return;
  }
  const inner = outShape[nd - 1]!;
  const sa = aStrides[nd - 1]!;
  const sb = bStrides[nd - 1]!;
  const outer = out.length / Math.max(inner, 1);
  if (inner === 0 || out.length === 0) return;
  const idx = new Array<number>(nd - 1).fill(0);
  let ao = 0;
  let bo = 0;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    if (op === 'add') for (let j = 0; j < inner; j++) out[o + j] = a[ao + j * sa]! + b[bo + j * sb]!;
    else if (op === 'mul' && !imul) for (let j = 0; j < inner; j++) out[o + j] = a[ao + j * sa]! * b[bo + j * sb]!;
    else if (op === 'sub') for (let j = 0; j < inner; j++) out[o + j] = a[ao + j * sa]! - b[bo + j * sb]!;
    else for (let j = 0; j < inner; j++) out[o + j] = f(a[ao + j * sa]!, b[bo + j * sb]!);
    o += inner;
    // advance the multi-index over the outer dimensions
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      ao += aStrides[d]!;
      bo += bStrides[d]!;
      if (idx[d]! < outShape[d]!) break;
      ao -= aStrides[d]! * outShape[d]!;
      bo -= bStrides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/** out = cond ? a : b with broadcast strides. */
export function whereJs(
  cond: TypedArray, cStrides: readonly number[],
  a: TypedArray, aStrides: readonly number[],
  b: TypedArray, bStrides: readonly number[],
  out: TypedArray, outShape: readonly number[],
): void {
  const nd = outShape.length;
  const idx = new Array<number>(nd).fill(0);
  let co = 0, ao = 0, bo = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = cond[co] !== 0 ? a[ao]! : b[bo]!;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      co += cStrides[d]!;
      ao += aStrides[d]!;
      bo += bStrides[d]!;
      if (idx[d]! < outShape[d]!) break;
      co -= cStrides[d]! * outShape[d]!;
      ao -= aStrides[d]! * outShape[d]!;
      bo -= bStrides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/** Copies a strided view into contiguous memory. */
export function copyStridedJs(
  src: TypedArray, offset: number, strides: readonly number[], shape: readonly number[],
  dst: TypedArray, dstOffset: number,
): void {
  const nd = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  if (nd === 0) {
    dst[dstOffset] = src[offset]!;
    return;
  }
  const inner = shape[nd - 1]!;
  const si = strides[nd - 1]!;
  const idx = new Array<number>(nd - 1).fill(0);
  let s = offset;
  let o = dstOffset;
  const outer = total / inner;
  for (let r = 0; r < outer; r++) {
    if (si === 1) {
      for (let j = 0; j < inner; j++) dst[o + j] = src[s + j]!;
    } else {
      for (let j = 0; j < inner; j++) dst[o + j] = src[s + j * si]!;
    }
    o += inner;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      s += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      s -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
