/**
 * @unroll/backend-native: a Node-API (C++17) backend for `@unroll/tensor`. It runs the kernels of
 * the `Backend` contract in place on the tensors' Float32Array / Float64Array data: a packed,
 * cache- and register-blocked gemm with AVX-512, AVX2+FMA and portable code paths chosen at run
 * time (two threads for large products), fused LSTM/GRU gate kernels with vectorised
 * exp/tanh/sigmoid, and the elementwise, reduction, softmax and copy kernels. Int32 data and
 * mixed dtypes go to the reference JS backend.
 *
 * @example
 * ```ts
 * import { setBackend, randn, matmul } from '@unroll/tensor';
 * import { isNativeAvailable, nativeBackend } from '@unroll/backend-native';
 *
 * if (isNativeAvailable()) setBackend(nativeBackend());
 * const y = matmul(randn([256, 512]), randn([512, 128])); // runs in the native gemm
 * ```
 */
import { type Backend, registerBackend } from '@unroll/tensor';
import { loadAddon, type NativeInfo, requireAddon, type SimdLevel } from './addon.js';
import { makeNativeBackend } from './backend.js';

export { NativeBackendError, type NativeInfo, type SimdLevel } from './addon.js';

let instance: Backend | undefined;

/**
 * The native backend (one shared instance). Throws a `NativeBackendError` that says how to build
 * the addon when it cannot be loaded; check {@link isNativeAvailable} first to fall back quietly.
 *
 * @example
 * ```ts
 * import { setBackend } from '@unroll/tensor';
 * import { nativeBackend } from '@unroll/backend-native';
 * setBackend(nativeBackend());
 * ```
 */
export function nativeBackend(): Backend {
  instance ??= makeNativeBackend(requireAddon());
  return instance;
}

/**
 * Whether the compiled addon (build/Release/unroll_native.node) loads in this process.
 *
 * @example
 * ```ts
 * import { setBackend } from '@unroll/tensor';
 * import { isNativeAvailable, nativeBackend } from '@unroll/backend-native';
 * setBackend(isNativeAvailable() ? nativeBackend() : 'js');
 * ```
 */
export function isNativeAvailable(): boolean {
  return loadAddon().addon !== undefined;
}

/**
 * The instruction set the kernels use (`simd`), the best one available (`best`) and the number of
 * threads large products are split over. Throws a `NativeBackendError` when the addon is missing.
 *
 * @example
 * ```ts
 * import { nativeInfo } from '@unroll/backend-native';
 * console.log(nativeInfo()); // { simd: 'avx512', best: 'avx512', threads: 2, malloc: 'tuned' }
 * ```
 */
export function nativeInfo(): NativeInfo {
  return requireAddon().info();
}

/**
 * Selects the instruction set of the kernels for the whole process: `'auto'` (the default: the
 * best the CPU supports), or a lower level to test or compare the code paths. A level above what
 * the CPU supports gives the best available one. Returns the resulting {@link nativeInfo}.
 * The environment variable `UNROLL_NATIVE_SIMD=avx512|avx2|scalar` sets the initial level.
 *
 * @example
 * ```ts
 * import { setSimdLevel } from '@unroll/backend-native';
 * setSimdLevel('scalar'); // portable kernels
 * setSimdLevel('auto');   // back to the fastest
 * ```
 */
export function setSimdLevel(level: SimdLevel | 'auto'): NativeInfo {
  return requireAddon().setSimd(level);
}

/**
 * Sets how many threads (the calling one included, 1 to 64) large matrix products use; products
 * of more than 2^21 multiply-adds are split over them. The default is 2 (1 on a one-core
 * machine), or the environment variable `UNROLL_NATIVE_THREADS`. Returns {@link nativeInfo}.
 *
 * @example
 * ```ts
 * import { setNativeThreads } from '@unroll/backend-native';
 * setNativeThreads(1); // single-threaded, e.g. when the process runs other work in parallel
 * ```
 */
export function setNativeThreads(threads: number): NativeInfo {
  return requireAddon().setThreads(threads);
}

/**
 * Registers the backend as `'native'` with `@unroll/tensor` when the addon loads, so that
 * `setBackend('native')` (or `UNROLL_BACKEND=native`) selects it. Returns whether it did.
 *
 * @example
 * ```ts
 * import { setBackend } from '@unroll/tensor';
 * import { registerNativeBackend } from '@unroll/backend-native';
 * if (registerNativeBackend()) setBackend('native');
 * ```
 */
export function registerNativeBackend(): boolean {
  if (!isNativeAvailable()) return false;
  registerBackend('native', nativeBackend);
  return true;
}
