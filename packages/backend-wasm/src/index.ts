/**
 * @unroll/backend-wasm: a WebAssembly backend for `@unroll/tensor`, compiled from AssemblyScript
 * (assembly/*.ts) with 128-bit SIMD. It runs the kernels of the `Backend` contract for
 * Float32Array and Float64Array data: a register- and cache-blocked gemm (f32x4 / f64x2) with
 * transposes, fused LSTM/GRU gate kernels forward and backward with vectorised exp, tanh and
 * sigmoid, and the elementwise, reduction, softmax and copy kernels. Int32 data and mixed dtypes
 * go to the reference JS backend. Works in Node and in browsers (no native toolchain, no files to
 * serve: the module's bytes are embedded).
 *
 * Memory: tensors stay plain, garbage-collected typed arrays. Each call copies its inputs into
 * one scratch arena in WebAssembly memory, runs, and copies the results back; the arena is reused
 * by every call, so memory grows to the largest single call and then stays flat.
 *
 * @example
 * ```ts
 * import { matmul, randn, setBackend } from '@unroll/tensor';
 * import { wasmBackend } from '@unroll/backend-wasm';
 *
 * setBackend(wasmBackend()); // Node: synchronous. Browsers: setBackend(await initWasmBackend())
 * const y = matmul(randn([256, 512]), randn([512, 128])); // runs in the WebAssembly gemm
 * ```
 */
import { type Backend, registerBackend } from '@unroll/tensor';
import { makeWasmBackend, type WasmBackendState, type WasmStats } from './backend.js';
import { canCompile, type KernelExports, kernelsAsync, kernelsSync } from './kernels.js';

export type { WasmStats } from './backend.js';
export { WasmBackendError } from './kernels.js';

let state: WasmBackendState | undefined;

function stateFor(K: KernelExports): WasmBackendState {
  state ??= makeWasmBackend(K);
  return state;
}

/**
 * The WebAssembly backend (one shared instance), compiling the kernels synchronously on first
 * use. Fine in Node and in workers; a browser's main thread may refuse synchronous compilation
 * of a module this size: there, `await initWasmBackend()` first (afterwards this returns the
 * same backend synchronously). Throws a `WasmBackendError` when the runtime lacks WebAssembly
 * SIMD.
 *
 * @example
 * ```ts
 * import { setBackend } from '@unroll/tensor';
 * import { wasmBackend } from '@unroll/backend-wasm';
 * setBackend(wasmBackend());
 * ```
 */
export function wasmBackend(): Backend {
  return (state ?? stateFor(kernelsSync())).backend;
}

/**
 * Compiles the kernels asynchronously (allowed on a browser's main thread) and resolves to the
 * same backend `wasmBackend()` returns.
 *
 * @example
 * ```ts
 * import { setBackend } from '@unroll/tensor';
 * import { initWasmBackend } from '@unroll/backend-wasm';
 * setBackend(await initWasmBackend());
 * ```
 */
export async function initWasmBackend(): Promise<Backend> {
  if (state) return state.backend;
  return stateFor(await kernelsAsync()).backend;
}

/**
 * Registers the backend under the name `'wasm'` (so `setBackend('wasm')` and
 * `UNROLL_BACKEND=wasm` select it) when this runtime supports WebAssembly SIMD. Returns whether
 * it did; registration compiles nothing and does not change the active backend.
 *
 * @example
 * ```ts
 * import { setBackend } from '@unroll/tensor';
 * import { registerWasmBackend } from '@unroll/backend-wasm';
 * if (registerWasmBackend()) setBackend('wasm');
 * ```
 */
export function registerWasmBackend(): boolean {
  if (!canCompile()) return false;
  registerBackend('wasm', wasmBackend);
  return true;
}

/**
 * Whether this runtime can run the kernels (WebAssembly with 128-bit SIMD: Node >= 16.4,
 * Chrome >= 91, Firefox >= 89, Safari >= 16.4).
 *
 * @example
 * ```ts
 * import { setBackend } from '@unroll/tensor';
 * import { isWasmAvailable, wasmBackend } from '@unroll/backend-wasm';
 * setBackend(isWasmAvailable() ? wasmBackend() : 'js');
 * ```
 */
export function isWasmAvailable(): boolean {
  return canCompile();
}

/**
 * Bytes of WebAssembly memory the backend holds (0 before first use). It grows to fit the
 * largest single kernel call and then stays flat.
 *
 * @example
 * ```ts
 * import { wasmMemoryBytes } from '@unroll/backend-wasm';
 * console.log(`${(wasmMemoryBytes() / 2 ** 20).toFixed(1)} MiB of WebAssembly memory`);
 * ```
 */
export function wasmMemoryBytes(): number {
  return state ? state.arena.byteLength : 0;
}

/**
 * Counters of the backend since the last reset: WebAssembly calls, calls handed to the JS
 * backend, bytes copied in and out, and (while profiling) the milliseconds spent copying and in
 * backend calls overall. Returns a snapshot.
 *
 * @example
 * ```ts
 * import { resetWasmStats, setWasmProfiling, wasmStats } from '@unroll/backend-wasm';
 * setWasmProfiling(true);
 * resetWasmStats();
 * // ... train a step ...
 * const s = wasmStats();
 * console.log(`copies: ${s.copyMs.toFixed(1)} ms of ${s.totalMs.toFixed(1)} ms in the backend`);
 * ```
 */
export function wasmStats(): WasmStats {
  const s = state?.stats;
  return s ? { ...s } : { calls: 0, delegated: 0, bytesIn: 0, bytesOut: 0, copyMs: 0, totalMs: 0 };
}

/**
 * Zeroes the counters of {@link wasmStats}.
 *
 * @example
 * ```ts
 * import { resetWasmStats } from '@unroll/backend-wasm';
 * resetWasmStats();
 * ```
 */
export function resetWasmStats(): void {
  const s = state?.stats;
  if (!s) return;
  s.calls = s.delegated = s.bytesIn = s.bytesOut = 0;
  s.copyMs = s.totalMs = 0;
}

/**
 * Turns timing of copies and calls on or off (off by default: it costs two `performance.now()`
 * calls per copy).
 *
 * @example
 * ```ts
 * import { setWasmProfiling } from '@unroll/backend-wasm';
 * setWasmProfiling(true);
 * ```
 */
export function setWasmProfiling(on: boolean): void {
  (state ?? stateFor(kernelsSync())).setProfiling(on);
}
