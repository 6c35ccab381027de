import { describe, expect, it } from 'vitest';
import { SEQ2SEQ } from '../plan.js';
import { buildSeq2Seq, MAX_LEN, parameterCount, srcLength, syntheticBatch, tgtLength } from './seq2seq-model.js';

describe('seq2seq bench model', () => {
  it('has the parameters of the PyTorch twin (python/torch_seq2seq.py), module by module', () => {
    const E = SEQ2SEQ.embedding;
    const H = SEQ2SEQ.hidden;
    const lstm = (d: number): number => 4 * H * d + 4 * H * H + 8 * H; // weight_ih, weight_hh, both biases
    const expected = SEQ2SEQ.srcVocab * E + lstm(E) // encoder
      + SEQ2SEQ.tgtVocab * E + lstm(E + H) // decoder embedding, LSTMCell fed [e; h~]
      + H * H + (H * H + H) + H // W_q, W_k (+bias), v
      + 2 * H * H + (H * SEQ2SEQ.tgtVocab + SEQ2SEQ.tgtVocab); // W_c, out
    expect(parameterCount(buildSeq2Seq(SEQ2SEQ))).toBe(expected);
  });

  it('builds padded batches whose masks count the target lengths', () => {
    const b = syntheticBatch(SEQ2SEQ, 6);
    expect(b.src.shape).toEqual([6, MAX_LEN]);
    const lens = Array.from({ length: 6 }, (_, i) => tgtLength(i));
    expect(b.tokens).toBe(lens.reduce((a, n) => a + n, 0));
    expect(Array.from(b.srcLengths)).toEqual(Array.from({ length: 6 }, (_, i) => srcLength(i)));
    for (let r = 0; r < 6; r++) {
      const n = lens[r]!;
      expect(b.tgtOut.data[r * MAX_LEN + n - 1]).toBe(2); // eos last
      expect(b.tgtIn.data[r * MAX_LEN]).toBe(1); // bos first
      expect(b.mask.data[r * MAX_LEN + n - 1]).toBe(1);
      if (n < MAX_LEN) expect(b.mask.data[r * MAX_LEN + n]).toBe(0);
    }
  });
});
