import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgumentError, FormatError } from '@unroll/tensor';
import { packageDataPath } from './package-data.js';
import type { TextPair } from './tsv.js';

/** The fields of an `emojibase-data` entry (`<locale>/data.json`) that the pairs use. */
export interface EmojibaseEntry {
  hexcode: string;
  label?: string;
  emoji?: string;
  skins?: EmojibaseEntry[];
}

/** An emoji's name in two languages, e.g. `{ source: 'grinning face', target: 'visage rieur' }`. */
export interface EmojiPair extends TextPair {
  /** The emoji's code points, the join key (`'1F600'`; skin variants `'1F44B-1F3FB'`). */
  hexcode: string;
  emoji: string;
}

/** Options of `loadEmojiPairs` and `joinEmojiLabels`. */
export interface EmojiPairOptions {
  /** Also pair the skin-tone variants (`'waving hand: light skin tone'`), about 2,000 more. Default false. */
  skins?: boolean;
}

/**
 * Joins two locales' emoji entries on `hexcode` into name pairs, in the source's order. Dropped:
 * an emoji without a (non-blank) label in either locale, one missing from the target, and a pair
 * whose source and target repeat an earlier pair exactly. Kept: a source label that is
 * spelled the same in both languages (`'robot'`), and one target shared by two sources (French
 * `'trombone'` is both the paperclip and the instrument). Skin-tone variants only with
 * `skins: true`.
 *
 * @example
 * ```ts
 * import { joinEmojiLabels } from '@unroll/datasets';
 * joinEmojiLabels([{ hexcode: '1F600', label: 'grinning face', emoji: '😀' }], [{ hexcode: '1F600', label: 'visage rieur' }]);
 * // [{ hexcode: '1F600', emoji: '😀', source: 'grinning face', target: 'visage rieur' }]
 * ```
 */
export function joinEmojiLabels(source: readonly EmojibaseEntry[], target: readonly EmojibaseEntry[], options: EmojiPairOptions = {}): EmojiPair[] {
  const flat = (entries: readonly EmojibaseEntry[]) => (options.skins ? entries.flatMap((e) => [e, ...(e.skins ?? [])]) : entries);
  const targetLabels = new Map<string, string>();
  for (const e of flat(target)) {
    const label = e.label?.trim();
    if (label) targetLabels.set(e.hexcode, label);
  }
  const seen = new Set<string>();
  const pairs: EmojiPair[] = [];
  for (const e of flat(source)) {
    const src = e.label?.trim();
    const tgt = targetLabels.get(e.hexcode);
    if (!src || !tgt) continue;
    const key = `${src}\t${tgt}`;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push({ hexcode: e.hexcode, emoji: e.emoji ?? '', source: src, target: tgt });
  }
  return pairs;
}

/**
 * Emoji and symbol names as a small real translation set, from the `emojibase-data` package
 * (MIT; Unicode CLDR names): English against another locale (`'fr'`, `'es'`, `'de'`, …, any
 * folder of the package with a `data.json`), 1,949 pairs per language in emojibase-data 17
 * (3,979 with `skins: true`). See `joinEmojiLabels` for what is filtered. Key splits by
 * `hexcode` (or `source`) with `splitByKey`.
 *
 * @example
 * ```ts
 * import { loadEmojiPairs } from '@unroll/datasets';
 * const pairs = await loadEmojiPairs('fr');
 * // [{ hexcode: '1F1E6', emoji: '🇦', source: 'regional indicator A', target: 'indicateur régional A' }, ...]
 * ```
 */
export async function loadEmojiPairs(target: string, options: EmojiPairOptions & { source?: string } = {}): Promise<EmojiPair[]> {
  const source = options.source ?? 'en';
  const [src, tgt] = await Promise.all([readLocale(source), readLocale(target)]);
  return joinEmojiLabels(src, tgt, options);
}

/**
 * The locales `emojibase-data` has names for (`['bn', 'da', 'de', 'en', ...]`).
 *
 * @example
 * ```ts
 * import { emojiLocales } from '@unroll/datasets';
 * emojiLocales().includes('fr'); // true
 * ```
 */
export function emojiLocales(): string[] {
  const root = packageDataPath('emojibase-data');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'data.json')))
    .map((d) => d.name)
    .sort();
}

async function readLocale(locale: string): Promise<EmojibaseEntry[]> {
  const known = emojiLocales();
  if (!known.includes(locale)) throw new ArgumentError(`loadEmojiPairs: unknown emoji locale '${locale}'; emojibase-data has ${known.join(', ')}`);
  const path = packageDataPath('emojibase-data', locale, 'data.json');
  const data: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!Array.isArray(data)) throw new FormatError(`loadEmojiPairs: '${path}' is not a JSON array of emoji entries`);
  return data as EmojibaseEntry[];
}
