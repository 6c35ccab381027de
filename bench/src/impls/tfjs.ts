/** Selecting a TensorFlow.js backend (CPU or WASM) in a child, with nothing fetched. */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Impl } from '../types.js';

const require = createRequire(import.meta.url);

export interface TfjsInfo {
  backend: string;
  threads: number;
  simd?: boolean;
}

/**
 * Activates tfjs-cpu or tfjs-wasm. For WASM the binaries are read from the package's own dist
 * folder (a file path: Emscripten reads it with fs in Node). SIMD is used when the runtime
 * validates it (Node 20 does); threads are off in Node (tfjs-backend-wasm disables its
 * thread pool there, tensorflow/tfjs#3830), so tfjs-wasm runs on one thread.
 */
export async function useTfjs(impl: Impl): Promise<TfjsInfo> {
  // tfjs-node is not used on purpose: the comparison is with the pure JS and WASM backends
  if (impl === 'tfjs-wasm') {
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    setWasmPaths(dist);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialise');
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threaded = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    await tf.ready();
    return { backend: tf.getBackend(), threads: threaded ? os.availableParallelism() : 1, simd };
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend failed to initialise');
  await tf.ready();
  return { backend: tf.getBackend(), threads: 1 };
}

export { tf };
