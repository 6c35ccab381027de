import { Adam } from '@unroll/autograd';
import { ArgumentError, Generator, ShapeError, Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import type { AdditiveAttention } from './attention/additive.js';
import type { AttentionKind } from './attention/types.js';
import { Seq2Seq, type Seq2SeqConfig } from './seq2seq.js';
import { gradcheckParams } from './seq2seq.testing.js';

const ids = (v: number[][]): Tensor => tensor(v, undefined, 'int32');

/** A padded batch: row 0 full, row 1 shorter in both source and target. */
const SRC = ids([[3, 4, 5], [6, 3, 0]]);
const SRC_LENGTHS = [3, 2];
const TGT_IN = ids([[1, 4, 3], [1, 5, 0]]);
const TGT_OUT = ids([[4, 3, 2], [5, 2, 0]]);
const MASK = tensor([[1, 1, 1], [1, 1, 0]], undefined, 'float64');

function tiny(config: Partial<Seq2SeqConfig> = {}): Seq2Seq {
  return new Seq2Seq({ srcVocabSize: 7, tgtVocabSize: 6, embeddingSize: 3, hiddenSize: 3, dtype: 'float64', seed: 5, ...config });
}

describe('Seq2Seq gradcheck (float64, every parameter, padded source and target)', () => {
  const cases: [string, Partial<Seq2SeqConfig>, { labelSmoothing?: number }][] = [
    ['additive attention with input feeding', { attention: 'additive', attentionSize: 2 }, {}],
    ['general attention without input feeding, label smoothing', { attention: 'general', inputFeeding: false }, { labelSmoothing: 0.1 }],
    ['dot attention, bidirectional encoder (bridged), decoder width 6', { attention: 'dot', bidirectional: true, decoderHiddenSize: 6 }, {}],
    ['no attention, GRU, 2 encoder layers', { attention: 'none', cell: 'gru', encoderLayers: 2 }, {}],
    ['no attention, LSTM, encoder 3 wide and decoder 2 wide (bridged)', { attention: 'none', decoderHiddenSize: 2 }, {}],
  ];
  for (const [name, config, opts] of cases) {
    it(name, () => {
      const model = tiny(config);
      const r = gradcheckParams(model, () => model.loss(SRC, SRC_LENGTHS, TGT_IN, TGT_OUT, MASK, opts));
      expect(r.checked).toBe(r.expected);
      expect(r.ok, JSON.stringify(r.worst)).toBe(true);
    });
  }
});

describe('Seq2Seq', () => {
  it('stateDict has PyTorch-style names', () => {
    const keys = Object.keys(tiny({ attention: 'additive', bidirectional: true }).stateDict());
    for (const k of [
      'encoder.embedding.weight', 'encoder.rnn.weight_ih_l0', 'encoder.rnn.weight_hh_l0_reverse', 'encoder.rnn.bias_hh_l0',
      'bridge.h.weight', 'bridge.h.bias', 'bridge.c.weight', 'decoder.embedding.weight', 'decoder.cell.weight_ih', 'decoder.cell.bias_hh',
      'decoder.attention.W_q.weight', 'decoder.attention.W_k.weight', 'decoder.attention.v.weight', 'decoder.W_c.weight',
      'decoder.out.weight', 'decoder.out.bias',
    ]) expect(keys).toContain(k);
    // no bridge when the sizes agree and the encoder is unidirectional
    expect(Object.keys(tiny({ attention: 'none' }).stateDict()).filter((k) => k.startsWith('bridge'))).toEqual([]);
  });

  for (const attention of ['none', 'additive', 'dot', 'general'] as (AttentionKind | 'none')[]) {
    it(`stepModel's step-by-step logits equal the teacher-forced forward's (${attention})`, () => {
      const model = tiny({ attention, bidirectional: attention === 'general' });
      const { logits, attention: weights } = model.forward(SRC, SRC_LENGTHS, TGT_IN);
      expect(logits.shape).toEqual([2, 3, 6]);
      const { model: sm, init } = model.stepModel(SRC, SRC_LENGTHS);
      let state = init;
      for (let t = 0; t < 3; t++) {
        const r = sm.step(Int32Array.from([TGT_IN.data[t]!, TGT_IN.data[3 + t]!]), state);
        expect(r.logits.shape).toEqual([2, 6]);
        for (let b = 0; b < 2; b++) {
          for (let v = 0; v < 6; v++) expect(r.logits.data[b * 6 + v]).toBeCloseTo(logits.data[(b * 3 + t) * 6 + v]!, 12);
        }
        if (attention === 'none') expect(r.attention).toBeUndefined();
        else {
          expect(r.attention!.shape).toEqual([2, 3]);
          for (let i = 0; i < 6; i++) expect(r.attention!.data[i]).toBeCloseTo(weights!.data[Math.floor(i / 3) * 9 + t * 3 + (i % 3)]!, 12);
          expect(r.attention!.data[5]).toBe(0); // row 1's padded source position
        }
        state = r.state;
      }
    });
  }

  it('additive attention projects the keys once per source, not once per step', () => {
    const model = tiny({ attention: 'additive' });
    const att = model.decoder.attention as AdditiveAttention;
    const calls = { keys: 0, queries: 0 };
    const wk = att.W_k.forward.bind(att.W_k);
    const wq = att.W_q.forward.bind(att.W_q);
    att.W_k.forward = (x) => { calls.keys++; return wk(x); };
    att.W_q.forward = (x) => { calls.queries++; return wq(x); };
    model.loss(SRC, SRC_LENGTHS, TGT_IN, TGT_OUT, MASK);
    // teacher forcing runs the fused decoder node, which projects the queries itself
    expect(calls).toEqual({ keys: 1, queries: 0 });
    model.loss(SRC, SRC_LENGTHS, TGT_IN, TGT_OUT, MASK, { teacherForcing: 0.5 }); // step by step: 3 queries
    expect(calls).toEqual({ keys: 2, queries: 3 });
    const { model: sm, init } = model.stepModel(SRC, SRC_LENGTHS);
    let state = init;
    for (let t = 0; t < 4; t++) state = sm.step(Int32Array.from([1, 1]), state).state;
    expect(calls).toEqual({ keys: 3, queries: 7 });
  });

  it('select reorders and duplicates state rows (beam search)', () => {
    const model = tiny({ attention: 'additive' });
    const { model: sm, init } = model.stepModel(SRC, SRC_LENGTHS);
    const picked = sm.select(init, Int32Array.from([1, 1, 0]));
    const r = sm.step(Int32Array.from([1, 1, 1]), picked);
    const r0 = sm.step(Int32Array.from([1, 1]), init);
    expect(r.logits.shape).toEqual([3, 6]);
    expect(Array.from(r.logits.data.slice(0, 6))).toEqual(Array.from(r0.logits.data.slice(6, 12)));
    expect(Array.from(r.logits.data.slice(6, 12))).toEqual(Array.from(r0.logits.data.slice(6, 12)));
    expect(Array.from(r.logits.data.slice(12, 18))).toEqual(Array.from(r0.logits.data.slice(0, 6)));
    expect(Array.from(r.attention!.data.slice(0, 3))).toEqual(Array.from(r0.attention!.data.slice(3, 6)));
  });

  it('scheduled sampling with ratio 0 feeds the model its own greedy tokens (the StepModel greedy loop)', () => {
    const model = tiny({ attention: 'dot' });
    const { logits } = model.forward(SRC, SRC_LENGTHS, TGT_IN, { teacherForcing: 0 });
    const { model: sm, init } = model.stepModel(SRC, SRC_LENGTHS);
    let tokens = Int32Array.from([1, 1]);
    let state = init;
    for (let t = 0; t < 3; t++) {
      const r = sm.step(tokens, state);
      for (let b = 0; b < 2; b++) for (let v = 0; v < 6; v++) expect(r.logits.data[b * 6 + v]).toBeCloseTo(logits.data[(b * 3 + t) * 6 + v]!, 12);
      tokens = Int32Array.from([0, 1], (b) => {
        let best = 0;
        for (let v = 1; v < 6; v++) if (r.logits.data[b * 6 + v]! > r.logits.data[b * 6 + best]!) best = v;
        return best;
      });
      state = r.state;
    }
  });

  it('scheduled sampling is deterministic for a seed and differs between seeds', () => {
    const model = tiny({ attention: 'additive' });
    const B = 16;
    const src = new Tensor(Int32Array.from({ length: B * 3 }, (_, i) => 3 + (i % 4)), [B, 3]);
    const tgt = new Tensor(Int32Array.from({ length: B * 5 }, (_, i) => 1 + ((i * 7) % 5)), [B, 5]);
    const lens = new Array<number>(B).fill(3);
    const run = (seed: number): number[] => Array.from(model.forward(src, lens, tgt, { teacherForcing: 0.5, generator: new Generator(seed) }).logits.data);
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('training is deterministic for a seed', () => {
    const train = (seed: number): number[] => {
      const model = tiny({ attention: 'additive', seed, dtype: 'float32' });
      const opt = new Adam(model.parameters(), { lr: 0.05 });
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        const loss = model.loss(SRC, SRC_LENGTHS, TGT_IN, TGT_OUT, MASK, { teacherForcing: 0.7, labelSmoothing: 0.1 });
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return [...losses, ...model.decoder.out.weight.data];
    };
    expect(train(11)).toEqual(train(11));
    expect(train(11)).not.toEqual(train(12));
  });

  it('the loss is the mean over real target tokens: padded target positions do not matter', () => {
    const model = tiny({ attention: 'general' });
    const a = model.loss(SRC, SRC_LENGTHS, TGT_IN, TGT_OUT, MASK).item();
    const b = model.loss(SRC, SRC_LENGTHS, TGT_IN, ids([[4, 3, 2], [5, 2, 4]]), MASK).item();
    expect(b).toBe(a);
    const { logits } = model.forward(SRC, SRC_LENGTHS, TGT_IN);
    // by hand: -log softmax at the 5 real targets, averaged
    let total = 0;
    for (const [b2, t] of [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]] as const) {
      const row = Array.from(logits.data.slice((b2 * 3 + t) * 6, (b2 * 3 + t + 1) * 6));
      const lse = Math.log(row.reduce((s, x) => s + Math.exp(x), 0));
      total += lse - row[TGT_OUT.data[b2 * 3 + t]!]!;
    }
    expect(a).toBeCloseTo(total / 5, 12);
  });

  it('typed errors for bad input', () => {
    const model = tiny({ attention: 'additive' });
    expect(() => model.loss(new Tensor(new Int32Array(0), [2, 0]), [1, 1], TGT_IN, TGT_OUT, MASK)).toThrow(ArgumentError);
    expect(() => model.forward(SRC, [4, 2], TGT_IN)).toThrow(/lengths\[0\] = 4/);
    expect(() => model.forward(SRC, [3, 0], TGT_IN)).toThrow(ArgumentError);
    expect(() => model.forward(SRC, [3], TGT_IN)).toThrow(ShapeError);
    expect(() => model.forward(SRC, SRC_LENGTHS, ids([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => model.loss(SRC, SRC_LENGTHS, TGT_IN, ids([[1, 2], [3, 4]]), MASK)).toThrow(ShapeError);
    expect(() => model.loss(SRC, SRC_LENGTHS, TGT_IN, TGT_OUT, tensor([[1, 1, 1]]))).toThrow(ShapeError);
    expect(() => model.forward(tensor([[3, 4]]), [2], TGT_IN)).toThrow(/int32/);
    expect(() => model.forward(SRC, SRC_LENGTHS, TGT_IN, { teacherForcing: 1.5 })).toThrow(ArgumentError);
    expect(() => model.stepModel(new Tensor(new Int32Array(0), [0, 3]), [])).toThrow(/empty/);
    expect(() => tiny({ attention: 'dot', decoderHiddenSize: 4 })).toThrow(ArgumentError);
    expect(() => tiny({ attention: 'none', inputFeeding: true })).toThrow(/inputFeeding/);
  });
});
