/**
 * Unroll seq2seq training step on one fixed synthetic batch: `Seq2Seq.loss` (encoder over the
 * source, bridge, teacher-forced decoder step by step with additive attention and input feeding,
 * masked cross-entropy over the real target tokens) -> backward -> Adam step (lr 1e-3, no
 * clipping). tokens/s counts real target tokens (padding excluded).
 */
import { Adam } from '@unroll/autograd';
import { useUnroll } from '../impls/unroll.js';
import { timeIt } from '../timing.js';
import type { ChildReply, Impl, Sampling, Seq2SeqSpec } from '../types.js';
import { trainTiming } from './model.js';
import { buildSeq2Seq, parameterCount, syntheticBatch } from './seq2seq-model.js';

export async function trainSeq2SeqUnroll(impl: Impl, m: Seq2SeqSpec, B: number, s: Sampling): Promise<ChildReply> {
  const sel = await useUnroll(impl);
  if ('skip' in sel) return { ok: false, skipped: sel.skip };
  const model = buildSeq2Seq(m);
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const batch = syntheticBatch(m, B);
  const losses: number[] = [];
  const step = (): void => {
    opt.zeroGrad();
    const loss = model.loss(batch.src, batch.srcLengths, batch.tgtIn, batch.tgtOut, batch.mask);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  };
  const t = await timeIt(step, trainTiming(s));
  const params = parameterCount(model);
  return {
    ok: true,
    result: {
      unit: 'tok/s', higherIsBetter: true, samples: t.msPerCall.map((ms) => (batch.tokens * 1000) / ms), threads: sel.threads,
      note: `Seq2Seq.loss + backward + Adam, ${params.toLocaleString('en-US')} parameters, ${batch.tokens} target tokens per step, ${t.reps} steps per sample`,
      extra: { parameters: params, tokensPerStep: batch.tokens, firstLoss: losses[0], lastLoss: losses[losses.length - 1], steps: losses.length },
    },
  };
}
