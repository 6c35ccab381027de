import { tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { Seq2Seq } from '../seq2seq.js';
import { decode } from './decode.js';

/** decode() over the real encoder-decoder's step model (Seq2Seq.stepModel), with attention and padding. */
describe('decode on a Seq2Seq', () => {
  const model = new Seq2Seq({ srcVocabSize: 12, tgtVocabSize: 9, embeddingSize: 8, hiddenSize: 16, attention: 'additive', seed: 3 });
  const src = tensor([[4, 5, 6, 7], [8, 9, 0, 0], [10, 4, 11, 0]], undefined, 'int32'); // (B,L), padded with 0
  const lengths = [4, 2, 3];
  const opts = { bos: 1, eos: 2, maxLength: 8, suppress: [0, 1], batchSize: 3 };

  it('beam width 1 equals greedy; batched beam search equals per-row runs', () => {
    const { model: stepper, init } = model.stepModel(src, lengths);
    const greedy = decode(stepper, init, { strategy: 'greedy', ...opts });
    const beam1 = decode(stepper, init, { strategy: 'beam', beamWidth: 1, ...opts });
    expect(beam1.map((r) => [...r.tokens])).toEqual(greedy.map((r) => [...r.tokens]));
    beam1.forEach((r, b) => {
      expect(r.score).toBeCloseTo(greedy[b]!.score, 5);
    });
    const beam = decode(stepper, init, { strategy: 'beam', beamWidth: 4, nBest: 2, lengthPenalty: 0.6, ...opts });
    for (let b = 0; b < 3; b++) {
      const one = model.stepModel(src.indexSelect(0, [b]), [lengths[b]!]);
      const [alone] = decode(one.model, one.init, { strategy: 'beam', beamWidth: 4, nBest: 2, lengthPenalty: 0.6, ...opts, batchSize: 1 });
      expect(beam[b]!.hypotheses.map((h) => [...h.tokens])).toEqual(alone!.hypotheses.map((h) => [...h.tokens]));
      expect(beam[b]!.score).toBeCloseTo(alone!.score, 4);
    }
  });

  it('returns (T,L) attention whose rows sum to 1 over the real source positions and are 0 on padding', () => {
    const { model: stepper, init } = model.stepModel(src, lengths);
    for (const strategy of ['greedy', 'beam'] as const) {
      const rows = strategy === 'beam' ? decode(stepper, init, { strategy, beamWidth: 3, ...opts }) : decode(stepper, init, { strategy, ...opts });
      rows.forEach((r, b) => {
        const a = r.attention!;
        expect(a.shape).toEqual([r.tokens.length + (r.eos ? 1 : 0), 4]);
        for (let t = 0; t < a.shape[0]!; t++) {
          const row = Array.from(a.data.subarray(t * 4, t * 4 + 4));
          expect(row.slice(0, lengths[b]).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
          expect(row.slice(lengths[b])).toEqual(new Array(4 - lengths[b]!).fill(0));
        }
      });
    }
  });
});
