import { noGrad } from '@unroll/autograd';
import type { RecurrentState } from '@unroll/cells';
import { decodeSteps, type GreedyOptions, type SamplingOptions, type StepModel, TokenChooser } from '@unroll/seq2seq';
import { ArgumentError, type Generator, Tensor } from '@unroll/tensor';
import type { CharLM } from './model.js';
import { type CharVocab, UNK_INDEX } from './vocab.js';

/** How to pick each next character. */
export interface SampleOptions {
  /** Text fed in before generating (default: a newline, or a random known character). */
  prime?: string;
  /** Characters to generate. */
  length?: number;
  /** Divide logits by T before the softmax: < 1 sharper, > 1 more varied. Default 1. */
  temperature?: number;
  /** Keep only the k most likely characters. */
  topK?: number;
  /** Keep the smallest set of characters whose probability reaches p (nucleus sampling). */
  topP?: number;
  /** Always take the most likely character (greedy). */
  argmax?: boolean;
  seed?: number;
}

/** Validates sampling options, naming the bad one. */
export function checkSampleOptions(o: SampleOptions): void {
  if (o.length !== undefined && (!Number.isInteger(o.length) || o.length < 0)) throw new ArgumentError(`sample: length must be a non-negative integer, got ${o.length}`);
  if (o.temperature !== undefined && !(o.temperature > 0 && Number.isFinite(o.temperature))) throw new ArgumentError(`sample: temperature must be a positive number, got ${o.temperature}`);
  if (o.topK !== undefined && (!Number.isInteger(o.topK) || o.topK < 1)) throw new ArgumentError(`sample: topK must be a positive integer, got ${o.topK}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new ArgumentError(`sample: topP must be in (0, 1], got ${o.topP}`);
}

/**
 * Picks an index from logits: argmax, or a draw from softmax(logits / temperature) restricted
 * to the top k and/or the top-p nucleus. The unknown character is never picked. The same choice
 * as `sampleChars` makes at each step: both are `@unroll/seq2seq`'s TokenChooser.
 *
 * @example
 * ```ts
 * import { pickNext } from '@unroll/tasks';
 * import { Generator } from '@unroll/tensor';
 * pickNext([0, 1, 5, 2], { argmax: true }, new Generator(0)); // 2
 * pickNext([0, 1, 5, 2], { topK: 2 }, new Generator(0)); // 2 or 3
 * ```
 */
export function pickNext(logits: ArrayLike<number>, opts: SampleOptions, g: Generator): number {
  const chooser = new TokenChooser(logits.length, [UNK_INDEX]);
  if (opts.argmax) return chooser.argmax(logits, 0);
  return chooser.sample(logits, 0, { temperature: opts.temperature ?? 1, topK: opts.topK, topP: opts.topP }, g);
}

/**
 * The character model as the decoding toolkit's step model: (N) ids -> one-hot or embedding ->
 * one step of the recurrent layers from the state -> logits (N,V), under noGrad. The state is the
 * layers' `{ h, c? }` (layers, N, H), or undefined for zeros; `select` picks its batch rows. Put
 * the model in eval mode first (`model.eval()`: no dropout between layers); `sampleChars` does.
 *
 * @example
 * ```ts
 * import { charLMStepModel, CharLM } from '@unroll/tasks';
 * import { decode } from '@unroll/seq2seq';
 * const lm = new CharLM({ vocabSize: 30, cell: 'lstm', hidden: 64, layers: 1, dropout: 0, embed: 0 });
 * lm.eval();
 * const [best] = decode(charLMStepModel(lm), undefined, { strategy: 'beam', beamWidth: 4, bos: 5, maxLength: 20, suppress: [0] });
 * ```
 */
export function charLMStepModel(model: CharLM): StepModel<RecurrentState | undefined> {
  const V = model.config.vocabSize;
  return {
    step(tokens, state) {
      const N = tokens.length;
      return noGrad(() => {
        const out = model.forward(new Tensor(tokens, [1, N]), state); // logits (1,N,V)
        return { logits: new Tensor(out.logits.data, [N, V]), state: out.state }; // the same data as (N,V)
      });
    },
    select(state, rows) {
      if (state === undefined) return undefined;
      const idx = new Tensor(Int32Array.from(rows), [rows.length]);
      const h = state.h.indexSelect(1, idx); // (layers,N,H)
      return state.c ? { h, c: state.c.indexSelect(1, idx) } : { h };
    },
  };
}

/**
 * Generates text one character at a time, feeding each choice back in (the lecture's test-time
 * loop): the prime (but its last character) runs through the model in one pass, then
 * `decodeSteps` from `@unroll/seq2seq` drives `charLMStepModel` from the last prime character,
 * greedy (`argmax`) or sampling with `seed`, never choosing the unknown character. Yields
 * characters as they are produced, so a CLI can stream them.
 *
 * @example
 * ```ts
 * import { sampleChars } from '@unroll/tasks';
 * let text = '';
 * for (const ch of sampleChars(model, vocab, { prime: 'The ', length: 100, temperature: 0.8, seed: 1 })) text += ch;
 * ```
 */
export function* sampleChars(model: CharLM, vocab: CharVocab, opts: SampleOptions = {}): IterableIterator<string> {
  checkSampleOptions(opts);
  const length = opts.length ?? 200;
  if (length === 0) return;
  const wasTraining = model.training;
  model.eval();
  try {
    const prime = opts.prime ?? '\n';
    const ids = prime.length > 0 ? vocab.encode(prime) : Int32Array.of(1 % vocab.size);
    const T = ids.length - 1;
    const init = T > 0 ? noGrad(() => model.forward(new Tensor(ids.slice(0, T), [T, 1])).state) : undefined;
    const common = { bos: ids[T]!, maxLength: length, suppress: [UNK_INDEX] };
    const decoding: GreedyOptions | SamplingOptions = opts.argmax
      ? { strategy: 'greedy', ...common }
      : { strategy: 'sample', temperature: opts.temperature, topK: opts.topK, topP: opts.topP, seed: opts.seed ?? 0, ...common };
    for (const step of decodeSteps(charLMStepModel(model), init, decoding)) yield vocab.tokens[step.tokens[0]!]!;
  } finally {
    model.train(wasTraining);
  }
}

/** `sampleChars` collected into a string. @example `sampleText(model, vocab, { argmax: true, length: 20 })` */
export function sampleText(model: CharLM, vocab: CharVocab, opts: SampleOptions = {}): string {
  let s = '';
  for (const c of sampleChars(model, vocab, opts)) s += c;
  return s;
}
