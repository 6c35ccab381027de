import { ArgumentError } from '@unroll/tensor';

/** Index 0 of every vocabulary: characters never seen in the training corpus map here. */
export const UNK_INDEX = 0;
/** How the unknown entry prints (U+FFFD, the replacement character). */
export const UNK_CHAR = '\uFFFD';

/**
 * Character vocabulary built from a corpus (Unicode code points, so emoji and accents count as
 * one character each).
 *
 * Unknown-character policy: index 0 is reserved for characters absent from the training corpus.
 * Encoding an unseen character never throws: it becomes index 0 and counts in evaluation as a
 * prediction of the unknown class (which the model learns is rare). Sampling never produces it:
 * its logit is masked out.
 *
 * @example
 * ```ts
 * import { CharVocab } from '@unroll/tasks';
 * const v = CharVocab.fromText('hello');
 * v.encode('hole!');             // Int32Array [h, o, l, e, 0]  ('!' is unknown)
 * v.decode(v.encode('hello'));   // 'hello'
 * ```
 */
export class CharVocab {
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    if (chars[0] !== UNK_CHAR) throw new ArgumentError('CharVocab: the first entry must be the unknown character U+FFFD');
    this.chars = chars;
    this.index = new Map(chars.map((c, i) => [c, i]));
    if (this.index.size !== chars.length) throw new ArgumentError('CharVocab: characters must be unique');
  }

  /** The sorted set of characters of `text`, after the unknown entry. */
  static fromText(text: string): CharVocab {
    const set = new Set(Array.from(text));
    set.delete(UNK_CHAR);
    return new CharVocab([UNK_CHAR, ...[...set].sort()]);
  }

  /** Number of entries, the unknown one included. */
  get size(): number {
    return this.chars.length;
  }

  /** Character ids of a text; unseen characters become UNK_INDEX. */
  encode(text: string): Int32Array {
    const cs = Array.from(text);
    const out = new Int32Array(cs.length);
    for (let i = 0; i < cs.length; i++) out[i] = this.index.get(cs[i]!) ?? UNK_INDEX;
    return out;
  }

  /** Text of character ids. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]!] ?? UNK_CHAR;
    return s;
  }

  /** True when every character of `text` is known. */
  covers(text: string): boolean {
    return Array.from(text).every((c) => this.index.has(c));
  }

  toJSON(): string[] {
    return [...this.chars];
  }
}
