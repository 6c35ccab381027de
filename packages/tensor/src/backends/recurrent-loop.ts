import { type Backend, type RecurrentForwardArgs, readOnlyDuring } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import { dtypeOfArray } from '../dtype.js';
import { workArray } from '../work-arrays.js';

/**
 * Rows of a batch that are past their sequence's end at time t (null when none or no lengths).
 *
 * @example
 * ```ts
 * import { maskedRows } from '@unroll/tensor';
 * maskedRows(Int32Array.from([3, 1]), 2); // [1]
 * ```
 */
export function maskedRows(lengths: Int32Array | undefined, t: number): number[] | null {
  if (lengths === undefined) return null;
  const rows: number[] = [];
  for (let b = 0; b < lengths.length; b++) if (t >= lengths[b]!) rows.push(b);
  return rows.length > 0 ? rows : null;
}

/**
 * Copies rows `rows` of a (·, width) block from src (at srcOff) to dst (at dstOff).
 *
 * @example
 * ```ts
 * import { copyRows } from '@unroll/tensor';
 * const dst = new Float32Array(4);
 * copyRows(Float32Array.from([1, 2, 3, 4]), 0, dst, 0, [1], 2); // dst = [0, 0, 3, 4]
 * ```
 */
export function copyRows(src: TypedArray, srcOff: number, dst: TypedArray, dstOff: number, rows: readonly number[], width: number): void {
  for (const b of rows) dst.set(src.subarray(srcOff + b * width, srcOff + (b + 1) * width), dstOff + b * width);
}

/**
 * Zeroes rows `rows` of a (·, width) block starting at off.
 *
 * @example
 * ```ts
 * import { zeroRows } from '@unroll/tensor';
 * const a = Float32Array.from([1, 2, 3, 4]);
 * zeroRows(a, 0, [0], 2); // a = [0, 0, 3, 4]
 * ```
 */
export function zeroRows(dst: TypedArray, off: number, rows: readonly number[], width: number): void {
  for (const b of rows) dst.fill(0, off + b * width, off + (b + 1) * width);
}

/**
 * Copies row 0 of a (rows, width) block into every other row (doubling copies, memcpy speed).
 *
 * @example
 * ```ts
 * import { fillRows } from '@unroll/tensor';
 * const a = Float32Array.from([1, 2, 0, 0, 0, 0]);
 * fillRows(a, 3, 2); // a = [1, 2, 1, 2, 1, 2]
 * ```
 */
export function fillRows(a: TypedArray, rows: number, width: number): void {
  for (let done = 1; done < rows; done *= 2) a.copyWithin(done * width, 0, Math.min(done, rows - done) * width);
}

/**
 * The forward time loop of a recurrent layer over a backend's step kernels: per step, only
 * h W_hh^T (one gemm) and the fused gate kernel; W_hh is declared read-only for the loop
 * (`Backend.withReadOnly`). What `Backend.recurrentForward` does, for backends without it.
 *
 * @example
 * ```ts
 * import { jsBackend, recurrentForwardLoop } from '@unroll/tensor';
 * const T = 2, B = 1, H = 1;
 * const gates = new Float64Array(T * B * 4 * H); // x W_ih^T + b, here 0
 * const h = new Float64Array(B * H), c = new Float64Array(B * H), y = new Float64Array(T * B * H);
 * recurrentForwardLoop(jsBackend(), {
 *   kind: 'lstm', T, B, H, reverse: false, gates, wHh: new Float64Array(4 * H * H).fill(0.5),
 *   bHh: new Float64Array(4 * H), gh: null, ghStride: 0, h, c, y,
 *   hPrev: null, cPrev: null, tanhC: new Float64Array(B * H), tanhStride: 0,
 * });
 * ```
 */
export function recurrentForwardLoop(be: Backend, a: RecurrentForwardArgs): void {
  const { kind, T, B, H, gates, wHh, bHh, gh, h, c, y, hPrev, cPrev, tanhC, lengths } = a;
  const G = kind === 'lstm' ? 4 * H : kind === 'gru' ? 3 * H : H;
  const dtype = dtypeOfArray(h)!;
  const hNew = workArray(dtype, 'recurrentForwardLoop:hNew', B * H);
  const cNew = workArray(dtype, 'recurrentForwardLoop:cNew', B * H);
  const recurrentProduct = (out: TypedArray, off: number): void =>
    be.gemm({ transA: false, transB: true, m: B, n: G, k: H, alpha: 1, a: h, aOffset: 0, lda: H, b: wHh, bOffset: 0, ldb: H, beta: 1, c: out, cOffset: off, ldc: G });
  const loop = (): void => {
    for (let s = 0; s < T; s++) {
      const t = a.reverse ? T - 1 - s : s;
      const g0 = t * B * G;
      const s0 = t * B * H;
      hPrev?.set(h, s0);
      const gt = gates.subarray(g0, g0 + B * G);
      if (kind === 'lstm') {
        cPrev?.set(c, s0);
        recurrentProduct(gates, g0);
        const tc = t * a.tanhStride;
        be.lstmForward(B, H, gt, c, cNew, hNew, tanhC!.subarray(tc, tc + B * H));
      } else if (kind === 'gru') {
        const o = t * a.ghStride;
        const ght = gh!.subarray(o, o + B * G);
        ght.set(bHh.subarray(0, G));
        fillRows(ght, B, G);
        recurrentProduct(gh!, o);
        be.gruForward(B, H, gt, ght, h, hNew);
      } else {
        recurrentProduct(gates, g0);
        be.unary(kind === 'rnn_tanh' ? 'tanh' : 'relu', gt, hNew);
        gt.set(hNew);
      }
      const masked = maskedRows(lengths, t);
      if (masked) {
        // past the end: the state carries through unchanged and the output is zero
        copyRows(h, 0, hNew, 0, masked, H);
        copyRows(c, 0, cNew, 0, masked, H);
      }
      y.set(hNew, s0);
      if (masked) zeroRows(y, s0, masked, H);
      h.set(hNew);
      if (kind === 'lstm') c.set(cNew);
    }
  };
  // W_hh is read by every step: a backend that copies its inputs copies it once
  readOnlyDuring(be, [wHh], loop);
}
