import { allocArray, type DType, type TypedArray } from './dtype.js';

/** Largest work array (bytes) kept between calls; larger ones are allocated per call. */
const KEEP_LIMIT = 4 * 1024 * 1024;
const kept = new Map<string, TypedArray>();

/**
 * A work array of n elements reused across calls (contents undefined), for kernels' temporaries:
 * allocating a typed array costs microseconds, which dominates a batch-1 recurrent step. `slot`
 * names the use, so that arrays needed at the same time never share memory. Arrays over 4 MiB
 * are allocated afresh (so that one large call does not pin its memory for good).
 *
 * @example
 * ```ts
 * import { workArray } from '@unroll/tensor';
 * const tmp = workArray('float32', 'myKernel:acc', 256); // the same memory on the next call
 * ```
 */
export function workArray(dtype: DType, slot: string, n: number): TypedArray {
  if (n * 8 > KEEP_LIMIT) return allocArray(dtype, n);
  const key = `${dtype}:${slot}`;
  let a = kept.get(key);
  if (a === undefined || a.length < n) {
    a = allocArray(dtype, n);
    kept.set(key, a);
  }
  return a.length === n ? a : a.subarray(0, n);
}
