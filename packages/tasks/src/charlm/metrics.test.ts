import { crossEntropy, noGrad } from '@unroll/autograd';
import { ArgumentError, Generator, Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { evaluate } from './metrics.js';
import { CharLM } from './model.js';
import { CharVocab } from './vocab.js';

const TEXT = 'It was the best of times, it was the worst of times; it was the age of wisdom. '.repeat(12);

function uniformModel(vocabSize: number, cell: 'lstm' | 'gru' | 'rnn' = 'lstm'): CharLM {
  const model = new CharLM({ vocabSize, cell, hidden: 16, layers: 1, dropout: 0, embed: 0 }, { generator: new Generator(3) });
  model.head.weight.data.fill(0);
  model.head.bias!.data.fill(0);
  return model;
}

describe('evaluate', () => {
  it('a uniform model scores ln(V) nats, log2(V) bits and perplexity V', () => {
    const vocab = CharVocab.fromText(TEXT);
    const V = vocab.size;
    const ids = vocab.encode(TEXT);
    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      const m = evaluate(uniformModel(V, cell), ids, { seq: 32 });
      expect(m.nats).toBeCloseTo(Math.log(V), 5);
      expect(m.bitsPerChar).toBeCloseTo(Math.log2(V), 5);
      expect(m.perplexity).toBeCloseTo(V, 3);
      expect(m.bitsPerChar).toBeCloseTo(m.nats / Math.LN2, 10);
      expect(m.perplexity).toBeCloseTo(Math.exp(m.nats), 8);
      expect(m.chars).toBeGreaterThan(0);
      expect(m.chars).toBeLessThanOrEqual(ids.length - 1);
    }
  });

  it('the streams option gives the same ln(V) for a uniform model, and scores L*S characters', () => {
    const vocab = CharVocab.fromText(TEXT);
    const V = vocab.size;
    const ids = vocab.encode(TEXT);
    const model = uniformModel(V);
    for (const streams of [1, 2, 5, 32]) {
      for (const seq of [7, 16, 1000]) {
        const m = evaluate(model, ids, { streams, seq });
        expect(m.nats).toBeCloseTo(Math.log(V), 5);
        const S = Math.max(1, Math.min(streams, Math.floor((ids.length - 1) / seq)));
        expect(m.chars).toBe(Math.floor((ids.length - 1) / S) * S);
      }
    }
    expect(evaluate(model, ids, { streams: 1, seq: 16 }).chars).toBe(ids.length - 1);
  });

  it('with one stream, the chunk length does not matter (state is carried) and matches one full pass', () => {
    const vocab = CharVocab.fromText(TEXT);
    const ids = vocab.encode(TEXT.slice(0, 300));
    const model = new CharLM({ vocabSize: vocab.size, cell: 'lstm', hidden: 16, layers: 2, dropout: 0.3, embed: 8 }, { generator: new Generator(5) });
    const full = noGrad(() => {
      const x = new Tensor(ids.slice(0, -1), [ids.length - 1, 1]);
      const y = new Tensor(ids.slice(1), [ids.length - 1, 1]);
      model.eval();
      const v = crossEntropy(model.forward(x).logits, y).item();
      model.train();
      return v;
    });
    for (const seq of [1, 5, 64, 1000]) {
      const m = evaluate(model, ids, { streams: 1, seq });
      expect(m.chars).toBe(ids.length - 1);
      expect(m.nats).toBeCloseTo(full, 4);
    }
    // a trained-ish (random) model is not uniform: its score differs from ln V
    expect(Math.abs(full - Math.log(vocab.size))).toBeGreaterThan(1e-3);
  });

  it('is deterministic, runs in eval mode (no dropout) and restores the training flag', () => {
    const vocab = CharVocab.fromText(TEXT);
    const ids = vocab.encode(TEXT);
    const model = new CharLM({ vocabSize: vocab.size, cell: 'gru', hidden: 16, layers: 2, dropout: 0.5, embed: 0 }, { generator: new Generator(1) });
    model.train();
    const a = evaluate(model, ids, { seq: 16, streams: 4 });
    const b = evaluate(model, ids, { seq: 16, streams: 4 });
    expect(a).toEqual(b);
    expect(model.training).toBe(true);
    model.eval();
    evaluate(model, ids, { seq: 16 });
    expect(model.training).toBe(false);
  });

  it('maxChars bounds the characters scored', () => {
    const vocab = CharVocab.fromText(TEXT);
    const ids = vocab.encode(TEXT);
    const model = uniformModel(vocab.size);
    const m = evaluate(model, ids, { maxChars: 100, seq: 16, streams: 1 });
    expect(m.chars).toBe(100);
    expect(m.nats).toBeCloseTo(Math.log(vocab.size), 5);
    expect(evaluate(model, ids, { maxChars: 10_000_000, seq: 16, streams: 1 }).chars).toBe(ids.length - 1);
  });

  it('scores unknown characters (id 0) as ordinary targets', () => {
    const vocab = CharVocab.fromText('abc');
    const ids = vocab.encode('abc?abc!abc#');
    const m = evaluate(uniformModel(vocab.size), ids, { seq: 4, streams: 1 });
    expect(m.chars).toBe(ids.length - 1);
    expect(m.nats).toBeCloseTo(Math.log(vocab.size), 5);
  });

  it('needs at least two characters', () => {
    const model = uniformModel(4);
    expect(() => evaluate(model, Int32Array.of(1))).toThrow(ArgumentError);
    expect(() => evaluate(model, new Int32Array(0))).toThrow(ArgumentError);
    expect(evaluate(model, Int32Array.of(1, 2)).chars).toBe(1);
  });
});
