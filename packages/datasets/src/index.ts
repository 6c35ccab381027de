/**
 * @unroll/datasets (Node only): real corpora from installed npm packages (nothing is downloaded
 * at run time), readers for users' own text and sentence pairs, and deterministic splits.
 *
 * @example
 * ```ts
 * import { loadEmojiPairs, splitByKey } from '@unroll/datasets';
 * const { train, val, test } = splitByKey(await loadEmojiPairs('fr'), (p) => p.hexcode, { val: 0.1, test: 0.1 });
 * ```
 */
export { type CmudictEntry, loadCmudict, parseCmudict, stripStress } from './cmudict.js';
export { type EmojibaseEntry, type EmojiPair, type EmojiPairOptions, emojiLocales, joinEmojiLabels, loadEmojiPairs } from './emoji.js';
export { loadMobyDick } from './moby-dick.js';
export { packageDataPath } from './package-data.js';
export { fnv1a32, keyFraction, type SplitName, type SplitOptions, type Splits, splitByKey, splitOf } from './split.js';
export { readTextCorpus } from './text.js';
export { parseTsvPairs, readTsvPairs, type TextPair } from './tsv.js';
