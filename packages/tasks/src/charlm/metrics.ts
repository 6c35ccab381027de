import { crossEntropy, noGrad } from '@unroll/autograd';
import type { RecurrentState } from '@unroll/cells';
import { ArgumentError, Tensor } from '@unroll/tensor';
import type { CharLM } from './model.js';

/** Loss of a language model on a text, three ways. */
export interface LMMetrics {
  /** Mean negative log-likelihood per character, in nats. */
  nats: number;
  /** The same in bits per character (nats / ln 2). */
  bitsPerChar: number;
  /** exp(nats). */
  perplexity: number;
  /** Characters scored. */
  chars: number;
}

/**
 * Scores ids with the model: the text is cut into `streams` contiguous parts run as one batch,
 * each read in chunks of `seq` steps with its state carried (each part starts from a zero state,
 * as in char-rnn's evaluation; `streams: 1` scores the whole text in one pass).
 *
 * @example
 * ```ts
 * import { evaluate } from '@unroll/tasks';
 * const { bitsPerChar } = evaluate(model, vocab.encode(text));
 * ```
 */
export function evaluate(model: CharLM, ids: Int32Array, opts: { seq?: number; maxChars?: number; streams?: number } = {}): LMMetrics {
  const seq = opts.seq ?? 128;
  const total0 = Math.min(ids.length - 1, opts.maxChars ?? Infinity);
  if (total0 < 1) throw new ArgumentError('evaluate: need at least 2 characters to score');
  const S = Math.max(1, Math.min(opts.streams ?? 32, Math.floor(total0 / seq)));
  const L = Math.floor(total0 / S); // characters scored per stream
  const n = L * S;
  const wasTraining = model.training;
  model.eval();
  let total = 0;
  let state: RecurrentState | undefined;
  try {
    noGrad(() => {
      for (let s = 0; s < L; s += seq) {
        const e = Math.min(L, s + seq);
        const x = new Int32Array((e - s) * S);
        const y = new Int32Array((e - s) * S);
        for (let t = s; t < e; t++) {
          for (let b = 0; b < S; b++) {
            x[(t - s) * S + b] = ids[b * L + t]!;
            y[(t - s) * S + b] = ids[b * L + t + 1]!;
          }
        }
        const out = model.forward(new Tensor(x, [e - s, S]), state);
        state = out.state;
        total += crossEntropy(out.logits, new Tensor(y, [e - s, S]), { reduction: 'sum' }).item();
      }
    });
  } finally {
    model.train(wasTraining);
  }
  const nats = total / n;
  return { nats, bitsPerChar: nats / Math.LN2, perplexity: Math.exp(nats), chars: n };
}
