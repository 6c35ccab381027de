import { encodeCheckpoint, Linear, mse, SGD } from '@unroll/autograd';
import { ArgumentError, FormatError, randn } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../core/envelope.js';
import { TrainingLoop } from '../core/loop.js';
import { memoryStore } from '../core/test-helpers.js';
import { errorRate, sequenceErrorRate } from '../metrics/edit-distance.js';
import {
  attentionHeatmap, buildTranslateVocabularies, encodeExamples, evaluateTranslate, loadTranslate, PairBatcher, resolveTranslateConfig,
  scoreTranslations, TranslateTrainer, translateTask, translateTexts, withoutStress,
} from './index.js';
import { syntheticPairs } from './translate.testing.js';

const pairs = syntheticPairs(240, 3);
const train = pairs.slice(0, 200);
const val = pairs.slice(200);
const small = { source: 'char', target: 'space', metric: 'phonemes', embeddingSize: 16, hiddenSize: 32, batch: 16, lr: 0.01, warmup: 10, validateEvery: 50 } as const;

describe('translate config and vocabularies', () => {
  it('builds the vocabularies from the training pairs only', () => {
    const c = resolveTranslateConfig({ source: 'char', target: 'space' });
    const { source, target } = buildTranslateVocabularies([{ source: 'ab', references: ['A1 B0', 'Z9'] }], c);
    expect(source.tokens.slice(4)).toEqual(['a', 'b']);
    expect(target.tokens.slice(4)).toEqual(['A1', 'B0']); // alternates are not trained on
  });

  it('rejects a bad field by name', () => {
    expect(() => resolveTranslateConfig({ attention: 'cosine' as never })).toThrow(/attention must be one of/);
    expect(() => resolveTranslateConfig({ batch: 0 })).toThrow(ArgumentError);
  });
});

describe('PairBatcher', () => {
  const c = resolveTranslateConfig(small);
  const { source, target } = buildTranslateVocabularies(train, c);
  const enc = encodeExamples(train, source, target);
  const opts = { batch: 16, seed: 5, pad: target.padId, bos: target.bosId, eos: target.eosId };

  it('is a pure function of the step, the same for a seed, and covers an epoch once', () => {
    const a = new PairBatcher(enc, opts);
    const b = new PairBatcher(enc, opts);
    const later = a.batch(30).src.toArray();
    expect(b.batch(30).src.toArray()).toEqual(later);
    a.batch(0);
    expect(a.batch(30).src.toArray()).toEqual(later);
    const rows = new Set<string>();
    for (let s = 0; s < a.perEpoch; s++) {
      const x = a.batch(s);
      for (let r = 0; r < x.srcLengths.length; r++) rows.add(Array.from(x.src.data.subarray(r * x.src.shape[1]!, r * x.src.shape[1]! + x.srcLengths[r]!)).join(','));
    }
    expect(rows.size).toBe(a.perEpoch * 16);
    expect(new PairBatcher(enc, { ...opts, seed: 6 }).batch(0).src.toArray()).not.toEqual(new PairBatcher(enc, opts).batch(0).src.toArray());
  });

  it('pads with bos/eos-shifted targets and masks', () => {
    const x = new PairBatcher(enc, opts).batch(0);
    const T = x.tgtIn.shape[1]!;
    for (let r = 0; r < 16; r++) {
      const n = Array.from(x.tgtMask.data.subarray(r * T, (r + 1) * T)).reduce((a, v) => a + v, 0);
      expect(x.tgtIn.data[r * T]).toBe(target.bosId);
      expect(x.tgtOut.data[r * T + n - 1]).toBe(target.eosId);
      expect(x.tgtIn.data[r * T + 1]).toBe(x.tgtOut.data[r * T]);
      if (n < T) expect(x.tgtOut.data[r * T + n]).toBe(target.padId);
    }
    expect(x.tokens).toBe(Array.from(x.tgtMask.data).reduce((a, v) => a + v, 0));
  });
});

describe('TranslateTrainer', () => {
  it('learns the synthetic pronunciations: validation accuracy rises and greedy PER on held-out words falls', async () => {
    const t = TranslateTrainer.create(train, val, { ...small, totalSteps: 300 });
    const before = t.validate();
    const per0 = evaluateTranslate(t, val).scores.per!;
    const events: string[] = [];
    await t.run({ budget: { steps: 300 }, onEvent: (e) => events.push(e.type) });
    const after = t.validate();
    const { scores, outputs } = evaluateTranslate(t, val);
    expect(after.loss).toBeLessThan(before.loss / 3);
    expect(after.tokenAccuracy).toBeGreaterThan(0.9);
    expect(scores.per!).toBeLessThan(per0 / 3);
    expect(events.filter((e) => e === 'validate')).toHaveLength(6);
    // the scores are those of the metrics on the printed outputs
    const refs = val.map((e) => e.references.map((r) => r.split(' ')));
    const hyps = outputs.map((o) => o.text.split(' ').filter((x) => x));
    expect(scores.per).toBe(errorRate(refs, hyps).rate);
    expect(scores.wer).toBe(sequenceErrorRate(refs, hyps));
    expect(scores.perNoStress).toBe(errorRate(refs.map((r) => r.map(withoutStress)), hyps.map(withoutStress)).rate);
    // beam 1 is greedy decoding
    expect(translateTexts(t, val.map((e) => e.source), { beam: 1 })).toEqual(outputs);
  }, 60_000);

  it('is deterministic for a seed, and a resumed run equals an uninterrupted one byte for byte', async () => {
    const cfg = { ...small, attention: 'dot', totalSteps: 12, seed: 4 } as const;
    const a = TranslateTrainer.create(train, val, cfg);
    await a.run({ budget: { steps: 12 } });
    const b = TranslateTrainer.create(train, val, cfg);
    const store = memoryStore();
    await b.run({ budget: { steps: 6 }, checkpoint: { path: 'm.safetensors', store } });
    const c = TranslateTrainer.resume(store.files.get('m.safetensors')!, train, val);
    expect(c.step).toBe(6);
    await c.run({ budget: { steps: 12 } });
    expect(c.checkpoint()).toEqual(a.checkpoint());
    const d = TranslateTrainer.create(train, val, cfg);
    await d.run({ budget: { steps: 12 } });
    expect(d.checkpoint()).toEqual(a.checkpoint());
    const e = TranslateTrainer.create(train, val, { ...cfg, seed: 5 });
    await e.run({ budget: { steps: 12 } });
    expect(e.checkpoint()).not.toEqual(a.checkpoint());
  }, 60_000);

  it('loads a checkpoint with its vocabularies and config, and translates as the trainer does', async () => {
    const t = TranslateTrainer.create(train, val, { ...small, attention: 'general', totalSteps: 20 });
    await t.run({ budget: { steps: 20 } });
    const bytes = t.checkpoint();
    const m = loadTranslate(bytes);
    expect(m.config).toEqual(t.config);
    expect(m.source.tokens).toEqual(t.source.tokens);
    expect(translateTexts(m, ['abc', 'hg'], { beam: 2 })).toEqual(translateTexts(t, ['abc', 'hg'], { beam: 2 }));
    expect(translateTask.describe(bytes)).toMatchObject({ type: 'translate', steps: 20, sourceVocab: t.source.size });
  }, 60_000);
});

describe('translate: bad input', () => {
  const t = TranslateTrainer.create(train, val, small);

  it('an empty source is an ArgumentError naming it', () => {
    expect(() => translateTexts(t, ['abc', '  '.slice(2)])).toThrow(/source 1 is empty/);
  });

  it('a token outside the vocabulary is read as unk and reported', () => {
    const [r] = translateTexts(t, ['abz']);
    expect(r!.unknown).toEqual(['z']);
    expect(r!.sourceTokens).toEqual(['a', 'b', 'z']);
  });

  it('beam 0 is an ArgumentError', () => {
    expect(() => translateTexts(t, ['abc'], { beam: 0 })).toThrow(/beam must be a positive integer, got 0/);
  });

  it("another task's checkpoint is a FormatError naming both tasks", () => {
    const model = new Linear(2, 1);
    const loop = new TrainingLoop({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), nextBatch: () => randn([1, 2]), loss: (x) => mse(model.forward(x), randn([1, 1])) });
    const other = encodeEnvelope(loop, { type: 'charlm', version: 2, config: {} });
    expect(() => loadTranslate(other)).toThrow(FormatError);
    expect(() => loadTranslate(other)).toThrow(/holds a 'charlm' model, not a translate/);
    expect(() => loadTranslate(encodeCheckpoint({ model, metadata: {} }))).toThrow(/no task type/);
  });

  it('scores BLEU for word tasks', () => {
    const w = TranslateTrainer.create([{ source: 'the cat', references: ['le chat'] }], [], { batch: 1 });
    const s = scoreTranslations(w, [{ source: 'the cat', references: ['le petit chat noir'] }], [['le', 'petit', 'chat', 'noir']]);
    expect(s.bleu).toBe(1);
  });
});

describe('attentionHeatmap', () => {
  it('draws source tokens as columns and output tokens as rows with shades', () => {
    const map = attentionHeatmap(['c', 'at'], ['K', 'AE1'], [[1, 0], [0.5, 0.5]]);
    expect(map.split('\n')).toEqual(['    c at', 'K   @', 'AE1 + +']);
    expect(() => attentionHeatmap(['a'], ['X'], [[0.5, 0.5]])).toThrow(/row 0 has 2 weights for 1 source tokens/);
  });
});
