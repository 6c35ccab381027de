import { noGrad } from '@unroll/autograd';
import type { RecurrentState } from '@unroll/cells';
import { ArgumentError, Generator, Tensor } from '@unroll/tensor';
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
 * to the top k and/or the top-p nucleus. The unknown character is never picked.
 */
export function pickNext(logits: ArrayLike<number>, opts: SampleOptions, g: Generator): number {
  const V = logits.length;
  if (opts.argmax) {
    let best = -1;
    for (let i = 0; i < V; i++) if (i !== UNK_INDEX && (best < 0 || logits[i]! > logits[best]!)) best = i;
    return best;
  }
  const T = opts.temperature ?? 1;
  const order = Array.from({ length: V }, (_, i) => i).filter((i) => i !== UNK_INDEX);
  order.sort((a, b) => logits[b]! - logits[a]!);
  let kept = opts.topK !== undefined ? order.slice(0, opts.topK) : order;
  const m = logits[kept[0]!]! / T;
  let probs = kept.map((i) => Math.exp(logits[i]! / T - m));
  let total = probs.reduce((a, b) => a + b, 0);
  if (opts.topP !== undefined && opts.topP < 1) {
    let acc = 0;
    let n = 0;
    while (n < kept.length && acc < opts.topP * total) acc += probs[n++]!;
    kept = kept.slice(0, Math.max(n, 1));
    probs = probs.slice(0, kept.length);
    total = probs.reduce((a, b) => a + b, 0);
  }
  let u = g.random() * total;
  for (let k = 0; k < kept.length; k++) {
    u -= probs[k]!;
    if (u <= 0) return kept[k]!;
  }
  return kept[kept.length - 1]!;
}

/**
 * Generates text one character at a time, feeding each choice back in (the lecture's test-time
 * loop). Yields characters as they are produced, so a CLI can stream them.
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
  const g = new Generator(opts.seed ?? 0);
  const length = opts.length ?? 200;
  const wasTraining = model.training;
  model.eval();
  try {
    const prime = opts.prime ?? '\n';
    const primeIds = prime.length > 0 ? vocab.encode(prime) : Int32Array.of(1 % vocab.size);
    let state: RecurrentState | undefined;
    let logits: ArrayLike<number> = [];
    noGrad(() => {
      const out = model.forward(new Tensor(primeIds, [primeIds.length, 1]));
      state = out.state;
      const V = vocab.size;
      logits = out.logits.data.subarray((primeIds.length - 1) * V, primeIds.length * V);
    });
    for (let i = 0; i < length; i++) {
      const next = pickNext(logits, opts, g);
      yield vocab.tokens[next]!;
      noGrad(() => {
        const out = model.forward(new Tensor(Int32Array.of(next), [1, 1]), state);
        state = out.state;
        logits = out.logits.data;
      });
    }
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
