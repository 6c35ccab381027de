/**
 * TensorFlow.js batch-1 generation with a hand-written stateful LSTM step (tfjs-layers has no
 * cheap single-step API: a stateful model.predict per token adds Keras overhead that would not be
 * a fair comparison). Per token, inside tf.tidy: one-hot (1,V), per layer
 * z = x Wx + h Wh + b, gates i,f,g,o (Keras order), c = f c + i g, h = o tanh(c); logits = h Wd + bd;
 * argMax, read back with dataSync (the next input depends on it). Weights are random.
 */
import { tf, useTfjs } from '../impls/tfjs.js';
import { timeIt } from '../timing.js';
import type { ChildReply, Impl, ModelSpec, Sampling } from '../types.js';
import { inferTiming } from './model.js';

export async function inferTfjs(impl: Impl, m: ModelSpec, tokens: number, s: Sampling): Promise<ChildReply> {
  if (m.cell !== 'lstm') return { ok: false, skipped: 'the tfjs sampling step is written for the LSTM only' };
  const info = await useTfjs(impl);
  const V = m.vocab;
  const H = m.hidden;
  let seed = 1;
  const w = (shape: [number, number]): tf.Tensor2D => tf.randomNormal(shape, 0, 0.05, 'float32', seed++) as tf.Tensor2D;
  const layers = Array.from({ length: m.layers }, (_, l) => ({ wx: w([l === 0 ? V : H, 4 * H]), wh: w([H, 4 * H]), b: w([1, 4 * H]) }));
  const wd = w([H, V]);
  const bd = w([1, V]);
  let checksum = 0;
  const generate = (): void => {
    let hs: tf.Tensor2D[] = layers.map(() => tf.zeros([1, H]));
    let cs: tf.Tensor2D[] = layers.map(() => tf.zeros([1, H]));
    let tok = 0;
    for (let i = 0; i < tokens; i++) {
      const out = tf.tidy(() => {
        let inp = tf.cast(tf.oneHot(tf.tensor1d([tok], 'int32'), V), 'float32') as tf.Tensor2D;
        const nh: tf.Tensor2D[] = [];
        const nc: tf.Tensor2D[] = [];
        layers.forEach((p, l) => {
          const z = tf.add(tf.add(tf.matMul(inp, p.wx), tf.matMul(hs[l]!, p.wh)), p.b);
          const [ig, fg, gg, og] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
          const c = tf.add(tf.mul(tf.sigmoid(fg), cs[l]!), tf.mul(tf.sigmoid(ig), tf.tanh(gg))) as tf.Tensor2D;
          const h = tf.mul(tf.sigmoid(og), tf.tanh(c)) as tf.Tensor2D;
          nh.push(h);
          nc.push(c);
          inp = h;
        });
        const next = tf.argMax(tf.add(tf.matMul(inp, wd), bd), 1);
        return { next, nh, nc };
      });
      tf.dispose([hs, cs]);
      hs = out.nh;
      cs = out.nc;
      tok = out.next.dataSync()[0]!;
      out.next.dispose();
      checksum += tok;
    }
    tf.dispose([hs, cs]);
  };
  const t = await timeIt(generate, inferTiming(s));
  return {
    ok: true,
    result: {
      unit: 'ms/tok', higherIsBetter: false, samples: t.msPerCall.map((ms) => ms / tokens), threads: info.threads,
      note: `hand-written LSTM step in tf.tidy + argMax + dataSync per token, ${t.reps} sequences of ${tokens} tokens per sample${info.simd ? ', WASM SIMD' : ''}`,
      extra: { checksum, tensors: tf.memory().numTensors },
    },
  };
}
