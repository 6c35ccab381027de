import { ArgumentError, type Generator as RandomGenerator, type Tensor } from '@unroll/tensor';
import { TokenChooser } from './choose.js';
import { checkIdsInVocab, type GreedyOptions, resolveDecodingOptions, type SamplingOptions } from './options.js';
import { checkStepOutput } from './result.js';
import type { StepModel } from './types.js';

/** One step of greedy decoding or sampling, for the rows still running. */
export interface DecodingStep {
  /** 1 for the first generated token. */
  step: number;
  /** The batch row of each entry: the rows that had not ended before this step, ascending. */
  rows: Int32Array;
  /** The token each of those rows produced (eos included: that row has then ended). */
  tokens: Int32Array;
  /**
   * log p of each token under the model's softmax over the allowed tokens (temperature 1),
   * computed from `logits` when first read (streaming text need not pay for it).
   */
  readonly logProbs: Float64Array;
  /** (n,V) the logits this step's tokens were chosen from. */
  logits: Tensor;
  /** (n,L) attention of this step, row i for rows[i], when the model returns it. */
  attention?: Tensor;
}

/**
 * Greedy decoding or sampling, one step at a time: a generator that runs the model one step per
 * `next()` and yields the tokens of the rows still running, so a caller can stream them. A row
 * that produces eos ends: it is dropped from the batch (through `model.select`) and never
 * extended. At most `maxLength` steps. `decode` with these options collects the same steps.
 *
 * @example
 * ```ts
 * import { decodeSteps } from '@unroll/seq2seq';
 * for (const s of decodeSteps(model, state, { strategy: 'sample', temperature: 0.8, seed: 1, bos: 1, eos: 2, maxLength: 50 })) {
 *   process.stdout.write(vocab.decodeText(s.tokens)); // a batch of one: one token per step (eos included)
 * }
 * ```
 */
export function* decodeSteps<S>(model: StepModel<S>, init: S, opts: GreedyOptions | SamplingOptions): Generator<DecodingStep, void, undefined> {
  const o = resolveDecodingOptions(opts);
  if (o.strategy === 'beam') throw new ArgumentError("decodeSteps: strategy 'beam' has no steps to stream; use decode()");
  const greedy = o.strategy === 'greedy';
  const sampling = { temperature: o.temperature, topK: o.topK, topP: o.topP };
  const shared: RandomGenerator | undefined = o.generators.length === 1 ? o.generators[0] : undefined;
  let state = init;
  let rows = Int32Array.from({ length: o.batchSize }, (_, i) => i);
  let tokens = Int32Array.from(o.bos);
  let chooser: TokenChooser | undefined;
  let V = -1;
  let L = -1;
  for (let step = 1; step <= o.maxLength; step++) {
    const n = rows.length;
    const out = model.step(tokens, state);
    [V, L] = checkStepOutput(out, n, step, V, L);
    if (chooser === undefined) {
      checkIdsInVocab(o, V);
      chooser = new TokenChooser(V, o.suppress);
    }
    const logits = out.logits.data;
    const next = new Int32Array(n);
    let ended = 0;
    for (let i = 0; i < n; i++) {
      const off = i * V;
      const tok = greedy ? chooser.argmax(logits, off) : chooser.sample(logits, off, sampling, shared ?? o.generators[rows[i]!]!);
      next[i] = tok;
      if (tok === o.eos) ended++;
    }
    yield new StepRecord(step, rows, next, out.logits, chooser, out.attention);
    if (ended === n || step === o.maxLength) return;
    if (ended === 0) {
      state = out.state;
      tokens = next;
      continue;
    }
    const keep = new Int32Array(n - ended);
    for (let i = 0, j = 0; i < n; i++) if (next[i] !== o.eos) keep[j++] = i;
    state = model.select(out.state, keep);
    rows = keep.map((i) => rows[i]!);
    tokens = keep.map((i) => next[i]!);
  }
}

/** A DecodingStep whose log-probabilities are computed on first read. */
class StepRecord implements DecodingStep {
  private lp: Float64Array | undefined;

  constructor(
    readonly step: number,
    readonly rows: Int32Array,
    readonly tokens: Int32Array,
    readonly logits: Tensor,
    private readonly chooser: TokenChooser,
    readonly attention: Tensor | undefined,
  ) {}

  get logProbs(): Float64Array {
    if (this.lp === undefined) {
      const V = this.logits.shape[1]!;
      this.lp = Float64Array.from(this.tokens, (tok, i) => this.chooser.logProb(this.logits.data, i * V, tok));
    }
    return this.lp;
  }
}
