/**
 * Step models and reference computations for the decoding tests (not part of the package's API).
 */
import { add, Generator, matmul, randn, softmax, Tensor, tanh } from '@unroll/tensor';
import type { StepModel } from './types.js';

/** log-softmax of one row over the ids not in `suppress`, in float64 (suppressed ids: -Infinity). */
export function logSoftmaxRow(row: ArrayLike<number>, suppress: readonly number[] = []): number[] {
  const ok = (i: number) => !suppress.includes(i);
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) if (ok(i)) m = Math.max(m, row[i]!);
  let s = 0;
  for (let i = 0; i < row.length; i++) if (ok(i)) s += Math.exp(row[i]! - m);
  return Array.from(row, (x, i) => (ok(i) ? x - m - Math.log(s) : Number.NEGATIVE_INFINITY));
}

/**
 * A small random recurrent model: h' = tanh(E[token] + h U), logits = h' O (N,V), and, when L
 * is given, attention = softmax(h' M) (N,L). The state is h (N,H); `init(B)` draws B rows.
 */
export function randomModel(V: number, opts: { H?: number; L?: number; seed?: number; scale?: number } = {}) {
  const H = opts.H ?? 8;
  const g = new Generator(opts.seed ?? 0);
  const E = randn([V, H], { generator: g });
  const U = randn([H, H], { generator: g }).mul(1 / Math.sqrt(H));
  const O = randn([H, V], { generator: g }).mul(opts.scale ?? 2);
  const M = opts.L !== undefined ? randn([H, opts.L], { generator: g }).mul(2) : undefined;
  const calls: number[] = [];
  const model: StepModel<Tensor> = {
    step(tokens, h) {
      calls.push(tokens.length);
      const next = tanh(add(E.indexSelect(0, new Tensor(Int32Array.from(tokens), [tokens.length])), matmul(h, U))); // (N,H)
      return { logits: matmul(next, O), state: next, attention: M ? softmax(matmul(next, M)) : undefined };
    },
    select: (h, rows) => h.indexSelect(0, new Tensor(Int32Array.from(rows), [rows.length])),
  };
  const init = (B: number, seed = 1) => randn([B, H], { generator: new Generator(seed) }).mul(0.5);
  return { model, init, calls };
}

/**
 * A model whose next-token logits are any function of the prefix generated so far (bos
 * excluded). The state is the prefix of each row. `seen` records every prefix+token it was fed.
 */
export function prefixModel(V: number, logitsOf: (prefix: readonly number[]) => readonly number[]) {
  const fed: number[][] = [];
  const model: StepModel<number[][] | null> = {
    step(tokens, state) {
      const prefixes = Array.from(tokens, (t, i) => (state === null ? [] : [...state[i]!, t]));
      for (const p of prefixes) fed.push(p);
      const data = new Float32Array(tokens.length * V);
      for (let i = 0; i < prefixes.length; i++) data.set(logitsOf(prefixes[i]!), i * V);
      return { logits: new Tensor(data, [tokens.length, V]), state: prefixes };
    },
    select: (state, rows) => (state === null ? null : Array.from(rows, (r) => state[r]!)),
  };
  return { model, fed };
}

/** Every sequence a decoder can produce: n tokens then eos (n < maxLength), or maxLength tokens without eos, with its score. */
export function enumerate(
  V: number, eos: number, maxLength: number, suppress: readonly number[], logitsOf: (prefix: readonly number[]) => readonly number[],
): { tokens: number[]; eos: boolean; score: number }[] {
  const out: { tokens: number[]; eos: boolean; score: number }[] = [];
  const walk = (prefix: number[], score: number) => {
    const lp = logSoftmaxRow(logitsOf(prefix), suppress);
    for (let v = 0; v < V; v++) {
      if (suppress.includes(v)) continue;
      const s = score + lp[v]!;
      if (v === eos) out.push({ tokens: prefix, eos: true, score: s });
      else if (prefix.length + 1 === maxLength) out.push({ tokens: [...prefix, v], eos: false, score: s });
      else walk([...prefix, v], s);
    }
  };
  walk([], 0);
  return out;
}

/**
 * Feeds bos then `tokens` (then scores eos when `eos` is given) through a batch-of-one model:
 * the sum of log-probabilities and the attention rows of every step, computed without the
 * decoding toolkit.
 */
export function rescore<S>(model: StepModel<S>, init: S, bos: number, tokens: ArrayLike<number>, eos: number | undefined, suppress: readonly number[] = []) {
  const targets = eos === undefined ? Array.from(tokens) : [...Array.from(tokens), eos];
  let state = init;
  let input = bos;
  let score = 0;
  const attention: number[][] = [];
  for (const t of targets) {
    const out = model.step(Int32Array.of(input), state);
    score += logSoftmaxRow(out.logits.data, suppress)[t]!;
    if (out.attention) attention.push(Array.from(out.attention.data));
    state = out.state;
    input = t;
  }
  return { score, attention };
}
