import { ArgumentError, FormatError, type Tensor, type UnrollError } from '@unroll/tensor';
import { type Tokenizer, type TokenizerSpec, tokenizerFromSpec } from './tokenizers.js';
import { type DecodeOptions, decodeBatch, type EncodeBatchOptions, type EncodedBatch, encodeBatch } from './vocabulary-batch.js';

/** The special entries a vocabulary may have. @example `const name: SpecialName = 'eos'` */
export type SpecialName = 'pad' | 'bos' | 'eos' | 'unk';
/** The order specials take at the front of a built vocabulary. @example `SPECIAL_NAMES[1] // 'bos'` */
export const SPECIAL_NAMES: readonly SpecialName[] = ['pad', 'bos', 'eos', 'unk'];
/**
 * The default specials of `Vocabulary.build`, at ids 0, 1, 2, 3.
 * @example `Vocabulary.build([['a']]).padId // 0 ('<pad>')`
 */
export const DEFAULT_SPECIALS: Readonly<Record<SpecialName, string>> = { pad: '<pad>', bos: '<bos>', eos: '<eos>', unk: '<unk>' };

/**
 * The JSON form of a vocabulary (`toJSON`), small enough for a checkpoint's `__metadata__`.
 * @example `{ tokens: ['<pad>', '<unk>', 'a'], specials: { pad: 0, unk: 1 }, tokenizer: { kind: 'char' } }`
 */
export interface VocabularyJSON {
  /** Token of each id, in id order. */
  tokens: string[];
  /** Id of each special the vocabulary has. */
  specials: Partial<Record<SpecialName, number>>;
  /** The tokeniser that turns text into tokens, when the vocabulary has one. */
  tokenizer?: TokenizerSpec;
}

/** Options of `Vocabulary.build`. @example `Vocabulary.build(lines, { minFreq: 2, maxSize: 10_000, tokenizer: wordTokenizer() })` */
export interface BuildOptions {
  /** Keep tokens seen at least this often (default 1). */
  minFreq?: number;
  /** At most this many entries in all, specials included (default: no limit). */
  maxSize?: number;
  /** Specials by name and token, placed first in the order pad, bos, eos, unk; `{}` for none. Default DEFAULT_SPECIALS. */
  specials?: Partial<Record<SpecialName, string>>;
  /** Splits string inputs into tokens; stored with the vocabulary. Without it, inputs must be token arrays. */
  tokenizer?: Tokenizer;
}

/** `encodeWithReport`'s answer. @example `const { ids, unknown } = vocab.encodeWithReport('a new word')` */
export interface EncodeReport {
  ids: Int32Array;
  /** The distinct tokens that were not in the vocabulary (mapped to unk), in order of first occurrence. */
  unknown: string[];
  /** How many input tokens were unknown, repeats included. */
  unknownCount: number;
}

/**
 * A vocabulary: tokens <-> ids, optional special tokens (pad, bos, eos, unk) and an optional
 * tokeniser, shared by every task (char model, translation, captioning...). Sequences are strings
 * (split by the tokeniser) or token arrays (used as given).
 *
 * Unknown tokens map to unk and are reported by `encodeWithReport`; a vocabulary without unk
 * throws an ArgumentError naming the token. `toJSON` / `Vocabulary.fromJSON` save and restore it.
 *
 * @example
 * ```ts
 * import { Vocabulary, wordTokenizer } from '@unroll/seq2seq';
 * const v = Vocabulary.build(['the cat sat', 'the dog'], { tokenizer: wordTokenizer() });
 * v.tokens;                    // ['<pad>', '<bos>', '<eos>', '<unk>', 'the', 'cat', 'dog', 'sat']
 * v.encode('the bird');        // Int32Array [4, 3]
 * v.encodeWithReport('the bird').unknown;   // ['bird']
 * v.decode([1, 4, 5, 2, 0], { skipSpecials: true });   // ['the', 'cat']
 * const w = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));   // the same vocabulary
 * ```
 */
export class Vocabulary {
  /** Token of each id. */
  readonly tokens: readonly string[];
  /** Id of each special the vocabulary has. */
  readonly specialIds: Readonly<Partial<Record<SpecialName, number>>>;
  /** The tokeniser for string inputs, when there is one. */
  readonly tokenizer: Tokenizer | undefined;
  private readonly index: Map<string, number>;
  private readonly specialSet: Set<number>;

  /**
   * A vocabulary of exactly `tokens` (id = position), with `specials` given by id. ArgumentError on
   * duplicate tokens or specials out of range.
   */
  constructor(tokens: readonly string[], opts: { specials?: Partial<Record<SpecialName, number>>; tokenizer?: Tokenizer } = {}) {
    const specials = opts.specials ?? {};
    checkVocabulary(tokens, specials, ArgumentError);
    this.tokens = Object.freeze([...tokens]);
    this.specialIds = Object.freeze({ ...specials });
    this.tokenizer = opts.tokenizer;
    this.index = new Map(tokens.map((t, i) => [t, i]));
    this.specialSet = new Set(Object.values(specials));
  }

  /**
   * Builds a vocabulary from data: specials first, then every token seen at least `minFreq` times,
   * by frequency descending, ties by the token's code points ascending (deterministic), cut to
   * `maxSize` entries in all.
   */
  static build(data: Iterable<string | readonly string[]>, opts: BuildOptions = {}): Vocabulary {
    const minFreq = opts.minFreq ?? 1;
    if (!Number.isInteger(minFreq) || minFreq < 1) throw new ArgumentError(`Vocabulary.build: minFreq must be an integer >= 1, got ${minFreq}`);
    const specials = opts.specials ?? DEFAULT_SPECIALS;
    const specialTokens = SPECIAL_NAMES.filter((n) => specials[n] !== undefined).map((n) => [n, specials[n]!] as const);
    const maxSize = opts.maxSize ?? Number.POSITIVE_INFINITY;
    if (maxSize !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxSize) || maxSize < specialTokens.length)) {
      throw new ArgumentError(`Vocabulary.build: maxSize must be an integer >= the ${specialTokens.length} specials, got ${maxSize}`);
    }
    const counts = new Map<string, number>();
    for (const seq of data) for (const t of tokensOf(seq, opts.tokenizer, 'Vocabulary.build')) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [, t] of specialTokens) counts.delete(t);
    const kept = [...counts].filter(([, n]) => n >= minFreq).sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    const tokens = [...specialTokens.map(([, t]) => t), ...kept.map(([t]) => t)].slice(0, maxSize);
    const ids = Object.fromEntries(specialTokens.map(([n], i) => [n, i]));
    return new Vocabulary(tokens, { specials: ids, ...(opts.tokenizer ? { tokenizer: opts.tokenizer } : {}) });
  }

  /** Restores a vocabulary from `toJSON`'s form (or its JSON text); FormatError on anything malformed. */
  static fromJSON(json: unknown): Vocabulary {
    let j = json;
    if (typeof j === 'string') {
      try {
        j = JSON.parse(j);
      } catch (e) {
        throw new FormatError(`Vocabulary.fromJSON: not JSON (${(e as Error).message})`);
      }
    }
    if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new FormatError('Vocabulary.fromJSON: expected an object { tokens, specials }');
    const { tokens, specials, tokenizer } = j as Partial<Record<string, unknown>>;
    if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) throw new FormatError('Vocabulary.fromJSON: tokens must be an array of strings');
    if (specials === null || typeof specials !== 'object' || Array.isArray(specials)) throw new FormatError('Vocabulary.fromJSON: specials must be an object of ids');
    for (const [name, id] of Object.entries(specials)) {
      if (!(SPECIAL_NAMES as readonly string[]).includes(name)) throw new FormatError(`Vocabulary.fromJSON: unknown special '${name}' (expected ${SPECIAL_NAMES.join(', ')})`);
      if (typeof id !== 'number') throw new FormatError(`Vocabulary.fromJSON: special '${name}' must be a number, got ${JSON.stringify(id)}`);
    }
    const ids = specials as Partial<Record<SpecialName, number>>;
    checkVocabulary(tokens as string[], ids, FormatError);
    return new Vocabulary(tokens as string[], { specials: ids, ...(tokenizer !== undefined ? { tokenizer: tokenizerFromSpec(tokenizer) } : {}) });
  }

  /** Plain JSON (`VocabularyJSON`): tokens, special ids and the tokeniser's spec. */
  toJSON(): VocabularyJSON {
    return { tokens: [...this.tokens], specials: { ...this.specialIds }, ...(this.tokenizer ? { tokenizer: this.tokenizer.spec } : {}) };
  }

  /** Number of entries, specials included. */
  get size(): number {
    return this.tokens.length;
  }
  /** Id of the padding token (ArgumentError when the vocabulary has none). */
  get padId(): number {
    return this.special('pad');
  }
  /** Id of the begin-of-sequence token (ArgumentError when the vocabulary has none). */
  get bosId(): number {
    return this.special('bos');
  }
  /** Id of the end-of-sequence token (ArgumentError when the vocabulary has none). */
  get eosId(): number {
    return this.special('eos');
  }
  /** Id of the unknown token (ArgumentError when the vocabulary has none). */
  get unkId(): number {
    return this.special('unk');
  }

  /** Whether the vocabulary has the special `name`. */
  hasSpecial(name: SpecialName): boolean {
    return this.specialIds[name] !== undefined;
  }
  /** Whether `id` is one of the specials. */
  isSpecial(id: number): boolean {
    return this.specialSet.has(id);
  }
  /** The id of `token`, or undefined when it is not in the vocabulary. */
  idOf(token: string): number | undefined {
    return this.index.get(token);
  }
  /** The token of `id`; ArgumentError when out of range. */
  tokenOf(id: number): string {
    const t = Number.isInteger(id) ? this.tokens[id] : undefined;
    if (t === undefined) throw new ArgumentError(`Vocabulary: id ${id} is out of range [0, ${this.size})`);
    return t;
  }
  /** The tokens of a string (by the tokeniser) or the array itself. */
  tokenize(seq: string | readonly string[]): readonly string[] {
    return tokensOf(seq, this.tokenizer, 'Vocabulary.tokenize');
  }
  /** True when every token of `seq` is in the vocabulary. */
  covers(seq: string | readonly string[]): boolean {
    return this.tokenize(seq).every((t) => this.index.has(t));
  }

  /** Ids of a sequence; unknown tokens map to unk (ArgumentError naming the token when there is no unk). */
  encode(seq: string | readonly string[]): Int32Array {
    return this.encodeWithReport(seq).ids;
  }

  /** `encode`, also returning the unknown tokens (so that a CLI can say which words it did not know). */
  encodeWithReport(seq: string | readonly string[]): EncodeReport {
    const tokens = this.tokenize(seq);
    const ids = new Int32Array(tokens.length);
    const unknown = new Set<string>();
    let unknownCount = 0;
    for (let i = 0; i < tokens.length; i++) {
      const id = this.index.get(tokens[i]!);
      if (id !== undefined) {
        ids[i] = id;
        continue;
      }
      const unk = this.specialIds.unk;
      if (unk === undefined) throw new ArgumentError(`Vocabulary.encode: unknown token ${JSON.stringify(tokens[i])} and the vocabulary has no unk token`);
      ids[i] = unk;
      unknown.add(tokens[i]!);
      unknownCount++;
    }
    return { ids, unknown: [...unknown], unknownCount };
  }

  /** Tokens of `ids`; `stopAtEos` ends before the first eos, `skipSpecials` drops pad, bos and eos (unk stays). */
  decode(ids: ArrayLike<number>, opts: DecodeOptions = {}): string[] {
    const out: string[] = [];
    const { pad, bos, eos } = this.specialIds;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (opts.stopAtEos && id === eos) break;
      const token = this.tokenOf(id);
      if (opts.skipSpecials && (id === pad || id === bos || id === eos)) continue;
      out.push(token);
    }
    return out;
  }

  /** `decode`, joined into text by the tokeniser (ArgumentError when the vocabulary has none). */
  decodeText(ids: ArrayLike<number>, opts: DecodeOptions = {}): string {
    if (!this.tokenizer) throw new ArgumentError('Vocabulary.decodeText: the vocabulary has no tokenizer (use decode for tokens)');
    return this.tokenizer.detokenize(this.decode(ids, opts));
  }

  /** A padded batch: ids (B,T) or (T,B) int32, lengths (B), mask; see `EncodeBatchOptions`. */
  encodeBatch(seqs: readonly (string | readonly string[])[], opts: EncodeBatchOptions = {}): EncodedBatch {
    return encodeBatch(this, seqs, opts);
  }

  /** Token lists of a batch of ids (B,T) or (T,B) (`layout`), each cut at its length when `lengths` is given. */
  decodeBatch(ids: Tensor, opts: DecodeOptions & { layout?: 'batch-first' | 'time-major'; lengths?: ArrayLike<number> } = {}): string[][] {
    return decodeBatch(this, ids, opts);
  }

  private special(name: SpecialName): number {
    const id = this.specialIds[name];
    if (id === undefined) throw new ArgumentError(`Vocabulary: this vocabulary has no ${name} token`);
    return id;
  }
}

function tokensOf(seq: string | readonly string[], tokenizer: Tokenizer | undefined, op: string): readonly string[] {
  if (typeof seq !== 'string') {
    if (!Array.isArray(seq)) throw new ArgumentError(`${op}: expected a string or an array of tokens, got ${typeof seq}`);
    return seq;
  }
  if (!tokenizer) throw new ArgumentError(`${op}: got a string but the vocabulary has no tokenizer (pass an array of tokens)`);
  return tokenizer.tokenize(seq);
}

function checkVocabulary(tokens: readonly string[], specials: Partial<Record<SpecialName, number>>, E: new (m: string) => UnrollError): void {
  const seen = new Map<string, number>();
  tokens.forEach((t, i) => {
    const first = seen.get(t);
    if (first !== undefined) throw new E(`Vocabulary: duplicate token ${JSON.stringify(t)} at ids ${first} and ${i}`);
    seen.set(t, i);
  });
  const used = new Map<number, string>();
  for (const [name, id] of Object.entries(specials)) {
    if (id === undefined) continue;
    if (!Number.isInteger(id) || id < 0 || id >= tokens.length) throw new E(`Vocabulary: special '${name}' id ${id} is out of range [0, ${tokens.length})`);
    const other = used.get(id);
    if (other !== undefined) throw new E(`Vocabulary: specials '${other}' and '${name}' share id ${id}`);
    used.set(id, name);
  }
}

/** Orders strings by Unicode code points (JS's `<` compares UTF-16 units, which differs above U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
