/**
 * Unroll seq2seq decoding latency, batch 1: per word, `Seq2Seq.stepModel` (encode the source)
 * and the decoding toolkit's `decode()`, greedy or beam search, for a fixed number of steps (no
 * eos, so that untrained weights do the same work as PyTorch's). ms/word.
 */
import { decode } from '@unroll/seq2seq';
import { Generator, Tensor } from '@unroll/tensor';
import { useUnroll } from '../impls/unroll.js';
import { timeIt } from '../timing.js';
import type { ChildReply, Impl, Sampling, Seq2SeqSpec } from '../types.js';
import { inferTiming } from './model.js';
import { BOS, buildSeq2Seq, parameterCount } from './seq2seq-model.js';

/** Source length of the decoded word. */
export const DECODE_SRC_LEN = 10;

export async function decodeSeq2SeqUnroll(impl: Impl, m: Seq2SeqSpec, beam: number, steps: number, s: Sampling): Promise<ChildReply> {
  const sel = await useUnroll(impl);
  if ('skip' in sel) return { ok: false, skipped: sel.skip };
  const model = buildSeq2Seq(m);
  model.eval();
  const g = new Generator(3);
  const ids = Int32Array.from({ length: DECODE_SRC_LEN }, () => 3 + Math.floor(g.random() * (m.srcVocab - 3)));
  const src = new Tensor(ids, [1, DECODE_SRC_LEN]);
  let checksum = 0;
  const word = (): void => {
    const { model: stepModel, init } = model.stepModel(src, [DECODE_SRC_LEN]);
    const [best] = beam === 1
      ? decode(stepModel, init, { strategy: 'greedy', bos: BOS, maxLength: steps })
      : decode(stepModel, init, { strategy: 'beam', beamWidth: beam, bos: BOS, maxLength: steps });
    for (const tok of best!.tokens) checksum += tok;
  };
  const t = await timeIt(word, inferTiming(s));
  return {
    ok: true,
    result: {
      unit: 'ms/word', higherIsBetter: false, samples: t.msPerCall, threads: sel.threads,
      note: `stepModel (encode ${DECODE_SRC_LEN} ids) + decode() ${beam === 1 ? 'greedy' : `beam ${beam}`}, ${steps} steps, ${parameterCount(model).toLocaleString('en-US')} parameters, ${t.reps} words per sample`,
      extra: { checksum },
    },
  };
}
