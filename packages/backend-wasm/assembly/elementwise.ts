// Elementwise kernels: unary (f32x4 for float32; f64 via Math), broadcasting binary and where,
// strided copies, activation derivatives. Semantics follow the reference JS backend of
// @unroll/tensor exactly (NaN handling of relu/sign/step/maximum/minimum included).

import { exp4, sigmoid4, sigmoid64, tanh4 } from './vmath';

// Unary op codes: the order of UNARY_KERNELS in @unroll/tensor (src/vocabulary.test.ts checks
// these tables against the lists).
export const U_NEG = 0;
export const U_ABS = 1;
export const U_EXP = 2;
export const U_LOG = 3;
export const U_SQRT = 4;
export const U_TANH = 5;
export const U_SIGMOID = 6;
export const U_RELU = 7;
export const U_SIGN = 8;
export const U_SQUARE = 9;
export const U_RECIPROCAL = 10;
export const U_POW = 11;
export const U_CLIP = 12;
export const U_SIN = 13;
export const U_COS = 14;
export const U_FLOOR = 15;
export const U_COPY = 16;
export const U_STEP = 17;

// Binary op codes: the order of BINARY_KERNELS (comparisons from B_EQ on).
export const B_ADD = 0;
export const B_SUB = 1;
export const B_MUL = 2;
export const B_DIV = 3;
export const B_MAXIMUM = 4;
export const B_MINIMUM = 5;
export const B_POW = 6;
export const B_EQ = 7;
export const B_NE = 8;
export const B_LT = 9;
export const B_LE = 10;
export const B_GT = 11;
export const B_GE = 12;

// activationBackward kinds: the order of ACTIVATION_KERNELS.
export const A_TANH = 0;
export const A_RELU = 1;
export const A_SIGMOID = 2;

/** 16-byte scratch for vector tails. */
const TAIL: usize = memory.data(32, 16);

/** The reference's scalar unary function, in f64. */
function unaryScalar(op: i32, v: f64, p0: f64, p1: f64): f64 {
  switch (op) {
    case U_NEG: return -v;
    case U_ABS: return Math.abs(v);
    case U_EXP: return Math.exp(v);
    case U_LOG: return Math.log(v);
    case U_SQRT: return Math.sqrt(v);
    case U_TANH: return Math.tanh(v);
    case U_SIGMOID: return sigmoid64(v);
    case U_RELU: return v > 0 ? v : 0;
    case U_SIGN: return v > 0 ? 1 : v < 0 ? -1 : 0;
    case U_SQUARE: return v * v;
    case U_RECIPROCAL: return 1.0 / v;
    case U_POW: return v ** p0;
    case U_CLIP: return v < p0 ? p0 : v > p1 ? p1 : v;
    case U_SIN: return Math.sin(v);
    case U_COS: return Math.cos(v);
    case U_FLOOR: return Math.floor(v);
    case U_COPY: return v;
    case U_STEP: return v > 0 ? 1 : 0;
  }
  return NaN;
}

/** The f32x4 form of the unary ops that have one (all but log, pow, sin, cos). */
// @ts-ignore: decorator
@inline function unaryVecF32(op: i32, v: v128, p0: v128, p1: v128): v128 {
  const zero = f32x4.splat(0);
  switch (op) {
    case U_NEG: return f32x4.neg(v);
    case U_ABS: return f32x4.abs(v);
    case U_EXP: return exp4(v);
    case U_SQRT: return f32x4.sqrt(v);
    case U_TANH: return tanh4(v);
    case U_SIGMOID: return sigmoid4(v);
    case U_RELU: return v128.and(v, f32x4.gt(v, zero));
    case U_SIGN: {
      const pos = v128.and(f32x4.splat(1), f32x4.gt(v, zero));
      const neg = v128.and(f32x4.splat(-1), f32x4.lt(v, zero));
      return v128.or(pos, neg);
    }
    case U_SQUARE: return f32x4.mul(v, v);
    case U_RECIPROCAL: return f32x4.div(f32x4.splat(1), v);
    case U_CLIP: {
      const lo = v128.bitselect(p0, v, f32x4.lt(v, p0));
      return v128.bitselect(p1, lo, f32x4.gt(v, p1));
    }
    case U_FLOOR: return f32x4.floor(v);
    case U_STEP: return v128.and(f32x4.splat(1), f32x4.gt(v, zero));
    default: return v; // copy
  }
}

export function unaryF32(op: i32, x: usize, out: usize, n: i32, p0: f64, p1: f64): void {
  if (op == U_LOG || op == U_POW || op == U_SIN || op == U_COS) {
    // not hot: the reference's f64 function, rounded once
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, <f32>unaryScalar(op, <f64>load<f32>(x + o), p0, p1));
    }
    return;
  }
  const vp0 = f32x4.splat(<f32>p0);
  const vp1 = f32x4.splat(<f32>p1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, unaryVecF32(op, v128.load(x + o), vp0, vp1));
  }
  if (i < n) {
    const bytes = <usize>(n - i) << 2;
    v128.store(TAIL, v128.splat<i32>(0));
    memory.copy(TAIL, x + (<usize>i << 2), bytes);
    v128.store(TAIL, unaryVecF32(op, v128.load(TAIL), vp0, vp1));
    memory.copy(out + (<usize>i << 2), TAIL, bytes);
  }
}

export function unaryF64(op: i32, x: usize, out: usize, n: i32, p0: f64, p1: f64): void {
  if (op == U_NEG || op == U_ABS || op == U_SQRT || op == U_SQUARE || op == U_COPY || op == U_RELU) {
    let i = 0;
    const zero = f64x2.splat(0);
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      const v = v128.load(x + o);
      let r: v128;
      if (op == U_NEG) r = f64x2.neg(v);
      else if (op == U_ABS) r = f64x2.abs(v);
      else if (op == U_SQRT) r = f64x2.sqrt(v);
      else if (op == U_SQUARE) r = f64x2.mul(v, v);
      else if (op == U_RELU) r = v128.and(v, f64x2.gt(v, zero));
      else r = v;
      v128.store(out + o, r);
    }
    for (; i < n; i++) {
      const o = <usize>i << 3;
      store<f64>(out + o, unaryScalar(op, load<f64>(x + o), p0, p1));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, unaryScalar(op, load<f64>(x + o), p0, p1));
  }
}

/** The reference's scalar binary function (comparisons give 1 or 0). */
// @ts-ignore: decorator
@inline function binaryScalar(op: i32, a: f64, b: f64): f64 {
  switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_MAXIMUM: return a >= b || a != a ? a : b;
    case B_MINIMUM: return a <= b || a != a ? a : b;
    case B_POW: return a ** b;
    case B_EQ: return a == b ? 1 : 0;
    case B_NE: return a != b ? 1 : 0;
    case B_LT: return a < b ? 1 : 0;
    case B_LE: return a <= b ? 1 : 0;
    case B_GT: return a > b ? 1 : 0;
    case B_GE: return a >= b ? 1 : 0;
  }
  return NaN;
}

// @ts-ignore: decorator
@inline function binaryVec<T>(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case B_ADD: return v128.add<T>(a, b);
    case B_SUB: return v128.sub<T>(a, b);
    case B_MUL: return v128.mul<T>(a, b);
    case B_DIV: return v128.div<T>(a, b);
    case B_MAXIMUM: return v128.bitselect(a, b, v128.or(v128.ge<T>(a, b), v128.ne<T>(a, a)));
    default: return v128.bitselect(a, b, v128.or(v128.le<T>(a, b), v128.ne<T>(a, a))); // minimum
  }
}

/** One output row of `len` values: out[j] = a[j * sa] (op) b[j * sb]; strides in elements. */
function binaryRow<T>(op: i32, pa: usize, sa: i32, pb: usize, sb: i32, po: usize, len: i32, outInt: bool): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  let j = 0;
  if (op <= B_MINIMUM && !outInt) {
    if (sa == 1 && sb == 1) {
      for (; j + L <= len; j += L) {
        const o = <usize>j * S;
        v128.store(po + o, binaryVec<T>(op, v128.load(pa + o), v128.load(pb + o)));
      }
    } else if (sa == 1 && sb == 0) {
      const vb = v128.load_splat<T>(pb);
      for (; j + L <= len; j += L) {
        const o = <usize>j * S;
        v128.store(po + o, binaryVec<T>(op, v128.load(pa + o), vb));
      }
    } else if (sa == 0 && sb == 1) {
      const va = v128.load_splat<T>(pa);
      for (; j + L <= len; j += L) {
        const o = <usize>j * S;
        v128.store(po + o, binaryVec<T>(op, va, v128.load(pb + o)));
      }
    }
  }
  if (outInt) {
    for (; j < len; j++) {
      const v = binaryScalar(op, <f64>load<T>(pa + <usize>(j * sa) * S), <f64>load<T>(pb + <usize>(j * sb) * S));
      store<i32>(po + (<usize>j << 2), <i32>v);
    }
  } else {
    for (; j < len; j++) {
      const v = binaryScalar(op, <f64>load<T>(pa + <usize>(j * sa) * S), <f64>load<T>(pb + <usize>(j * sb) * S));
      store<T>(po + <usize>j * S, <T>v);
    }
  }
}

/**
 * out (outShape, contiguous) = a (op) b read through broadcast strides (elements, 0 on broadcast
 * dimensions). shape, aStrides, bStrides and idx (scratch) are i32 arrays of nd entries.
 * Comparisons write i32 when outInt.
 */
export function binary<T>(op: i32, a: usize, b: usize, out: usize, outInt: bool, nd: i32, shape: usize, aStrides: usize, bStrides: usize, idx: usize): void {
  const S = <usize>sizeof<T>();
  const SO: usize = outInt ? 4 : S;
  if (nd == 0) {
    binaryRow<T>(op, a, 0, b, 0, out, 1, outInt);
    return;
  }
  let total = 1;
  for (let d = 0; d < nd; d++) total *= load<i32>(shape + (<usize>d << 2));
  if (total == 0) return;
  const last = <usize>(nd - 1) << 2;
  const inner = load<i32>(shape + last);
  const sa = load<i32>(aStrides + last);
  const sb = load<i32>(bStrides + last);
  const outer = total / inner;
  for (let d = 0; d < nd; d++) store<i32>(idx + (<usize>d << 2), 0);
  let ao = 0;
  let bo = 0;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    binaryRow<T>(op, a + <usize>ao * S, sa, b + <usize>bo * S, sb, out + <usize>o * SO, inner, outInt);
    o += inner;
    for (let d = nd - 2; d >= 0; d--) {
      const q = <usize>d << 2;
      const id = load<i32>(idx + q) + 1;
      ao += load<i32>(aStrides + q);
      bo += load<i32>(bStrides + q);
      const dim = load<i32>(shape + q);
      if (id < dim) {
        store<i32>(idx + q, id);
        break;
      }
      ao -= load<i32>(aStrides + q) * dim;
      bo -= load<i32>(bStrides + q) * dim;
      store<i32>(idx + q, 0);
    }
  }
}

/** out = cond != 0 ? a : b with broadcast strides; cond is i32 (condInt) or T. */
export function where<T>(condInt: bool, cond: usize, a: usize, b: usize, out: usize, nd: i32, shape: usize, cStrides: usize, aStrides: usize, bStrides: usize, idx: usize): void {
  const S = <usize>sizeof<T>();
  let total = 1;
  for (let d = 0; d < nd; d++) total *= load<i32>(shape + (<usize>d << 2));
  for (let d = 0; d < nd; d++) store<i32>(idx + (<usize>d << 2), 0);
  let co = 0;
  let ao = 0;
  let bo = 0;
  for (let o = 0; o < total; o++) {
    const c = condInt ? load<i32>(cond + (<usize>co << 2)) != 0 : load<T>(cond + <usize>co * S) != <T>0;
    store<T>(out + <usize>o * S, c ? load<T>(a + <usize>ao * S) : load<T>(b + <usize>bo * S));
    for (let d = nd - 1; d >= 0; d--) {
      const q = <usize>d << 2;
      const id = load<i32>(idx + q) + 1;
      co += load<i32>(cStrides + q);
      ao += load<i32>(aStrides + q);
      bo += load<i32>(bStrides + q);
      const dim = load<i32>(shape + q);
      if (id < dim) {
        store<i32>(idx + q, id);
        break;
      }
      co -= load<i32>(cStrides + q) * dim;
      ao -= load<i32>(aStrides + q) * dim;
      bo -= load<i32>(bStrides + q) * dim;
      store<i32>(idx + q, 0);
    }
  }
}

/**
 * Copies the strided view (src, strides in elements, shape) into contiguous dst. 2-d views with
 * a unit-stride row axis (a transpose) go through 4x4 register transposes for float32.
 */
export function copyStrided<T>(src: usize, nd: i32, shape: usize, strides: usize, dst: usize, idx: usize): void {
  const S = <usize>sizeof<T>();
  let total = 1;
  for (let d = 0; d < nd; d++) total *= load<i32>(shape + (<usize>d << 2));
  if (total == 0) return;
  if (nd == 0) {
    store<T>(dst, load<T>(src));
    return;
  }
  const last = <usize>(nd - 1) << 2;
  const inner = load<i32>(shape + last);
  const si = load<i32>(strides + last);
  if (sizeof<T>() == 4 && nd == 2 && load<i32>(strides) == 1 && si >= 4 && inner >= 4) {
    transposeF32(src, load<i32>(shape), inner, si, dst);
    return;
  }
  const outer = total / inner;
  for (let d = 0; d < nd - 1; d++) store<i32>(idx + (<usize>d << 2), 0);
  let s = 0;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    const ps = src + <usize>(s * <i32>S);
    const po = dst + <usize>o * S;
    if (si == 1) memory.copy(po, ps, <usize>inner * S);
    else for (let j = 0; j < inner; j++) store<T>(po + <usize>j * S, load<T>(ps + <usize>(j * si * <i32>S)));
    o += inner;
    for (let d = nd - 2; d >= 0; d--) {
      const q = <usize>d << 2;
      const id = load<i32>(idx + q) + 1;
      s += load<i32>(strides + q);
      const dim = load<i32>(shape + q);
      if (id < dim) {
        store<i32>(idx + q, id);
        break;
      }
      s -= load<i32>(strides + q) * dim;
      store<i32>(idx + q, 0);
    }
  }
}

/** dst (rows, cols) = the view src[i + j * ld] (a transpose of a (cols, ld) matrix). */
function transposeF32(src: usize, rows: i32, cols: i32, ld: i32, dst: usize): void {
  const ldB = <usize>ld << 2;
  const colsB = <usize>cols << 2;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      // source rows j..j+3 (contiguous along i) become destination columns
      const s = src + (<usize>j * <usize>ld + <usize>i) * 4;
      const r0 = v128.load(s), r1 = v128.load(s + ldB), r2 = v128.load(s + 2 * ldB), r3 = v128.load(s + 3 * ldB);
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const d = dst + (<usize>i * <usize>cols + <usize>j) * 4;
      v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(d + colsB, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(d + 2 * colsB, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(d + 3 * colsB, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
    }
    for (; j < cols; j++) {
      for (let ii = i; ii < i + 4; ii++) {
        store<f32>(dst + (<usize>ii * <usize>cols + <usize>j) * 4, load<f32>(src + (<usize>j * <usize>ld + <usize>ii) * 4));
      }
    }
  }
  for (; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      store<f32>(dst + (<usize>i * <usize>cols + <usize>j) * 4, load<f32>(src + (<usize>j * <usize>ld + <usize>i) * 4));
    }
  }
}

/** out = dy * f'(x) given y = f(x): A_TANH (1 - y^2), A_RELU (y > 0), A_SIGMOID y (1 - y). */
export function activationBackward<T>(kind: i32, y: usize, dy: usize, out: usize, n: i32): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const one = v128.splat<T>(<T>1);
  const zero = v128.splat<T>(<T>0);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = <usize>i * S;
    const v = v128.load(y + o);
    const d = v128.load(dy + o);
    let r: v128;
    if (kind == A_TANH) r = v128.mul<T>(d, v128.sub<T>(one, v128.mul<T>(v, v)));
    else if (kind == A_RELU) r = v128.and(d, v128.gt<T>(v, zero));
    else r = v128.mul<T>(v128.mul<T>(d, v), v128.sub<T>(one, v));
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i * S;
    const v = load<T>(y + o);
    const d = load<T>(dy + o);
    let r: T;
    if (kind == A_TANH) r = d * (<T>1 - v * v);
    else if (kind == A_RELU) r = v > <T>0 ? d : <T>0;
    else r = d * v * (<T>1 - v);
    store<T>(out + o, r);
  }
}
