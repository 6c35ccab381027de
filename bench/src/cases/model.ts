/** Shared bits of the recurrent cases: the model, sizes, labels and the sampling policy. */

import { Linear, noGrad } from '@unroll/autograd';
import { GRU, LSTM, type RecurrentLayer, type RecurrentState } from '@unroll/cells';
import { Generator, Tensor } from '@unroll/tensor';
import type { TimeOptions } from '../timing.js';
import type { ModelSpec, Sampling } from '../types.js';

/** "LSTM×2 H=256" */
export function modelLabel(m: ModelSpec): string {
  return `${m.cell.toUpperCase()}${m.layers > 1 ? `×${m.layers}` : ''} H=${m.hidden}`;
}

/**
 * Training: one warm-up step, then samples of whole steps, each about budget/runs long; the time
 * box ends the run early for slow implementations (tfjs-cpu) once `minRuns` samples exist.
 */
export function trainTiming(s: Sampling): TimeOptions {
  return { runs: s.runs, minRuns: s.minRuns, budgetMs: s.budgetS * 1000, warmupCalls: 1, warmupMs: 0, sampleMs: (s.budgetS * 1000) / s.runs };
}

/**
 * Inference: each call generates a whole sequence; warm up with a few sequences; a sample repeats
 * sequences for about budget/runs (a 100-token sequence alone is too short to time reliably).
 */
export function inferTiming(s: Sampling): TimeOptions {
  return { runs: s.runs, minRuns: s.minRuns, budgetMs: s.budgetS * 1000, warmupCalls: 2, warmupMs: 500, sampleMs: (s.budgetS * 1000) / s.runs };
}

/** Index of the largest of `n` values starting at `offset` (greedy decoding). */
export function argmaxOf(values: ArrayLike<number>, offset = 0, n = values.length - offset): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (values[offset + j]! > values[offset + best]!) best = j;
  return best;
}

/**
 * The benchmark's language model: one-hot input (vocab V) -> LSTM or GRU (m.layers) -> Linear(H,V),
 * float32, weights from a fixed seed. Returns the generator too (inputs drawn after the weights).
 */
export function buildBenchModel(m: Pick<ModelSpec, 'cell' | 'vocab' | 'hidden' | 'layers'>): { rnn: RecurrentLayer; head: Linear; g: Generator } {
  const g = new Generator(1);
  const opts = { numLayers: m.layers, generator: g };
  const rnn = m.cell === 'lstm' ? new LSTM(m.vocab, m.hidden, opts) : new GRU(m.vocab, m.hidden, opts);
  const head = new Linear(m.hidden, m.vocab, { generator: g });
  return { rnn, head, g };
}

/**
 * Greedy batch-1 generation as `sampleChars` does it: per token, one-hot (1,1,V) -> the recurrent
 * layer with the state fed back (T = 1) -> head -> argmax read in JS, under noGrad, from a zero
 * state and token 0. Returns the sum of the tokens (a checksum that keeps the work observable).
 */
export function greedyDecode(rnn: RecurrentLayer, head: Linear, vocab: number, tokens: number): number {
  let state: RecurrentState | undefined;
  let tok = 0;
  let checksum = 0;
  for (let i = 0; i < tokens; i++) {
    const x = new Float32Array(vocab);
    x[tok] = 1;
    const logits = noGrad(() => {
      const out = rnn.forward(new Tensor(x, [1, 1, vocab]), { state });
      state = out.state;
      return head.forward(out.output); // (1,1,V)
    });
    tok = argmaxOf(logits.data);
    checksum += tok;
  }
  return checksum;
}
