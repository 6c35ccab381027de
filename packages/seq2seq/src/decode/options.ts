import { ArgumentError, checkPositiveInt, Generator } from '@unroll/tensor';

/** Options every strategy takes. */
export interface CommonDecodingOptions {
  /**
   * The token fed at the first step: one id for every row, or one per row (then the batch size
   * is its length). The returned tokens never include it.
   */
  bos: number | Int32Array;
  /**
   * The end-of-sequence token: a row (or hypothesis) that produces it is finished and is not
   * extended. Omit it for open-ended generation (a character model): every row then runs for
   * `maxLength` steps.
   */
  eos?: number;
  /** The most decoding steps (generated tokens, eos included). A positive integer. */
  maxLength: number;
  /** Rows in `init` (default: the length of `bos` when it is an array, else 1). */
  batchSize?: number;
  /** Token ids that are never generated (pad, bos, unk): their probability is taken as 0. */
  suppress?: readonly number[] | Int32Array;
}

/** Always take the most likely token (ties: the lowest id). */
export interface GreedyOptions extends CommonDecodingOptions {
  strategy: 'greedy';
}

/** Draw each token from softmax(logits / temperature), optionally restricted to the top k and/or the top-p nucleus. */
export interface SamplingOptions extends CommonDecodingOptions {
  strategy: 'sample';
  /**
   * Divides the logits before the softmax: < 1 sharper, > 1 flatter. Default 1. Must be > 0: the
   * limit temperature -> 0 is greedy decoding, so ask for `strategy: 'greedy'` instead.
   */
  temperature?: number;
  /** Keep only the k most likely tokens (then topP applies within them). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p, in (0, 1]. */
  topP?: number;
  /** One shared stream: at every step the rows draw from it in turn (row 0 first). */
  generator?: Generator;
  /**
   * Row r draws from its own `new Generator(seed + r)`, so that a row decoded in a batch equals
   * the same row decoded alone with seed `seed + r`. Default 0 (when no generator is given).
   */
  seed?: number;
}

/** Batched beam search. */
export interface BeamOptions extends CommonDecodingOptions {
  strategy: 'beam';
  /** Hypotheses kept per row (K). A positive integer; 1 is greedy decoding. */
  beamWidth: number;
  /**
   * GNMT's length normalisation exponent alpha: a finished hypothesis of `len` steps (eos
   * included) is ranked by `score / ((5 + len) / 6) ** alpha`. Default 0: the raw sum of
   * log-probabilities, which favours short outputs; 0.6 to 1 is usual for translation.
   */
  lengthPenalty?: number;
  /** Hypotheses returned per row, best first: 1 to beamWidth (default 1). */
  nBest?: number;
}

/** What `decode` accepts: the strategy's name picks the rest. */
export type DecodingOptions = GreedyOptions | SamplingOptions | BeamOptions;

/** The options after validation, with defaults filled in. */
export interface ResolvedDecoding {
  strategy: 'greedy' | 'sample' | 'beam';
  /** Start token of each row (B). */
  bos: Int32Array;
  /** -1 when there is none. */
  eos: number;
  maxLength: number;
  batchSize: number;
  suppress: Int32Array;
  temperature: number;
  topK: number | undefined;
  topP: number | undefined;
  /** One per row (seed), or one shared (generator); empty unless sampling. */
  generators: Generator[];
  beamWidth: number;
  lengthPenalty: number;
  nBest: number;
}

const ONLY: Record<string, ResolvedDecoding['strategy']> = {
  temperature: 'sample',
  topK: 'sample',
  topP: 'sample',
  generator: 'sample',
  seed: 'sample',
  beamWidth: 'beam',
  lengthPenalty: 'beam',
  nBest: 'beam',
};

function checkToken(name: string, v: unknown): void {
  if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) throw new ArgumentError(`decode: ${name} must be a token id (an integer >= 0), got ${String(v)}`);
}

/**
 * Checks decoding options and fills in defaults; throws an ArgumentError naming the bad option.
 *
 * @example
 * ```ts
 * import { resolveDecodingOptions } from '@unroll/seq2seq';
 * resolveDecodingOptions({ strategy: 'beam', beamWidth: 4, bos: 1, eos: 2, maxLength: 50 }).nBest; // 1
 * resolveDecodingOptions({ strategy: 'sample', temperature: 0, bos: 1, maxLength: 5 }); // throws ArgumentError
 * ```
 */
export function resolveDecodingOptions(o: DecodingOptions): ResolvedDecoding {
  if (o === null || typeof o !== 'object') throw new ArgumentError(`decode: options must be an object, got ${String(o)}`);
  const strategy = (o as { strategy?: unknown }).strategy;
  if (strategy !== 'greedy' && strategy !== 'sample' && strategy !== 'beam') {
    throw new ArgumentError(`decode: unknown strategy ${JSON.stringify(strategy)}: expected 'greedy', 'sample' or 'beam'`);
  }
  const given = o as unknown as Record<string, unknown>;
  for (const [key, owner] of Object.entries(ONLY)) {
    if (given[key] !== undefined && owner !== strategy) throw new ArgumentError(`decode: ${key} applies to strategy '${owner}', not '${strategy}'`);
  }
  checkPositiveInt('decode', 'maxLength', o.maxLength);
  let bos: Int32Array;
  let batchSize: number;
  if (o.bos instanceof Int32Array) {
    if (o.bos.length === 0) throw new ArgumentError('decode: bos is an empty array (one start token per row expected)');
    for (const v of o.bos) checkToken('bos', v);
    if (o.batchSize !== undefined && o.batchSize !== o.bos.length) throw new ArgumentError(`decode: batchSize ${o.batchSize} but bos has ${o.bos.length} tokens`);
    batchSize = o.bos.length;
    bos = o.bos;
  } else {
    checkToken('bos', o.bos);
    batchSize = o.batchSize ?? 1;
    checkPositiveInt('decode', 'batchSize', batchSize);
    bos = new Int32Array(batchSize).fill(o.bos);
  }
  if (o.eos !== undefined) checkToken('eos', o.eos);
  const suppress = Int32Array.from(o.suppress ?? []);
  for (const v of suppress) checkToken('suppress', v);
  if (o.eos !== undefined && suppress.includes(o.eos)) throw new ArgumentError(`decode: eos ${o.eos} is also in suppress, so no row could ever end`);
  const r: ResolvedDecoding = {
    strategy, bos, eos: o.eos ?? -1, maxLength: o.maxLength, batchSize, suppress,
    temperature: 1, topK: undefined, topP: undefined, generators: [], beamWidth: 1, lengthPenalty: 0, nBest: 1,
  };
  if (o.strategy === 'sample') {
    const T = o.temperature ?? 1;
    if (!(typeof T === 'number' && T > 0 && Number.isFinite(T))) {
      throw new ArgumentError(`decode: temperature must be a finite number > 0, got ${T} (its limit at 0 is greedy decoding: use strategy 'greedy')`);
    }
    if (o.topK !== undefined) checkPositiveInt('decode', 'topK', o.topK);
    if (o.topP !== undefined && !(typeof o.topP === 'number' && o.topP > 0 && o.topP <= 1)) throw new ArgumentError(`decode: topP must be in (0, 1], got ${o.topP}`);
    if (o.generator !== undefined && o.seed !== undefined) throw new ArgumentError('decode: pass either generator or seed, not both');
    if (o.generator !== undefined && !(o.generator instanceof Generator)) throw new ArgumentError('decode: generator must be a Generator from @unroll/tensor');
    if (o.seed !== undefined && !Number.isFinite(o.seed)) throw new ArgumentError(`decode: seed must be a finite number, got ${o.seed}`);
    const seed = o.seed ?? 0;
    r.temperature = T;
    r.topK = o.topK;
    r.topP = o.topP;
    r.generators = o.generator ? [o.generator] : Array.from({ length: batchSize }, (_, i) => new Generator(seed + i));
  } else if (o.strategy === 'beam') {
    checkPositiveInt('decode', 'beamWidth', o.beamWidth);
    const alpha = o.lengthPenalty ?? 0;
    if (!(typeof alpha === 'number' && Number.isFinite(alpha))) throw new ArgumentError(`decode: lengthPenalty must be a finite number, got ${alpha}`);
    const nBest = o.nBest ?? 1;
    checkPositiveInt('decode', 'nBest', nBest);
    if (nBest > o.beamWidth) throw new ArgumentError(`decode: nBest ${nBest} is more than beamWidth ${o.beamWidth}`);
    r.beamWidth = o.beamWidth;
    r.lengthPenalty = alpha;
    r.nBest = nBest;
  }
  return r;
}

/**
 * Throws an ArgumentError when bos, eos or a suppressed id is outside the model's vocabulary of V
 * (known at the first step, from the logits). Internal to the decoders.
 */
export function checkIdsInVocab(o: ResolvedDecoding, V: number): void {
  const check = (name: string, id: number) => {
    if (id >= V) throw new ArgumentError(`decode: ${name} ${id} is outside the model's vocabulary of ${V} (from the logits' width)`);
  };
  for (const id of o.bos) check('bos', id);
  check('eos', o.eos);
  for (const id of o.suppress) check('suppressed id', id);
}
