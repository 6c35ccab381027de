import { Adam, clipGradNorm } from '@unroll/autograd';
import { Generator, Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { decode } from './decode/index.js';
import { Seq2Seq } from './seq2seq.js';

const PAD = 0;
const BOS = 1;
const EOS = 2;
const SYMBOLS = 6; // ids 3..8
const N = 4; // source length

/** A batch of random 4-token sequences over 6 symbols and their reversals (tgtIn = bos + rev, tgtOut = rev + eos). */
function batch(B: number, gen: Generator): { src: Tensor; tgtIn: Tensor; tgtOut: Tensor; mask: Tensor; lengths: number[] } {
  const src = new Int32Array(B * N);
  const tgtIn = new Int32Array(B * (N + 1));
  const tgtOut = new Int32Array(B * (N + 1));
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < N; i++) src[b * N + i] = 3 + gen.randint(0, SYMBOLS);
    tgtIn[b * (N + 1)] = BOS;
    for (let i = 0; i < N; i++) {
      const s = src[b * N + (N - 1 - i)]!;
      tgtIn[b * (N + 1) + i + 1] = s;
      tgtOut[b * (N + 1) + i] = s;
    }
    tgtOut[b * (N + 1) + N] = EOS;
  }
  return {
    src: new Tensor(src, [B, N]), tgtIn: new Tensor(tgtIn, [B, N + 1]), tgtOut: new Tensor(tgtOut, [B, N + 1]),
    mask: new Tensor(new Float32Array(B * (N + 1)).fill(1), [B, N + 1]), lengths: new Array<number>(B).fill(N),
  };
}

describe('Seq2Seq learns to reverse 4-token sequences over 6 symbols', () => {
  it('reaches high token accuracy on fresh sequences, decoded greedily and by beam search through the StepModel', () => {
    const model = new Seq2Seq({ srcVocabSize: 9, tgtVocabSize: 9, embeddingSize: 16, hiddenSize: 32, attention: 'dot', padId: PAD, seed: 1 });
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const gen = new Generator(2);
    let first = Number.NaN;
    let last = Number.NaN;
    for (let step = 0; step < 150; step++) {
      const b = batch(32, gen);
      opt.zeroGrad();
      const loss = model.loss(b.src, b.lengths, b.tgtIn, b.tgtOut, b.mask);
      loss.backward();
      if (step === 0) first = loss.item();
      last = loss.item();
      clipGradNorm(model.parameters(), 1);
      opt.step();
    }
    const test = batch(200, new Generator(99));
    // greedy and beam search (the decoding toolkit) over the model's StepModel
    const { model: stepper, init } = model.stepModel(test.src, test.lengths);
    const common = { bos: BOS, eos: EOS, maxLength: N + 3, batchSize: 200, suppress: [PAD, BOS] };
    for (const results of [decode(stepper, init, { strategy: 'greedy', ...common }), decode(stepper, init, { strategy: 'beam', beamWidth: 3, ...common })]) {
      let right = 0;
      let exact = 0;
      results.forEach((r, b) => {
        const want = Array.from(test.tgtOut.data.slice(b * (N + 1), b * (N + 1) + N));
        for (let i = 0; i < N; i++) if (r.tokens[i] === want[i]) right++;
        if (r.eos && Array.from(r.tokens).join() === want.join()) exact++;
        expect(r.attention!.shape).toEqual([r.tokens.length + (r.eos ? 1 : 0), N]);
      });
      expect(right / (200 * N)).toBeGreaterThan(0.95);
      expect(exact / 200).toBeGreaterThan(0.9);
    }
    expect(last).toBeLessThan(first / 20);
  });
});
