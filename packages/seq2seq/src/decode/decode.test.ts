import { ArgumentError, Generator, ShapeError, Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { logSoftmaxRow, prefixModel, randomModel, rescore } from './decode.testing.js';
import type { DecodingOptions } from './options.js';
import { decodeSteps } from './steps.js';
import type { StepModel } from './types.js';

const V = 7;
const BOS = 1;
const EOS = 2;
const SUPPRESS = [0, 1];
const base = { bos: BOS, eos: EOS, maxLength: 12, suppress: SUPPRESS };

/** A stateless model whose logits are the same fixed row at every step (eos suppressed by the caller or absent). */
function fixedModel(row: number[]): StepModel<null> {
  return {
    step: (tokens) => ({ logits: new Tensor(Float32Array.from({ length: tokens.length * row.length }, (_, i) => row[i % row.length]!), [tokens.length, row.length]), state: null }),
    select: () => null,
  };
}

describe('decode: greedy', () => {
  it('takes the argmax at every step, stops at eos, and scores the sum of log-probabilities', () => {
    const { model, init } = randomModel(V, { seed: 3 });
    for (let b = 0; b < 6; b++) {
      const h = init(1, 10 + b);
      const [r] = decode(model, h, { strategy: 'greedy', ...base });
      // replay: every token is the argmax of its step's logits (allowed ids only)
      let state = h;
      let input = BOS;
      const path = [...r!.tokens, ...(r!.eos ? [EOS] : [])];
      let score = 0;
      for (const t of path) {
        const out = model.step(Int32Array.of(input), state);
        const lp = logSoftmaxRow(out.logits.data, SUPPRESS);
        expect(t).toBe(lp.indexOf(Math.max(...lp)));
        score += lp[t]!;
        state = out.state;
        input = t;
      }
      expect(r!.score).toBeCloseTo(score, 10);
      expect(r!.normalizedScore).toBe(r!.score);
      expect(r!.eos || r!.tokens.length === base.maxLength).toBe(true);
      expect([...r!.tokens]).not.toContain(EOS);
      for (const t of r!.tokens) expect(SUPPRESS).not.toContain(t);
      expect(r!.hypotheses).toHaveLength(1);
    }
  });

  it('runs every row to maxLength without an eos, and never feeds a finished row again', () => {
    const { model, fed } = prefixModel(4, (p) => (p.length < 2 ? [0, 0, 0, 1] : [0, 0, 5, 0])); // 3, 3, then eos
    const [r] = decode(model, null, { strategy: 'greedy', bos: 1, eos: 2, maxLength: 10 });
    expect([...r!.tokens]).toEqual([3, 3]);
    expect(r!.eos).toBe(true);
    expect(fed).toHaveLength(3); // three steps: bos, 3, 3 -> eos; nothing after eos
    const [open] = decode(model, null, { strategy: 'greedy', bos: 1, maxLength: 5 }); // no eos: runs to maxLength
    expect(open!.eos).toBe(false);
    expect(open!.tokens).toHaveLength(5);
  });

  it('batched results equal per-row results; rows that end early leave the batch', () => {
    const { model, init, calls } = randomModel(V, { seed: 5, L: 3 });
    const B = 6;
    const h = init(B, 2);
    for (const opts of [{ strategy: 'greedy', ...base }, { strategy: 'sample', seed: 4, temperature: 1.5, ...base }] as DecodingOptions[]) {
      calls.length = 0;
      const batched = decode(model, h, { ...opts, batchSize: B });
      expect(calls[0]).toBe(B);
      for (let i = 1; i < calls.length; i++) expect(calls[i]).toBeLessThanOrEqual(calls[i - 1]!);
      for (let b = 0; b < B; b++) {
        const one = opts.strategy === 'sample' ? { ...opts, seed: 4 + b } : opts;
        const [single] = decode(model, h.indexSelect(0, [b]), one);
        expect([...batched[b]!.tokens]).toEqual([...single!.tokens]);
        expect(batched[b]!.eos).toBe(single!.eos);
        expect(batched[b]!.score).toBeCloseTo(single!.score, 5);
        expect(Array.from(batched[b]!.attention!.data)).toEqual(Array.from(single!.attention!.data).map((x) => expect.closeTo(x, 5)));
      }
    }
  });

  it('starts each row from its own bos when bos is an array', () => {
    // a bigram model: after 3 comes 4, after 4 comes 3, after either of them a second time... eos once the row has 2 tokens
    const next: Record<number, number> = { 3: 4, 4: 3 };
    const model: StepModel<number[]> = {
      step: (tokens, lens) => {
        const data = new Float32Array(tokens.length * 5);
        tokens.forEach((t, i) => { data[i * 5 + (lens[i]! >= 2 ? 2 : next[t]!)] = 9; });
        return { logits: new Tensor(data, [tokens.length, 5]), state: lens.map((n) => n + 1) };
      },
      select: (lens, rows) => Array.from(rows, (r) => lens[r]!),
    };
    const rows = decode(model, [0, 0], { strategy: 'greedy', bos: Int32Array.of(3, 4), eos: 2, maxLength: 6, suppress: [0, 1] });
    expect(rows.map((r) => [...r.tokens])).toEqual([[4, 3], [3, 4]]);
    expect(rows.map((r) => r.eos)).toEqual([true, true]);
  });
});

describe('decode: attention', () => {
  it('returns (T,L) attention per row, T = steps taken (eos included), equal to what the model gave at each step', () => {
    const L = 5;
    const { model, init } = randomModel(V, { seed: 9, L });
    const h = init(3, 4);
    for (const opts of [{ strategy: 'greedy' }, { strategy: 'sample', seed: 2 }, { strategy: 'beam', beamWidth: 3 }] as DecodingOptions[]) {
      const rows = decode(model, h, { ...base, ...opts, batchSize: 3 });
      rows.forEach((r, b) => {
        const T = r.tokens.length + (r.eos ? 1 : 0);
        expect(r.attention!.shape).toEqual([T, L]);
        const ref = rescore(model, h.indexSelect(0, [b]), BOS, r.tokens, r.eos ? EOS : undefined, SUPPRESS);
        expect(Array.from(r.attention!.data)).toEqual(ref.attention.flat().map((x) => expect.closeTo(x, 5)));
        expect(r.score).toBeCloseTo(ref.score, 4);
      });
    }
  });

  it('has no attention when the model returns none', () => {
    const { model, init } = randomModel(V, { seed: 1 });
    expect(decode(model, init(1), { strategy: 'greedy', ...base })[0]!.attention).toBeUndefined();
  });
});

describe('decode: sampling', () => {
  it('topK = 1 equals greedy (tokens and scores)', () => {
    const { model, init } = randomModel(V, { seed: 11 });
    const h = init(5, 3);
    const greedy = decode(model, h, { strategy: 'greedy', ...base, batchSize: 5 });
    const top1 = decode(model, h, { strategy: 'sample', topK: 1, temperature: 2, seed: 8, ...base, batchSize: 5 });
    expect(top1.map((r) => [...r.tokens])).toEqual(greedy.map((r) => [...r.tokens]));
    expect(top1.map((r) => r.score)).toEqual(greedy.map((r) => r.score));
  });

  it('topK and topP restrict the support on a fixed distribution; counts follow the renormalised probabilities', () => {
    // ids 0..4, probabilities 0.05 (suppressed), 0.4, 0.3, 0.2, 0.05 (renormalised over 1..4)
    const row = [0.05, 0.4, 0.3, 0.2, 0.05].map(Math.log);
    const draw = (extra: object, n = 6000) => {
      const [r] = decode(fixedModel(row), null, { strategy: 'sample', bos: 1, maxLength: n, suppress: [0], seed: 3, ...extra });
      const c = new Array<number>(5).fill(0);
      for (const t of r!.tokens) c[t]!++;
      return c;
    };
    const all = draw({});
    expect(all[0]).toBe(0);
    for (const [i, p] of [[1, 0.4], [2, 0.3], [3, 0.2], [4, 0.05]] as const) expect(all[i]! / 6000).toBeCloseTo(p / 0.95, 1);
    const k2 = draw({ topK: 2 });
    expect([k2[3], k2[4]]).toEqual([0, 0]);
    expect(k2[1]! / 6000).toBeCloseTo(0.4 / 0.7, 1);
    const p5 = draw({ topP: 0.5 }); // 0.4/0.95 < 0.5: ids 1 and 2
    expect([p5[0], p5[3], p5[4]]).toEqual([0, 0, 0]);
    expect(p5[2]! / 6000).toBeCloseTo(0.3 / 0.7, 1);
    expect(draw({ topP: 0.3 })).toEqual([0, 6000, 0, 0, 0]);
  });

  it('a low temperature approaches greedy; temperature 0 is rejected with a pointer to greedy', () => {
    const { model, init } = randomModel(V, { seed: 2 });
    const h = init(4, 6);
    const greedy = decode(model, h, { strategy: 'greedy', ...base, batchSize: 4 });
    const cold = decode(model, h, { strategy: 'sample', temperature: 1e-4, seed: 1, ...base, batchSize: 4 });
    expect(cold.map((r) => [...r.tokens])).toEqual(greedy.map((r) => [...r.tokens]));
    expect(() => decode(model, h, { strategy: 'sample', temperature: 0, ...base })).toThrow(/temperature.*greedy/);
  });

  it('is deterministic for a seed or a generator state; seeds differ; a generator equals the same seed for one row', () => {
    const { model, init } = randomModel(V, { seed: 4, scale: 0.5 });
    const h = init(1, 1);
    const run = (extra: object) => [...decode(model, h, { strategy: 'sample', ...base, maxLength: 30, ...extra })[0]!.tokens];
    expect(run({ seed: 42 })).toEqual(run({ seed: 42 }));
    expect(run({ seed: 42 })).not.toEqual(run({ seed: 43 }));
    expect(run({ generator: new Generator(42) })).toEqual(run({ seed: 42 }));
    const g = new Generator(42);
    run({ generator: g });
    expect(run({ generator: g })).not.toEqual(run({ seed: 42 })); // the stream moved on
  });
});

describe('decodeSteps', () => {
  it('runs one model step per next() and yields the tokens of the rows still running', () => {
    const { model, init, calls } = randomModel(V, { seed: 6 });
    const h = init(3, 5);
    const it = decodeSteps(model, h, { strategy: 'greedy', ...base, batchSize: 3 });
    expect(calls).toHaveLength(0);
    const first = it.next();
    expect(calls).toHaveLength(1);
    expect(first.done).toBe(false);
    const steps = [first.value!, ...it];
    const want = decode(model, h, { strategy: 'greedy', ...base, batchSize: 3 });
    for (let b = 0; b < 3; b++) {
      const mine = steps.flatMap((s) => Array.from(s.rows).flatMap((r, i) => (r === b ? [s.tokens[i]!] : [])));
      expect(mine).toEqual([...want[b]!.tokens, ...(want[b]!.eos ? [EOS] : [])]);
    }
  });

  it('refuses beam search', () => {
    const { model, init } = randomModel(V);
    expect(() => decodeSteps(model, init(1), { strategy: 'beam', beamWidth: 2, ...base } as never).next()).toThrow(ArgumentError);
  });
});

describe('decode: bad options and bad models', () => {
  const { model, init } = randomModel(V);
  const h = init(1);
  const bad: [string, object, RegExp][] = [
    ['beamWidth 0', { strategy: 'beam', beamWidth: 0 }, /beamWidth must be a positive integer, got 0/],
    ['beamWidth 1.5', { strategy: 'beam', beamWidth: 1.5 }, /beamWidth/],
    ['maxLength 0', { strategy: 'greedy', maxLength: 0 }, /maxLength must be a positive integer, got 0/],
    ['temperature 0', { strategy: 'sample', temperature: 0 }, /temperature.*> 0.*greedy/],
    ['temperature -1', { strategy: 'sample', temperature: -1 }, /temperature/],
    ['temperature Infinity', { strategy: 'sample', temperature: Number.POSITIVE_INFINITY }, /temperature/],
    ['topP 0', { strategy: 'sample', topP: 0 }, /topP must be in \(0, 1\], got 0/],
    ['topP 1.5', { strategy: 'sample', topP: 1.5 }, /topP/],
    ['topK 0', { strategy: 'sample', topK: 0 }, /topK/],
    ['unknown strategy', { strategy: 'nucleus' }, /unknown strategy "nucleus"/],
    ['no strategy', { strategy: undefined }, /unknown strategy/],
    ['nBest > beamWidth', { strategy: 'beam', beamWidth: 2, nBest: 3 }, /nBest 3 is more than beamWidth 2/],
    ['a sampling option for greedy', { strategy: 'greedy', temperature: 0.5 }, /temperature applies to strategy 'sample'/],
    ['a beam option for sampling', { strategy: 'sample', beamWidth: 2 }, /beamWidth applies to strategy 'beam'/],
    ['both generator and seed', { strategy: 'sample', seed: 1, generator: new Generator(1) }, /generator or seed/],
    ['a negative bos', { strategy: 'greedy', bos: -1 }, /bos must be a token id/],
    ['eos suppressed', { strategy: 'greedy', suppress: [0, 2] }, /eos 2 is also in suppress/],
    ['batchSize against bos', { strategy: 'greedy', bos: Int32Array.of(1, 1), batchSize: 3 }, /batchSize 3 but bos has 2/],
    ['eos outside the vocabulary', { strategy: 'greedy', eos: 99 }, /eos 99 is outside the model's vocabulary of 7/],
    ['a suppressed id outside the vocabulary', { strategy: 'beam', beamWidth: 2, suppress: [0, 1, 12] }, /suppressed id 12 is outside/],
  ];
  for (const [what, opts, message] of bad) {
    it(`rejects ${what} with an ArgumentError`, () => {
      const call = () => decode(model, h, { ...base, ...opts } as unknown as DecodingOptions);
      expect(call).toThrow(ArgumentError);
      expect(call).toThrow(message);
    });
  }

  it('rejects logits of the wrong shape and attention that comes and goes with a ShapeError', () => {
    const wrongRows: StepModel<null> = { step: () => ({ logits: new Tensor(new Float32Array(2 * V), [2, V]), state: null }), select: () => null };
    expect(() => decode(wrongRows, null, { strategy: 'greedy', ...base })).toThrow(ShapeError);
    expect(() => decode(wrongRows, null, { strategy: 'greedy', ...base })).toThrow(/logits must be \(1,V\) for 1 input rows, got \(2,7\)/);
    let n = 0;
    const flaky: StepModel<null> = {
      step: (tokens) => ({ logits: new Tensor(new Float32Array(tokens.length * V), [tokens.length, V]), state: null, attention: n++ === 0 ? new Tensor(new Float32Array(tokens.length * 2), [tokens.length, 2]) : undefined }),
      select: () => null,
    };
    expect(() => decode(flaky, null, { strategy: 'sample', ...base, suppress: [0, 1, 2], eos: undefined })).toThrow(/attention at earlier steps but not at this one/);
  });
});
