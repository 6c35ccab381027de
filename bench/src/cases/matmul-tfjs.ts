/**
 * TensorFlow.js square float32 matrix product in GFLOP/s: `tf.matMul(a, b)`, then `dataSync()`
 * (so the product is really computed and readable, as Unroll's is) and `dispose()`.
 */
import { tf, useTfjs } from '../impls/tfjs.js';
import { timeIt } from '../timing.js';
import type { ChildReply, Impl, Sampling } from '../types.js';
import { gflops, matmulTiming } from './matmul-common.js';

export async function matmulTfjs(impl: Impl, n: number, s: Sampling): Promise<ChildReply> {
  const info = await useTfjs(impl);
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const t = await timeIt(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, matmulTiming(s));
  return {
    ok: true,
    result: {
      unit: 'GFLOP/s', higherIsBetter: true, samples: t.msPerCall.map((ms) => gflops(n, ms)), threads: info.threads,
      note: `tf.matMul + dataSync, ${t.reps} products per sample${info.simd ? ', WASM SIMD' : ''}`,
    },
  };
}
