/**
 * Test helpers for Unroll packages and for third-party backends (`@unroll/tensor/testing`).
 * Needs vitest (a peer dependency) because the conformance suite registers vitest tests.
 *
 * @example
 * ```ts
 * // my-backend.test.ts
 * import { describeBackendConformance, expectClose } from '@unroll/tensor/testing';
 * import { jsBackend, tensor } from '@unroll/tensor';
 *
 * describeBackendConformance('js', jsBackend);
 * expectClose(tensor([0.1, 0.2]).data, [0.1, 0.2], { atol: 1e-7, rtol: 1e-6 });
 * ```
 */
export {
  CONFORMANCE_TOLERANCES,
  describeBackendConformance,
  describeBackendConformance as runBackendConformance,
} from './conformance.js';
export { type CloseOptions, expectClose, expectTensorClose, type Tolerance } from './expect-close.js';
export { type KernelEnumEntry, kernelEnumMismatches } from './vocabulary.js';
