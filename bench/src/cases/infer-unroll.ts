/**
 * Unroll batch-1 generation: per token, one-hot (1,1,V) -> LSTM.forward with the state fed back
 * (T = 1, as `sampleChars` in @unroll/tasks does) -> Linear -> greedy argmax read in JS, under
 * noGrad. A sample is a whole sequence of `tokens` tokens from a zero state; the figure is its
 * time divided by `tokens`.
 */
import { useUnroll } from '../impls/unroll.js';
import { timeIt } from '../timing.js';
import type { ChildReply, Impl, ModelSpec, Sampling } from '../types.js';
import { buildBenchModel, greedyDecode, inferTiming } from './model.js';

export async function inferUnroll(impl: Impl, m: ModelSpec, tokens: number, s: Sampling): Promise<ChildReply> {
  const sel = await useUnroll(impl);
  if ('skip' in sel) return { ok: false, skipped: sel.skip };
  const V = m.vocab;
  const { rnn, head } = buildBenchModel(m);
  rnn.eval();
  head.eval();
  let checksum = 0;
  const generate = (): void => {
    checksum += greedyDecode(rnn, head, V, tokens);
  };
  const t = await timeIt(generate, inferTiming(s));
  return {
    ok: true,
    result: {
      unit: 'ms/tok', higherIsBetter: false, samples: t.msPerCall.map((ms) => ms / tokens), threads: sel.threads,
      note: `LSTM.forward(T=1, state) + Linear + argmax per token, ${t.reps} sequences of ${tokens} tokens per sample`,
      extra: { checksum },
    },
  };
}
