/**
 * The list of configurations: which implementation runs which case. Each becomes one child
 * process. The model configuration is fixed by the benchmark's definition (char-LM, vocab 65,
 * hidden 256, T = 64, B = 32), also in quick mode, so that quick figures stay comparable.
 */
import type { Options } from './args.js';
import { modelLabel } from './cases/model.js';
import { seq2seqLabel } from './cases/seq2seq-model.js';
import { type CaseSpec, type Impl, type ModelSpec, type Sampling, type Seq2SeqSpec, TFJS_IMPLS, UNROLL_IMPLS } from './types.js';

export interface Config {
  /** Stable id for --only / --skip, e.g. "train-lstm2/tfjs-wasm". */
  id: string;
  /** Row group in the report: configurations of one group are compared. */
  group: string;
  spec: CaseSpec;
  sampling: Sampling;
}

export const VOCAB = 65;
export const HIDDEN = 256;
export const SEQ_T = 64;
export const BATCH = 32;
export const SAMPLE_TOKENS = 100;

/** Issue #10's seq2seq model: embedding 128, LSTM 256, additive attention; cmudict-like vocabularies. */
export const SEQ2SEQ: Seq2SeqSpec = { srcVocab: 40, tgtVocab: 70, embedding: 128, hidden: 256 };
export const SEQ2SEQ_BATCH = 64;
/** Decoding steps per word (no eos: untrained weights do the same work everywhere). */
export const DECODE_STEPS = 10;
/**
 * Seq2seq implementations: the fast Unroll backends against PyTorch (no tfjs model of it);
 * `unroll-native-1t` against `torch-1t` for a per-core view (a busy machine hurts two-thread runs
 * unevenly: PyTorch's OpenMP threads most).
 */
const SEQ2SEQ_IMPLS: readonly Impl[] = ['unroll-wasm', 'unroll-native', 'unroll-native-1t', 'torch', 'torch-1t'];

const lstm1: ModelSpec = { cell: 'lstm', layers: 1, vocab: VOCAB, hidden: HIDDEN };
const lstm2: ModelSpec = { ...lstm1, layers: 2 };
const gru1: ModelSpec = { ...lstm1, cell: 'gru' };

const modelId = (m: ModelSpec): string => `${m.cell}${m.layers}`;

export function buildPlan(o: Options, available: readonly Impl[]): Config[] {
  const has = (i: Impl): boolean => available.includes(i);
  const unroll = UNROLL_IMPLS.filter(has);
  const tfjs = TFJS_IMPLS.filter(has);
  const torch: Impl[] = has('torch') ? ['torch'] : [];
  const minRuns = Math.min(3, o.runs);
  // matmul samples are short; the time box only stops very slow products early
  const matmulSampling: Sampling = { runs: o.runs, minRuns, budgetS: o.quick ? 1 : 2 };
  const trainSampling: Sampling = { runs: o.runs, minRuns, budgetS: o.budgetS };
  const inferSampling: Sampling = { runs: o.runs, minRuns, budgetS: o.quick ? 1 : 4 };
  const out: Config[] = [];

  for (const n of o.quick ? [256] : [256, 512, 1024]) {
    for (const impl of [...unroll, ...tfjs, ...torch]) {
      out.push({ id: `matmul-${n}/${impl}`, group: `matmul ${n}×${n} f32`, spec: { kind: 'matmul', impl, n }, sampling: matmulSampling });
    }
  }
  // tfjs-cpu trains at a few hundred tokens/s: only the headline LSTM, time-boxed
  const trainers: [ModelSpec, Impl[]][] = [
    [lstm1, [...unroll, ...tfjs, ...torch]],
    [lstm2, [...unroll, ...tfjs.filter((i) => i !== 'tfjs-cpu'), ...torch]],
    [gru1, [...unroll, ...tfjs.filter((i) => i !== 'tfjs-cpu'), ...torch]],
  ];
  for (const [model, impls] of trainers) {
    for (const impl of impls) {
      out.push({
        id: `train-${modelId(model)}/${impl}`,
        group: `train ${modelLabel(model)} T=${SEQ_T} B=${BATCH}`,
        spec: { kind: 'train', impl, model, T: SEQ_T, B: BATCH },
        sampling: trainSampling,
      });
    }
  }
  for (const impl of [...unroll, ...tfjs, ...torch]) {
    out.push({
      id: `infer-${modelId(lstm1)}/${impl}`,
      group: `sample ${modelLabel(lstm1)} batch 1, ${SAMPLE_TOKENS} tokens`,
      spec: { kind: 'infer', impl, model: lstm1, tokens: SAMPLE_TOKENS },
      sampling: inferSampling,
    });
  }
  for (const impl of SEQ2SEQ_IMPLS.filter(has)) {
    out.push({
      id: `train-seq2seq/${impl}`,
      group: `train ${seq2seqLabel(SEQ2SEQ)} B=${SEQ2SEQ_BATCH}`,
      spec: { kind: 'train-seq2seq', impl, model: SEQ2SEQ, B: SEQ2SEQ_BATCH },
      sampling: trainSampling,
    });
  }
  for (const beam of [1, 5]) {
    for (const impl of SEQ2SEQ_IMPLS.filter(has)) {
      out.push({
        id: `decode-seq2seq-${beam === 1 ? 'greedy' : `beam${beam}`}/${impl}`,
        group: `decode seq2seq ${beam === 1 ? 'greedy' : `beam ${beam}`}, batch 1, ${DECODE_STEPS} steps`,
        spec: { kind: 'decode-seq2seq', impl, model: SEQ2SEQ, beam, steps: DECODE_STEPS },
        sampling: inferSampling,
      });
    }
  }
  const match = (id: string, pats: string[]): boolean => pats.some((p) => id.includes(p));
  return out.filter((c) => (o.only.length === 0 || match(c.id, o.only)) && !match(c.id, o.skip));
}
