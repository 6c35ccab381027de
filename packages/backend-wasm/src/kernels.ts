/**
 * The compiled kernel module: its exports' types, decoding of the embedded bytes, and
 * compilation (synchronous for Node, asynchronous for browsers' main threads).
 */
import { KERNELS_WASM_BASE64 } from './generated/kernels.wasm.js';

/** What assembly/index.ts exports (pointers are byte addresses in `memory`; booleans are 0/1). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  gemmWorkBytesF32(): number;
  gemmWorkBytesF64(): number;
  gemmF32(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number): void;
  gemmF64(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, work: number): void;
  unaryF32(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  unaryF64(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  binaryF32(op: number, a: number, b: number, out: number, outInt: number, nd: number, shape: number, aStrides: number, bStrides: number, idx: number): void;
  binaryF64(op: number, a: number, b: number, out: number, outInt: number, nd: number, shape: number, aStrides: number, bStrides: number, idx: number): void;
  whereF32(condInt: number, cond: number, a: number, b: number, out: number, nd: number, shape: number, cStrides: number, aStrides: number, bStrides: number, idx: number): void;
  whereF64(condInt: number, cond: number, a: number, b: number, out: number, nd: number, shape: number, cStrides: number, aStrides: number, bStrides: number, idx: number): void;
  copyStridedF32(src: number, nd: number, shape: number, strides: number, dst: number, idx: number): void;
  copyStridedF64(src: number, nd: number, shape: number, strides: number, dst: number, idx: number): void;
  reduceF32(op: number, x: number, outer: number, n: number, inner: number, out: number, work: number): void;
  reduceF64(op: number, x: number, outer: number, n: number, inner: number, out: number, work: number): void;
  softmaxF32(x: number, rows: number, cols: number, out: number, log: number): void;
  softmaxF64(x: number, rows: number, cols: number, out: number, log: number): void;
  activationBackwardF32(kind: number, y: number, dy: number, out: number, n: number): void;
  activationBackwardF64(kind: number, y: number, dy: number, out: number, n: number): void;
  lstmForwardF32(B: number, H: number, gates: number, cPrev: number, c: number, h: number, tanhC: number): void;
  lstmForwardF64(B: number, H: number, gates: number, cPrev: number, c: number, h: number, tanhC: number): void;
  lstmBackwardF32(B: number, H: number, gates: number, cPrev: number, tanhC: number, dh: number, dc: number, dGates: number): void;
  lstmBackwardF64(B: number, H: number, gates: number, cPrev: number, tanhC: number, dh: number, dc: number, dGates: number): void;
  gruForwardF32(B: number, H: number, gi: number, gh: number, hPrev: number, h: number): void;
  gruForwardF64(B: number, H: number, gi: number, gh: number, hPrev: number, h: number): void;
  gruBackwardF32(B: number, H: number, gi: number, gh: number, hPrev: number, dh: number, dGi: number, dGh: number, dhPrev: number): void;
  gruBackwardF64(B: number, H: number, gi: number, gh: number, hPrev: number, dh: number, dGi: number, dGh: number, dhPrev: number): void;
}

/**
 * The error thrown when the kernels cannot be loaded: no WebAssembly, no 128-bit SIMD, or a
 * browser's main thread refusing synchronous compilation (use `initWasmBackend()` there).
 *
 * @example
 * ```ts
 * import { setBackend } from '@unroll/tensor';
 * import { WasmBackendError, wasmBackend } from '@unroll/backend-wasm';
 * try {
 *   setBackend(wasmBackend());
 * } catch (e) {
 *   if (!(e instanceof WasmBackendError)) throw e;
 *   setBackend('js');
 * }
 * ```
 */
export class WasmBackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WasmBackendError';
  }
}

let bytes: Uint8Array | undefined;

/** The kernel module's bytes, decoded once from the embedded base64. */
export function kernelBytes(): Uint8Array {
  if (bytes === undefined) {
    const s = atob(KERNELS_WASM_BASE64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    bytes = out;
  }
  return bytes;
}

function wasmApi(): typeof WebAssembly {
  if (typeof WebAssembly === 'undefined') throw new WasmBackendError('@unroll/backend-wasm: this runtime has no WebAssembly');
  return WebAssembly;
}

/** Whether this runtime can compile the kernels (WebAssembly with 128-bit SIMD). */
export function canCompile(): boolean {
  try {
    return wasmApi().validate(kernelBytes() as BufferSource);
  } catch {
    return false;
  }
}

let instance: KernelExports | undefined;

/** The kernel instance, compiled and instantiated synchronously on first use. */
export function kernelsSync(): KernelExports {
  if (instance) return instance;
  const W = wasmApi();
  let mod: WebAssembly.Module;
  try {
    mod = new W.Module(kernelBytes() as BufferSource);
  } catch (e) {
    throw new WasmBackendError(
      `@unroll/backend-wasm: could not compile the kernels synchronously (${e instanceof Error ? e.message : String(e)}); ` +
      'this runtime may lack WebAssembly SIMD, or (a browser main thread) refuse synchronous compilation: ' +
      'call `await initWasmBackend()` first',
      { cause: e },
    );
  }
  instance = new W.Instance(mod, {}).exports as unknown as KernelExports;
  return instance;
}

/** The kernel instance, compiled asynchronously (allowed on every browser thread). */
export async function kernelsAsync(): Promise<KernelExports> {
  if (instance) return instance;
  const W = wasmApi();
  let mod: WebAssembly.Module;
  try {
    mod = await W.compile(kernelBytes() as BufferSource);
  } catch (e) {
    throw new WasmBackendError(
      `@unroll/backend-wasm: could not compile the kernels (${e instanceof Error ? e.message : String(e)}); this runtime may lack WebAssembly SIMD`,
      { cause: e },
    );
  }
  const inst = await W.instantiate(mod, {});
  instance ??= inst.exports as unknown as KernelExports;
  return instance;
}
