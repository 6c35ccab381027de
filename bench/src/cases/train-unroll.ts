/**
 * Unroll training step: one-hot (T,B,V) -> LSTM/GRU (fused sequence layer) -> Linear(H,V) ->
 * crossEntropy over all T*B positions -> backward -> Adam step (lr 1e-3, no clipping: tfjs and
 * torch do not clip either).
 */
import { Adam, crossEntropy } from '@unroll/autograd';
import { oneHot, randint } from '@unroll/tensor';
import { useUnroll } from '../impls/unroll.js';
import { timeIt } from '../timing.js';
import type { ChildReply, Impl, ModelSpec, Sampling } from '../types.js';
import { buildBenchModel, trainTiming } from './model.js';

export async function trainUnroll(impl: Impl, m: ModelSpec, T: number, B: number, s: Sampling): Promise<ChildReply> {
  const sel = await useUnroll(impl);
  if ('skip' in sel) return { ok: false, skipped: sel.skip };
  const V = m.vocab;
  const { rnn, head, g } = buildBenchModel(m);
  const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = oneHot(randint(0, V, [T, B], { generator: g }), V); // (T,B,V) float32
  const targets = randint(0, V, [T, B], { generator: g }); // (T,B) int32
  const losses: number[] = [];
  const step = (): void => {
    opt.zeroGrad();
    const { output } = rnn.forward(x); // (T,B,H)
    const loss = crossEntropy(head.forward(output), targets); // logits (T,B,V)
    loss.backward();
    opt.step();
    losses.push(loss.item());
  };
  const t = await timeIt(step, trainTiming(s));
  return {
    ok: true,
    result: {
      unit: 'tok/s', higherIsBetter: true, samples: t.msPerCall.map((ms) => (T * B * 1000) / ms), threads: sel.threads,
      note: `forward+backward+Adam, ${t.reps} steps per sample`,
      extra: { firstLoss: losses[0], lastLoss: losses[losses.length - 1], steps: losses.length },
    },
  };
}
