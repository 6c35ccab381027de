// Reductions over the middle axis of an (outer, n, inner) view, and row softmax. Float32 sums
// accumulate in f64 (as the reference does); NaN handling follows the reference exactly.

import { exp4 } from './vmath';

// Reduction codes: the order of REDUCE_KERNELS in @unroll/tensor.
export const R_SUM = 0;
export const R_MAX = 1;
export const R_MIN = 2;
export const R_ARGMAX = 3;
export const R_ARGMIN = 4;
export const R_LOGSUMEXP = 5;

/** Sum of n contiguous values in f64. */
function sumContiguous<T>(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  if (sizeof<T>() == 4) {
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const p = x + (<usize>i << 3);
      s0 = f64x2.add(s0, v128.load(p));
      s1 = f64x2.add(s1, v128.load(p, 16));
    }
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < n; i++) s += <f64>load<T>(x + <usize>i * sizeof<T>());
  return s;
}

/**
 * out (outer, inner) = op over i of x[o, i, j]. out is T, or i32 for argmax/argmin. `work` holds
 * inner f64 values (column sums).
 */
export function reduce<T>(op: i32, x: usize, outer: i32, n: i32, inner: i32, out: usize, work: usize): void {
  const S = <usize>sizeof<T>();
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>n * <usize>inner * S;
    const ob = <usize>o * <usize>inner;
    if (op == R_SUM) {
      if (inner == 1) {
        store<T>(out + ob * S, <T>sumContiguous<T>(base, n));
        continue;
      }
      // column sums: accumulate whole rows in f64
      memory.fill(work, 0, <usize>inner << 3);
      for (let i = 0; i < n; i++) {
        const row = base + <usize>i * <usize>inner * S;
        let j = 0;
        if (sizeof<T>() == 4) {
          for (; j + 4 <= inner; j += 4) {
            const v = v128.load(row + (<usize>j << 2));
            const w = work + (<usize>j << 3);
            v128.store(w, f64x2.add(v128.load(w), f64x2.promote_low_f32x4(v)));
            v128.store(w, f64x2.add(v128.load(w, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))), 16);
          }
        } else {
          for (; j + 2 <= inner; j += 2) {
            const w = work + (<usize>j << 3);
            v128.store(w, f64x2.add(v128.load(w), v128.load(row + (<usize>j << 3))));
          }
        }
        for (; j < inner; j++) {
          const w = work + (<usize>j << 3);
          store<f64>(w, load<f64>(w) + <f64>load<T>(row + <usize>j * S));
        }
      }
      for (let j = 0; j < inner; j++) store<T>(out + (ob + <usize>j) * S, <T>load<f64>(work + (<usize>j << 3)));
      continue;
    }
    for (let j = 0; j < inner; j++) {
      const start = base + <usize>j * S;
      const stride = <usize>inner * S;
      const at = out + (ob + <usize>j) * (op == R_ARGMAX || op == R_ARGMIN ? 4 : S);
      if (op == R_MAX || op == R_MIN) {
        const isMax = op == R_MAX;
        let acc: T = n == 0 ? (isMax ? <T>-Infinity : <T>Infinity) : load<T>(start);
        for (let i = 1; i < n; i++) {
          const v = load<T>(start + <usize>i * stride);
          if (v != v) {
            acc = v;
            break;
          }
          if (isMax ? v > acc : v < acc) acc = v;
        }
        store<T>(at, acc);
      } else if (op == R_ARGMAX || op == R_ARGMIN) {
        const isMax = op == R_ARGMAX;
        let best = load<T>(start);
        let bi = 0;
        for (let i = 1; i < n; i++) {
          if (best != best) break;
          const v = load<T>(start + <usize>i * stride);
          if (v != v || (isMax ? v > best : v < best)) {
            best = v;
            bi = i;
          }
        }
        store<i32>(at, bi);
      } else {
        // logsumexp
        let m: f64 = -Infinity;
        for (let i = 0; i < n; i++) {
          const v = <f64>load<T>(start + <usize>i * stride);
          if (v > m || v != v) m = v;
        }
        if (m == -Infinity || !isFinite(m)) {
          store<T>(at, <T>m);
          continue;
        }
        let s: f64 = 0;
        for (let i = 0; i < n; i++) s += Math.exp(<f64>load<T>(start + <usize>i * stride) - m);
        store<T>(at, <T>(m + Math.log(s)));
      }
    }
  }
}

/** Softmax (or log-softmax) over each row of a (rows, cols) matrix, max-shifted. */
export function softmax<T>(x: usize, rows: i32, cols: i32, out: usize, log: bool): void {
  const S = <usize>sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * <usize>cols * S;
    const orow = out + <usize>r * <usize>cols * S;
    let m: T = <T>-Infinity;
    for (let j = 0; j < cols; j++) {
      const v = load<T>(xr + <usize>j * S);
      if (v > m) m = v;
    }
    let s: f64 = 0;
    if (sizeof<T>() == 4) {
      // exp(x - m) four at a time into out, summed in f64
      const vm = f32x4.splat(<f32>m);
      let acc = f64x2.splat(0);
      let j = 0;
      for (; j + 4 <= cols; j += 4) {
        const e = exp4(f32x4.sub(v128.load(xr + (<usize>j << 2)), vm));
        if (!log) v128.store(orow + (<usize>j << 2), e);
        acc = f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(e), f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3))));
      }
      s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      for (; j < cols; j++) {
        const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(xr + (<usize>j << 2)) - <f32>m)), 0);
        if (!log) store<f32>(orow + (<usize>j << 2), e);
        s += <f64>e;
      }
    } else {
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(<f64>load<T>(xr + <usize>j * S) - <f64>m);
        if (!log) store<T>(orow + <usize>j * S, <T>e);
        s += e;
      }
    }
    if (log) {
      const lse = <f64>m + Math.log(s);
      for (let j = 0; j < cols; j++) store<T>(orow + <usize>j * S, <T>(<f64>load<T>(xr + <usize>j * S) - lse));
    } else {
      const inv = 1.0 / s;
      for (let j = 0; j < cols; j++) store<T>(orow + <usize>j * S, <T>(<f64>load<T>(orow + <usize>j * S) * inv));
    }
  }
}
