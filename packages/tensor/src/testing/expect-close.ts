import type { Tensor } from '../tensor.js';

/** Absolute and relative tolerance: |actual - expected| <= atol + rtol * |expected|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Options of {@link expectClose}. Defaults are NumPy's `allclose`: atol 1e-8, rtol 1e-5. */
export interface CloseOptions {
  atol?: number;
  rtol?: number;
  /** Prefixed to the failure message. */
  label?: string;
}

/**
 * Throws an `AssertionError` unless every `actual[i]` is within `atol + rtol * |expected[i]|` of
 * `expected[i]`. NaN matches only NaN and an infinity only the same infinity. Works in any test
 * runner (it throws; it does not need vitest's `expect`).
 *
 * @example
 * ```ts
 * import { tensor } from '@unroll/tensor';
 * import { expectClose } from '@unroll/tensor/testing';
 * expectClose(tensor([1, 2]).mul(0.1).data, [0.1, 0.2], { atol: 1e-7, rtol: 1e-6 });
 * ```
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): void {
  const { atol = 1e-8, rtol = 1e-5, label } = opts;
  const prefix = label ? `${label}: ` : '';
  if (actual.length !== expected.length) {
    throw assertionError(`${prefix}length ${actual.length} differs from the expected length ${expected.length}`);
  }
  let bad = 0;
  let first = -1;
  let worst = -1;
  let worstErr = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    let ok: boolean;
    let err = 0;
    if (Number.isNaN(a) || Number.isNaN(e)) ok = Number.isNaN(a) && Number.isNaN(e);
    else if (!Number.isFinite(a) || !Number.isFinite(e)) ok = a === e;
    else {
      err = Math.abs(a - e);
      ok = err <= atol + rtol * Math.abs(e);
    }
    if (!ok) {
      bad++;
      if (first < 0) first = i;
      const measure = Number.isFinite(err) && err > 0 ? err : Number.POSITIVE_INFINITY;
      if (measure > worstErr) { worstErr = measure; worst = i; }
    }
  }
  if (bad > 0) {
    throw assertionError(
      `${prefix}${bad} of ${actual.length} values differ beyond atol=${atol}, rtol=${rtol}; ` +
      `first at [${first}]: got ${actual[first]}, expected ${expected[first]}; ` +
      `worst at [${worst}]: got ${actual[worst]}, expected ${expected[worst]}`,
    );
  }
}

/**
 * Throws an `AssertionError` unless `actual` has `expected`'s shape (and dtype, when `expected`
 * is a Tensor) and every value is close in the sense of {@link expectClose}.
 *
 * @example
 * ```ts
 * import { tensor } from '@unroll/tensor';
 * import { expectTensorClose } from '@unroll/tensor/testing';
 * expectTensorClose(tensor([[1, 2]]).mul(0.1), { shape: [1, 2], data: [0.1, 0.2] }, { atol: 1e-7, label: 'scaled' });
 * ```
 */
export function expectTensorClose(
  actual: Tensor | null | undefined,
  expected: Tensor | { shape: readonly number[]; data: ArrayLike<number> },
  opts: CloseOptions = {},
): void {
  const prefix = opts.label ? `${opts.label}: ` : '';
  if (actual === null || actual === undefined) throw assertionError(`${prefix}expected a tensor, got ${actual}`);
  const same = actual.shape.length === expected.shape.length && actual.shape.every((d, i) => d === expected.shape[i]);
  if (!same) throw assertionError(`${prefix}shape (${actual.shape.join(',')}) differs from the expected (${expected.shape.join(',')})`);
  if ('dtype' in expected && expected.dtype !== actual.dtype) {
    throw assertionError(`${prefix}dtype ${actual.dtype} differs from the expected ${expected.dtype}`);
  }
  expectClose(actual.data, expected.data, opts);
}

function assertionError(message: string): Error {
  const e = new Error(message);
  e.name = 'AssertionError';
  return e;
}
