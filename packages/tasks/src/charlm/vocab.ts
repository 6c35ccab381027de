import { Vocabulary } from '@unroll/seq2seq';
import { FormatError } from '@unroll/tensor';

/** Index 0 of every char vocabulary: characters never seen in the training corpus map here. */
export const UNK_INDEX = 0;
/** How the unknown entry prints (U+FFFD, the replacement character). */
export const UNK_CHAR = '\uFFFD';

/**
 * The char model's vocabulary is a `Vocabulary` of `@unroll/seq2seq` (this alias only keeps the
 * name): a character tokenizer (Unicode code points, so emoji and accents count as one character
 * each), one special, unk = U+FFFD at id 0, and no pad, bos or eos (the model reads a stream).
 *
 * Unknown-character policy: encoding a character absent from the training corpus never throws: it
 * becomes id 0 (`encodeWithReport` lists such characters) and counts in evaluation as a prediction
 * of the unknown class. Sampling never produces it: its logit is masked out.
 *
 * @example
 * ```ts
 * import { CharVocab } from '@unroll/tasks';
 * const v = CharVocab.fromText('hello');
 * v.tokens;                        // ['\uFFFD', 'e', 'h', 'l', 'o']
 * v.encode('hole!');               // Int32Array [2, 4, 3, 1, 0]  ('!' is unknown)
 * v.decodeText(v.encode('hello')); // 'hello'
 * ```
 */
export type CharVocab = Vocabulary;

/**
 * Builds and reads the char model's vocabulary (see the `CharVocab` type).
 *
 * - `fromText(text)`: U+FFFD first, then the distinct characters of `text` sorted by UTF-16 code
 *   units (`Array.prototype.sort`; the order every charlm checkpoint so far used, so ids do not change).
 * - `fromChars(chars)`: exactly these characters as ids, `chars[0]` must be U+FFFD, each entry one
 *   code point, no duplicates (FormatError otherwise: it reads checkpoints).
 * - `fromJSON(json)`: what a charlm checkpoint stores: the array of characters (`toJSON`'s form,
 *   written by every charlm checkpoint, old and new) or a `Vocabulary` JSON object with unk at 0.
 * - `toJSON(vocab)`: the array of characters.
 *
 * @example
 * ```ts
 * import { CharVocab } from '@unroll/tasks';
 * const v = CharVocab.fromText('abc');
 * CharVocab.toJSON(v);                                  // ['\uFFFD', 'a', 'b', 'c']
 * CharVocab.fromJSON(['\uFFFD', 'a', 'b', 'c']).size;   // 4
 * ```
 */
export const CharVocab = {
  fromText(text: string): Vocabulary {
    const set = new Set(Array.from(text));
    set.delete(UNK_CHAR);
    return CharVocab.fromChars([UNK_CHAR, ...[...set].sort()]);
  },

  fromChars(chars: readonly string[]): Vocabulary {
    if (chars[0] !== UNK_CHAR) throw new FormatError(`CharVocab: the first entry must be the unknown character U+FFFD, got ${JSON.stringify(chars[0])}`);
    const bad = chars.find((c) => typeof c !== 'string' || Array.from(c).length !== 1);
    if (bad !== undefined) throw new FormatError(`CharVocab: every entry must be one character (code point), got ${JSON.stringify(bad)}`);
    return Vocabulary.fromJSON({ tokens: [...chars], specials: { unk: UNK_INDEX }, tokenizer: { kind: 'char' } });
  },

  fromJSON(json: unknown): Vocabulary {
    if (Array.isArray(json)) return CharVocab.fromChars(json as string[]);
    const v = Vocabulary.fromJSON(json);
    if (v.specialIds.unk !== UNK_INDEX || v.tokenizer?.spec.kind !== 'char') {
      throw new FormatError('CharVocab: a char vocabulary needs unk at id 0 and a char tokenizer');
    }
    return CharVocab.fromChars(v.tokens);
  },

  toJSON(vocab: Vocabulary): string[] {
    return [...vocab.tokens];
  },
};
