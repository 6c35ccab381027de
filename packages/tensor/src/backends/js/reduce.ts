import type { ReduceKernel } from '../../backend-contract.js';
import type { TypedArray } from '../../dtype.js';

/**
 * Reduces the middle axis of (outer, n, inner) into out (outer, inner). An int32 `sum` wraps in
 * two's complement (exactly, at any length), where NumPy and PyTorch would promote to int64.
 */
export function reduceJs(op: ReduceKernel, x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  const intSum = op === 'sum' && out instanceof Int32Array;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let j = 0; j < inner; j++) {
      const start = base + j;
      let acc: number;
      switch (op) {
        case 'sum': {
          acc = 0;
          if (intSum) for (let i = 0; i < n; i++) acc = (acc + x[start + i * inner]!) | 0;
          else for (let i = 0; i < n; i++) acc += x[start + i * inner]!;
          break;
        }
        case 'max':
        case 'min': {
          const isMax = op === 'max';
          acc = n === 0 ? (isMax ? -Infinity : Infinity) : x[start]!;
          for (let i = 1; i < n; i++) {
            const v = x[start + i * inner]!;
            if (Number.isNaN(v)) { acc = v; break; }
            if (isMax ? v > acc : v < acc) acc = v;
          }
          break;
        }
        case 'argmax':
        case 'argmin': {
          const isMax = op === 'argmax';
          let best = x[start]!;
          acc = 0;
          for (let i = 1; i < n; i++) {
            const v = x[start + i * inner]!;
            if (Number.isNaN(best)) break;
            if (Number.isNaN(v) || (isMax ? v > best : v < best)) { best = v; acc = i; }
          }
          break;
        }
        case 'logsumexp': {
          let m = -Infinity;
          for (let i = 0; i < n; i++) { const v = x[start + i * inner]!; if (v > m || Number.isNaN(v)) m = v; }
          if (m === -Infinity || !Number.isFinite(m)) { acc = m; break; }
          let s = 0;
          for (let i = 0; i < n; i++) s += Math.exp(x[start + i * inner]! - m);
          acc = m + Math.log(s);
          break;
        }
      }
      out[o * inner + j] = acc;
    }
  }
}

/** Softmax or log-softmax over each row of a (rows, cols) matrix, max-shifted for stability. */
export function softmaxJs(x: TypedArray, rows: number, cols: number, out: TypedArray, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j]! > m) m = x[o + j]!;
    let s = 0;
    if (log) {
      for (let j = 0; j < cols; j++) s += Math.exp(x[o + j]! - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < cols; j++) out[o + j] = x[o + j]! - lse;
    } else {
      for (let j = 0; j < cols; j++) { const e = Math.exp(x[o + j]! - m); out[o + j] = e; s += e; }
      const inv = 1 / s;
      for (let j = 0; j < cols; j++) out[o + j] = out[o + j]! * inv;
    }
  }
}
