import { FormatError } from '@unroll/tensor';

/** What a tokeniser is, as plain JSON (stored with a vocabulary in a checkpoint). @example `wordTokenizer().spec // { kind: 'word', lowercase: false }` */
export type TokenizerSpec = { kind: 'char' } | { kind: 'word'; lowercase: boolean } | { kind: 'identity' };

/**
 * Splits text into tokens and joins tokens back into text.
 *
 * @example
 * ```ts
 * import { wordTokenizer } from '@unroll/seq2seq';
 * const t = wordTokenizer({ lowercase: true });
 * t.tokenize('Hello, world!');          // ['hello', ',', 'world', '!']
 * t.detokenize(['hello', 'world']);      // 'hello world'
 * t.spec;                                // { kind: 'word', lowercase: true }
 * ```
 */
export interface Tokenizer {
  readonly spec: TokenizerSpec;
  tokenize(text: string): string[];
  detokenize(tokens: readonly string[]): string;
}

/**
 * Character tokeniser: one token per Unicode code point (an emoji outside the BMP is one token,
 * not two UTF-16 units); `detokenize` concatenates.
 *
 * @example
 * ```ts
 * import { charTokenizer } from '@unroll/seq2seq';
 * charTokenizer().tokenize('é😀');   // ['é', '😀'] (the emoji is a surrogate pair in UTF-16)
 * ```
 */
export function charTokenizer(): Tokenizer {
  return { spec: { kind: 'char' }, tokenize: (text) => Array.from(text), detokenize: (tokens) => tokens.join('') };
}

// a word: letters, digits and combining marks, with inner apostrophes (don't, l'eau); anything else
// that is not whitespace is a token of its own (punctuation, symbols, emoji)
const WORD = /[\p{L}\p{N}\p{M}]+(?:['\u2019][\p{L}\p{N}\p{M}]+)*|[^\s\p{L}\p{N}\p{M}]/gu;

/**
 * Word tokeniser: splits on whitespace and splits off punctuation and symbols, one token per
 * punctuation character (`"don't"` and `"l'eau"` stay one word); `lowercase` (default false) lowers
 * the case first. `detokenize` joins with single spaces (so `"Hi, you"` comes back as `"Hi , you"`).
 *
 * @example
 * ```ts
 * import { wordTokenizer } from '@unroll/seq2seq';
 * wordTokenizer().tokenize("Don't panic... now!");   // ["Don't", 'panic', '.', '.', '.', 'now', '!']
 * ```
 */
export function wordTokenizer(opts: { lowercase?: boolean } = {}): Tokenizer {
  const lowercase = opts.lowercase ?? false;
  return {
    spec: { kind: 'word', lowercase },
    tokenize: (text) => (lowercase ? text.toLowerCase() : text).match(WORD) ?? [],
    detokenize: (tokens) => tokens.join(' '),
  };
}

/**
 * Identity tokeniser for text that is already split into tokens separated by whitespace (ARPAbet
 * phonemes such as `'HH AH0 L OW1'`); pass a `string[]` to a vocabulary to skip tokenising altogether.
 *
 * @example
 * ```ts
 * import { identityTokenizer } from '@unroll/seq2seq';
 * identityTokenizer().tokenize(' HH  AH0 L OW1 ');   // ['HH', 'AH0', 'L', 'OW1']
 * ```
 */
export function identityTokenizer(): Tokenizer {
  return {
    spec: { kind: 'identity' },
    tokenize: (text) => text.split(/\s+/u).filter((t) => t.length > 0),
    detokenize: (tokens) => tokens.join(' '),
  };
}

/**
 * The tokeniser a spec describes (as read from a checkpoint); FormatError when it is not one.
 *
 * @example
 * ```ts
 * import { tokenizerFromSpec } from '@unroll/seq2seq';
 * tokenizerFromSpec({ kind: 'word', lowercase: true }).tokenize('A b');   // ['a', 'b']
 * ```
 */
export function tokenizerFromSpec(spec: unknown): Tokenizer {
  const s = spec as Partial<Record<string, unknown>> | null;
  if (s === null || typeof s !== 'object') throw new FormatError(`tokenizer: expected an object { kind }, got ${JSON.stringify(spec)}`);
  switch (s.kind) {
    case 'char':
      return charTokenizer();
    case 'identity':
      return identityTokenizer();
    case 'word':
      if (typeof s.lowercase !== 'boolean') throw new FormatError(`tokenizer: a word tokenizer needs a boolean 'lowercase', got ${JSON.stringify(s.lowercase)}`);
      return wordTokenizer({ lowercase: s.lowercase });
    default:
      throw new FormatError(`tokenizer: unknown kind ${JSON.stringify(s.kind)} (expected 'char', 'word' or 'identity')`);
  }
}
