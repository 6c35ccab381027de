import type { TypedArray } from './dtype.js';

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
