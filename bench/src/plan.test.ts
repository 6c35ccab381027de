import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';
import { buildPlan } from './plan.js';
import type { Impl } from './types.js';

const all: Impl[] = ['unroll-js', 'unroll-native', 'unroll-native-1t', 'tfjs-cpu', 'tfjs-wasm', 'torch', 'torch-1t'];

describe('buildPlan', () => {
  it('runs matmul at 256/512/1024 for every available implementation', () => {
    const ids = buildPlan(parseArgs(['--only', 'matmul']), all).map((c) => c.id);
    expect(ids).toHaveLength(18);
    expect(ids).toContain('matmul-1024/unroll-native');
    expect(ids).toContain('matmul-256/unroll-native-1t');
  });

  it('quick mode keeps the benchmark model but only matmul 256', () => {
    const plan = buildPlan(parseArgs(['--quick']), ['unroll-js', 'tfjs-wasm']);
    expect(plan.filter((c) => c.spec.kind === 'matmul').map((c) => c.id)).toEqual(['matmul-256/unroll-js', 'matmul-256/tfjs-wasm']);
    const train = plan.find((c) => c.id === 'train-lstm1/unroll-js')!;
    expect(train.spec).toMatchObject({ T: 64, B: 32, model: { vocab: 65, hidden: 256, layers: 1, cell: 'lstm' } });
    expect(train.sampling).toEqual({ runs: 1, minRuns: 1, budgetS: 3 });
  });

  it('trains tfjs-cpu on the 1-layer LSTM only, and skips what is not available', () => {
    const ids = buildPlan(parseArgs(['--only', 'train']), ['unroll-js', 'tfjs-cpu', 'tfjs-wasm']).map((c) => c.id);
    expect(ids.filter((id) => id.endsWith('tfjs-cpu'))).toEqual(['train-lstm1/tfjs-cpu']);
    expect(ids).toContain('train-gru1/tfjs-wasm');
    expect(ids.some((id) => id.includes('native') || id.includes('torch'))).toBe(false);
  });

  it('filters with --skip', () => {
    const ids = buildPlan(parseArgs(['--skip', 'tfjs-cpu,torch,matmul']), all).map((c) => c.id);
    expect(ids.some((id) => id.includes('tfjs-cpu') || id.includes('torch') || id.startsWith('matmul'))).toBe(false);
    expect(ids).toContain('infer-lstm1/unroll-native');
  });

  it('runs the seq2seq rows on the fast Unroll backends and torch, with issue #10\'s model', () => {
    const plan = buildPlan(parseArgs(['--only', 'seq2seq']), all);
    expect(plan.map((c) => c.id)).toEqual([
      'train-seq2seq/unroll-native', 'train-seq2seq/unroll-native-1t', 'train-seq2seq/torch', 'train-seq2seq/torch-1t',
      'decode-seq2seq-greedy/unroll-native', 'decode-seq2seq-greedy/unroll-native-1t', 'decode-seq2seq-greedy/torch', 'decode-seq2seq-greedy/torch-1t',
      'decode-seq2seq-beam5/unroll-native', 'decode-seq2seq-beam5/unroll-native-1t', 'decode-seq2seq-beam5/torch', 'decode-seq2seq-beam5/torch-1t',
    ]);
    expect(plan[0]!.spec).toMatchObject({ kind: 'train-seq2seq', B: 64, model: { embedding: 128, hidden: 256, srcVocab: 40, tgtVocab: 70 } });
    expect(plan[8]!.spec).toMatchObject({ kind: 'decode-seq2seq', beam: 5 });
  });
});
