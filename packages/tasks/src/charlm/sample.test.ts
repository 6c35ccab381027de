import { noGrad } from '@unroll/autograd';
import type { RecurrentState } from '@unroll/cells';
import { decode } from '@unroll/seq2seq';
import { ArgumentError, Generator, Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { CharLM } from './model.js';
import { charLMStepModel, checkSampleOptions, pickNext, type SampleOptions, sampleChars, sampleText } from './sample.js';
import { CharVocab, UNK_INDEX } from './vocab.js';

/** Counts of pickNext's choices over n draws. */
function histogram(logits: number[], opts: SampleOptions, n = 4000, seed = 7): number[] {
  const g = new Generator(seed);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < n; i++) counts[pickNext(logits, opts, g)]!++;
  return counts;
}

const softmax = (xs: number[]) => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('pickNext', () => {
  it('argmax takes the most likely character', () => {
    const g = new Generator(0);
    expect(pickNext([0, 1, 5, 2, 4.9], { argmax: true }, g)).toBe(2);
    expect(pickNext([0, -3, -1, -2], { argmax: true }, g)).toBe(2);
    // argmax ignores temperature / topK / topP and does not draw
    const before = g.getState();
    expect(pickNext([0, 1, 5, 2], { argmax: true, temperature: 10, topK: 3, topP: 0.1 }, g)).toBe(2);
    expect(g.getState()).toEqual(before);
  });

  it('never picks the unknown index 0, even when its logit is the largest', () => {
    const logits = [50, 0, 0.5, 0.2];
    expect(pickNext(logits, { argmax: true }, new Generator(0))).toBe(2);
    expect(histogram(logits, {})[UNK_INDEX]).toBe(0);
    expect(histogram(logits, { temperature: 5 })[UNK_INDEX]).toBe(0);
    expect(histogram(logits, { topK: 1 })).toEqual([0, 0, 4000, 0]);
    expect(histogram(logits, { topP: 0.01 })).toEqual([0, 0, 4000, 0]);
    // a vocabulary of only the unknown plus one character always gives that character
    expect(histogram([10, -10], {}, 200)).toEqual([0, 200]);
  });

  it('samples in proportion to softmax(logits) at temperature 1', () => {
    const logits = [0, 0, 1, 2];
    const n = 8000;
    const counts = histogram(logits, {}, n);
    const p = softmax([0, 1, 2]); // index 0 excluded
    for (let i = 1; i < 4; i++) expect(counts[i]! / n).toBeCloseTo(p[i - 1]!, 1);
  });

  it('low temperature concentrates on the best character, high temperature flattens', () => {
    const logits = [0, 0, 1, 2, 1.5];
    const cold = histogram(logits, { temperature: 0.05 });
    const warm = histogram(logits, { temperature: 1 });
    const hot = histogram(logits, { temperature: 100 });
    expect(cold[3]).toBeGreaterThan(3990);
    expect(warm[3]).toBeLessThan(cold[3]!);
    expect(warm[3]).toBeGreaterThan(hot[3]!);
    // at a very high temperature the four characters are close to equally likely
    for (let i = 1; i < 5; i++) expect(hot[i]! / 4000).toBeGreaterThan(0.2);
    // max-probability decreases monotonically with temperature
    const top = [0.2, 0.5, 1, 2, 5].map((t) => histogram(logits, { temperature: t })[3]!);
    for (let i = 1; i < top.length; i++) expect(top[i]).toBeLessThan(top[i - 1]!);
  });

  it('topK restricts the support to the k most likely characters', () => {
    const logits = [0, 0.1, 0.4, 0.3, 0.2, 0.35];
    for (const k of [1, 2, 3]) {
      const counts = histogram(logits, { topK: k, temperature: 3 });
      const support = counts.map((c, i) => (c > 0 ? i : -1)).filter((i) => i >= 0);
      expect(support).toEqual([2, 5, 3].slice(0, k).sort());
    }
    // k larger than the vocabulary keeps everything (but the unknown)
    const all = histogram(logits, { topK: 100, temperature: 3 });
    expect(all.slice(1).every((c) => c > 0)).toBe(true);
    expect(all[0]).toBe(0);
  });

  it('topP keeps the smallest nucleus reaching p', () => {
    // probabilities over indices 1..4: 0.5, 0.3, 0.15, 0.05 (index 0 is the unknown, never kept)
    const logits = [0, Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
    const support = (p: number) => histogram(logits, { topP: p }).map((c, i) => (c > 0 ? i : -1)).filter((i) => i >= 0);
    expect(support(0.4)).toEqual([1]);
    expect(support(0.7)).toEqual([1, 2]);
    expect(support(0.9)).toEqual([1, 2, 3]);
    expect(support(0.99)).toEqual([1, 2, 3, 4]);
    expect(support(1)).toEqual([1, 2, 3, 4]);
    // within the nucleus, probabilities are renormalised: 0.5 / 0.8 and 0.3 / 0.8
    const counts = histogram(logits, { topP: 0.7 }, 8000);
    expect(counts[1]! / 8000).toBeCloseTo(0.625, 1);
    // topK and topP combine: topK first
    expect(histogram(logits, { topK: 1, topP: 0.99 })).toEqual([0, 4000, 0, 0, 0]);
  });

  it('is deterministic for a given generator state', () => {
    const logits = [0, 0.3, 0.1, 0.9, 0.2];
    expect(histogram(logits, {}, 50, 3)).toEqual(histogram(logits, {}, 50, 3));
    const a = new Generator(11);
    const b = new Generator(11);
    const seqA = Array.from({ length: 30 }, () => pickNext(logits, { temperature: 1.3 }, a));
    const seqB = Array.from({ length: 30 }, () => pickNext(logits, { temperature: 1.3 }, b));
    expect(seqA).toEqual(seqB);
  });
});

describe('checkSampleOptions', () => {
  it('rejects bad options with an ArgumentError', () => {
    for (const bad of [{ length: -1 }, { length: 1.5 }, { temperature: 0 }, { temperature: -1 }, { temperature: Number.POSITIVE_INFINITY },
      { topK: 0 }, { topK: 2.5 }, { topP: 0 }, { topP: 1.5 }, { topP: Number.NaN }] as SampleOptions[]) {
      expect(() => checkSampleOptions(bad), JSON.stringify(bad)).toThrow(ArgumentError);
    }
    expect(() => checkSampleOptions({ length: 0, temperature: 0.5, topK: 1, topP: 1 })).not.toThrow();
  });
});

/**
 * A "bigram" CharLM built by hand: one-hot input, an RNN whose recurrent weights are zero and
 * whose input weights are the identity (so h = tanh(1) * onehot(input)), and a head whose weights
 * hold the transition logits. After 'h' comes 'e', after 'e' comes 'l', after 'l' the most likely
 * next character is 'l' again (with 'o' a close second): argmax loops on 'lllll...'.
 */
function bigramModel(): { model: CharLM; vocab: CharVocab } {
  const vocab = CharVocab.fromText('helo wrd');
  const V = vocab.size;
  const model = new CharLM({ vocabSize: V, cell: 'rnn', hidden: V, layers: 1, dropout: 0, embed: 0 });
  for (const p of model.parameters()) p.data.fill(0);
  const params = Object.fromEntries(model.namedParameters());
  const wih = params['rnn.weight_ih_l0']!;
  for (let i = 0; i < V; i++) wih.data[i * V + i] = 1;
  const id = (c: string) => vocab.encode(c)[0]!;
  const logits: Record<string, Record<string, number>> = {
    h: { e: 12 },
    e: { l: 3, ' ': 1 },
    l: { l: 2, o: 1.8, d: 1 },
    o: { ' ': 2, w: 1.5, r: 1 },
    ' ': { w: 2, h: 2 },
    w: { o: 12 },
    r: { l: 2, d: 1 },
    d: { ' ': 2, h: 0.5 },
  };
  const head = params['head.weight']!; // (V, H): head.weight[j][i] = logit of j after i
  const scale = 1 / Math.tanh(1);
  for (const [from, row] of Object.entries(logits)) {
    for (const [to, value] of Object.entries(row)) head.data[id(to) * V + id(from)] = value * scale;
  }
  return { model, vocab };
}

describe('sampling from a model', () => {
  it('argmax loops on the most likely character, sampling does not', () => {
    const { model, vocab } = bigramModel();
    const greedy = sampleText(model, vocab, { prime: 'h', length: 40, argmax: true });
    expect(greedy).toBe(`el${'l'.repeat(38)}`);
    expect(sampleText(model, vocab, { prime: 'hel', length: 20, argmax: true })).toBe('l'.repeat(20));
    const sampled = sampleText(model, vocab, { prime: 'h', length: 200, seed: 1 });
    expect(sampled).toHaveLength(200);
    expect(sampled).not.toMatch(/l{20}/);
    expect(new Set(sampled).size).toBeGreaterThanOrEqual(6);
    // sampled text follows the bigram: 'h' is (all but surely) followed by 'e', 'w' by 'o'
    const text = `h${sampled}`;
    for (let i = 0; i + 1 < text.length; i++) {
      if (text[i] === 'h') expect(text[i + 1]).toBe('e');
      if (text[i] === 'w') expect(text[i + 1]).toBe('o');
    }
    // a cold temperature brings back the loop
    expect(sampleText(model, vocab, { prime: 'hel', length: 30, temperature: 0.01, seed: 1 })).toBe('l'.repeat(30));
  });

  it('seeded sampling is reproducible, and different seeds differ', () => {
    const { model, vocab } = bigramModel();
    const a = sampleText(model, vocab, { prime: 'h', length: 100, seed: 42 });
    const b = sampleText(model, vocab, { prime: 'h', length: 100, seed: 42 });
    const c = sampleText(model, vocab, { prime: 'h', length: 100, seed: 43 });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    // topK / topP sampling is reproducible too
    const o: SampleOptions = { prime: 'w', length: 60, seed: 5, topK: 2, topP: 0.9, temperature: 0.7 };
    expect(sampleText(model, vocab, o)).toBe(sampleText(model, vocab, o));
  });

  it('never produces the unknown character and handles unknown characters in the prime', () => {
    const { model, vocab } = bigramModel();
    const params = Object.fromEntries(model.namedParameters());
    params['head.bias']!.data[UNK_INDEX] = 100; // the unknown would win every time if allowed
    const text = sampleText(model, vocab, { prime: 'h?!', length: 100, seed: 2 });
    expect(text).toHaveLength(100);
    expect(vocab.covers(text)).toBe(true);
    expect(sampleText(model, vocab, { prime: 'Q', length: 10, argmax: true })).not.toContain(vocab.tokens[0]);
  });

  it('streams one character at a time', () => {
    const { model, vocab } = bigramModel();
    const opts: SampleOptions = { prime: 'h', length: 25, seed: 9 };
    const it = sampleChars(model, vocab, opts);
    const first = it.next();
    expect(first.done).toBe(false);
    expect(first.value).toBe('e'); // after 'h' only 'e' is likely
    const chars = [first.value as string];
    for (const c of it) chars.push(c);
    expect(chars).toHaveLength(25);
    for (const c of chars) expect(Array.from(c)).toHaveLength(1);
    expect(chars.join('')).toBe(sampleText(model, vocab, opts));
  });

  it('streams emoji as single characters', () => {
    const vocab = CharVocab.fromText('a😀');
    const model = new CharLM({ vocabSize: vocab.size, cell: 'gru', hidden: 8, layers: 1, dropout: 0, embed: 4 });
    const chars = [...sampleChars(model, vocab, { prime: 'a', length: 30, seed: 1 })];
    expect(chars).toHaveLength(30);
    expect(chars.every((c) => c === 'a' || c === '😀')).toBe(true);
  });

  it('length 0 gives nothing; the default prime and an empty prime work; training mode is restored', () => {
    const { model, vocab } = bigramModel();
    model.train();
    expect(sampleText(model, vocab, { prime: 'h', length: 0 })).toBe('');
    expect(sampleText(model, vocab, { length: 5, seed: 1 })).toHaveLength(5);
    expect(sampleText(model, vocab, { prime: '', length: 5, seed: 1 })).toHaveLength(5);
    expect(model.training).toBe(true);
    model.eval();
    sampleText(model, vocab, { length: 3 });
    expect(model.training).toBe(false);
    expect(() => sampleText(model, vocab, { temperature: 0 })).toThrow(ArgumentError);
  });
});

/**
 * The sampler as it was before it moved onto `@unroll/seq2seq`'s decode(): the whole prime in one
 * forward pass, then per character a sort of the known characters by logit, a walk of the
 * cumulative softmax (or the argmax), and one forward step. sampleChars must give the same text.
 */
function referenceSample(model: CharLM, vocab: CharVocab, o: SampleOptions): string {
  const g = new Generator(o.seed ?? 0);
  const V = vocab.size;
  const ids = (o.prime ?? '\n').length > 0 ? vocab.encode(o.prime ?? '\n') : Int32Array.of(1 % V);
  let { logits, state } = noGrad(() => model.forward(new Tensor(ids, [ids.length, 1])));
  let row = Array.from(logits.data.subarray((ids.length - 1) * V, ids.length * V));
  let text = '';
  for (let i = 0; i < (o.length ?? 200); i++) {
    const known = row.map((_, j) => j).filter((j) => j !== UNK_INDEX);
    let next: number;
    if (o.argmax) next = known.reduce((a, b) => (row[b]! > row[a]! ? b : a));
    else {
      const T = o.temperature ?? 1;
      known.sort((a, b) => row[b]! - row[a]!);
      let kept = known.slice(0, o.topK ?? known.length);
      let probs = kept.map((j) => Math.exp(row[j]! / T - row[kept[0]!]! / T));
      let total = probs.reduce((a, b) => a + b, 0);
      if (o.topP !== undefined && o.topP < 1) {
        let acc = 0;
        let n = 0;
        while (n < kept.length && acc < o.topP * total) acc += probs[n++]!;
        kept = kept.slice(0, Math.max(n, 1));
        probs = probs.slice(0, kept.length);
        total = probs.reduce((a, b) => a + b, 0);
      }
      let u = g.random() * total;
      next = kept[kept.length - 1]!;
      for (let k = 0; k < kept.length; k++) {
        u -= probs[k]!;
        if (u <= 0) {
          next = kept[k]!;
          break;
        }
      }
    }
    text += vocab.tokens[next];
    ({ logits, state } = noGrad(() => model.forward(new Tensor(Int32Array.of(next), [1, 1]), state)));
    row = Array.from(logits.data);
  }
  return text;
}

describe('sampling through the decoding toolkit', () => {
  const vocab = CharVocab.fromText('the whale, a white sperm whale!');
  const models = [
    new CharLM({ vocabSize: vocab.size, cell: 'lstm', hidden: 24, layers: 2, dropout: 0, embed: 0 }, { generator: new Generator(1) }),
    new CharLM({ vocabSize: vocab.size, cell: 'gru', hidden: 16, layers: 1, dropout: 0, embed: 6 }, { generator: new Generator(2) }),
  ];
  for (const p of models[0]!.parameters()) p.data.set(p.data.map((x) => x * 4)); // sharper logits: fewer near-ties, more structure

  it('gives the same text as the sampler it replaced, for every option', () => {
    const cases: SampleOptions[] = [
      { seed: 1 }, { seed: 7, prime: 'the whale ', temperature: 0.8 }, { seed: 3, topK: 5 }, { seed: 4, topP: 0.9, temperature: 1.3 },
      { argmax: true, prime: 'a white ' }, { seed: 2, prime: '' }, { seed: 5, topK: 1 }, { seed: 11, topK: 10, topP: 0.8, temperature: 0.7 },
      { seed: 12, prime: 'sperm? whale', temperature: 0.5 },
    ];
    for (const model of models) {
      for (const o of cases) expect(sampleText(model, vocab, { length: 120, ...o }), JSON.stringify(o)).toBe(referenceSample(model, vocab, { length: 120, ...o }));
    }
  });

  it('charLMStepModel: decode() greedy equals argmax sampling, and beam width 1 equals greedy', () => {
    for (const model of models) {
      const h = vocab.encode('h')[0]!;
      const opts = { bos: h, maxLength: 40, suppress: [UNK_INDEX] };
      const [greedy] = decode(charLMStepModel(model), undefined, { strategy: 'greedy', ...opts });
      expect(vocab.decodeText(greedy!.tokens)).toBe(sampleText(model, vocab, { prime: 'h', length: 40, argmax: true }));
      const [beam] = decode(charLMStepModel(model), undefined, { strategy: 'beam', beamWidth: 1, ...opts });
      expect([...beam!.tokens]).toEqual([...greedy!.tokens]);
      expect(beam!.score).toBeCloseTo(greedy!.score, 6);
    }
  });

  it('charLMStepModel.select picks batch rows of h (and c): batched beam search equals per-row runs', () => {
    const lstm = models[0]!;
    const step = charLMStepModel(lstm);
    const primes = ['the wh', 'a whi', 'sperm'];
    const states = primes.map((p) => noGrad(() => lstm.forward(new Tensor(vocab.encode(p.slice(0, -1)), [p.length - 1, 1])).state)); // then bos = the last character
    const cat = (k: 'h' | 'c') => {
      const [L, , H] = states[0]![k]!.shape as [number, number, number];
      const out = new Float32Array(L * primes.length * H);
      states.forEach((s, b) => { for (let l = 0; l < L; l++) out.set(s[k]!.data.subarray(l * H, (l + 1) * H), (l * primes.length + b) * H); });
      return new Tensor(out, [L, primes.length, H]);
    };
    const batched: RecurrentState = { h: cat('h'), c: cat('c') };
    const picked = step.select(batched, Int32Array.of(2, 0, 0))!;
    expect(Array.from(picked.c!.indexSelect(1, [0]).data)).toEqual(Array.from(states[2]!.c!.data));
    const opts = { strategy: 'beam', beamWidth: 3, nBest: 2, maxLength: 15, suppress: [UNK_INDEX] } as const;
    const bos = Int32Array.from(primes, (p) => vocab.encode(p.at(-1)!)[0]!);
    const all = decode(step, batched, { ...opts, bos });
    primes.forEach((_, b) => {
      const [one] = decode(step, states[b], { ...opts, bos: bos[b]! });
      expect(all[b]!.hypotheses.map((x) => vocab.decodeText(x.tokens))).toEqual(one!.hypotheses.map((x) => vocab.decodeText(x.tokens)));
    });
  });
});
