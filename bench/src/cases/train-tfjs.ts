/**
 * TensorFlow.js training step, same configuration as Unroll's: tf.layers.lstm / gru
 * ({units, returnSequences: true}, stacked for several layers) -> dense(V) on one-hot (B,T,V),
 * softmax cross-entropy over all positions, tf.train.adam(1e-3) through optimizer.minimize.
 * The recurrent kernels start glorot-uniform instead of orthogonal: tfjs-layers' orthogonal
 * initialiser needs the chained-op prototype patches that the tfjs-core Node bundle does not
 * install, and initialisation does not change the cost of a step.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf, useTfjs } from '../impls/tfjs.js';
import { timeIt } from '../timing.js';
import type { ChildReply, Impl, ModelSpec, Sampling } from '../types.js';
import { trainTiming } from './model.js';

export function buildTfjsModel(m: ModelSpec, T: number): tfl.Sequential {
  const model = tfl.sequential();
  for (let l = 0; l < m.layers; l++) {
    const common = { units: m.hidden, returnSequences: true, recurrentInitializer: 'glorotUniform' as const, ...(l === 0 ? { inputShape: [T, m.vocab] } : {}) };
    // tfjs supports only resetAfter = false (reset gate before the recurrent product): the same
    // matrix products as PyTorch's formula, one bias vector instead of two
    model.add(m.cell === 'lstm' ? tfl.layers.lstm(common) : tfl.layers.gru(common));
  }
  model.add(tfl.layers.dense({ units: m.vocab }));
  return model;
}

export async function trainTfjs(impl: Impl, m: ModelSpec, T: number, B: number, s: Sampling): Promise<ChildReply> {
  const info = await useTfjs(impl);
  const V = m.vocab;
  const model = buildTfjsModel(m, T);
  const optimizer = tf.train.adam(1e-3);
  const ids = tf.randomUniform([B, T], 0, V, 'int32', 1) as tf.Tensor2D;
  const x = tf.cast(tf.oneHot(ids, V), 'float32'); // (B,T,V)
  const y = tf.cast(tf.oneHot(tf.randomUniform([B, T], 0, V, 'int32', 2) as tf.Tensor2D, V), 'float32');
  const losses: number[] = [];
  const step = (): void => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  };
  const t = await timeIt(step, trainTiming(s));
  return {
    ok: true,
    result: {
      unit: 'tok/s', higherIsBetter: true, samples: t.msPerCall.map((ms) => (T * B * 1000) / ms), threads: info.threads,
      note: `optimizer.minimize(tf.layers ${m.cell}), ${t.reps} steps per sample${info.simd ? ', WASM SIMD' : ''}`,
      extra: { firstLoss: losses[0], lastLoss: losses[losses.length - 1], steps: losses.length, tensors: tf.memory().numTensors },
    },
  };
}
