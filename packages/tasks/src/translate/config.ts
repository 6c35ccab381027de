import type { RecurrentCell } from '@unroll/seq2seq';
import { ArgumentError, checkPositiveInt } from '@unroll/tensor';

/**
 * How a side of a pair becomes tokens: `char` (characters: cmudict spellings), `word` (words and
 * punctuation, lower-cased: emoji names, TSV sentences), `space` (split on whitespace, kept as
 * written: ARPAbet phonemes with their stress digits, `HH AH0 L OW1`).
 */
export type TranslateTokens = 'char' | 'word' | 'space';

/** How outputs are scored: `bleu` (corpus BLEU-4) or `phonemes` (PER and WER, stress kept and stripped). */
export type TranslateMetric = 'bleu' | 'phonemes';

/** The translate task's configuration, saved in its checkpoints. */
export interface TranslateConfig {
  /** The data set's name, so that `eval` and `--resume` can reload it (`cmudict`, `emoji-fr`, a file path...). */
  data: string;
  source: TranslateTokens;
  target: TranslateTokens;
  metric: TranslateMetric;
  /** Vocabularies (built from the train split): keep tokens seen at least this often, and at most this many entries. */
  minFreq: number;
  maxSize: number;
  /** The model. */
  attention: 'none' | 'additive' | 'dot' | 'general';
  embeddingSize: number;
  hiddenSize: number;
  cell: RecurrentCell;
  layers: number;
  bidirectional: boolean;
  /** Training. */
  batch: number;
  lr: number;
  clip: number;
  labelSmoothing: number;
  warmup: number;
  /** Steps of the whole run, for the cosine schedule (0: the schedule follows a minutes budget instead). */
  totalSteps: number;
  seed: number;
  /** Validate every this many steps, on at most `valLimit` validation pairs. */
  validateEvery: number;
  valLimit: number;
}

/** Defaults: a 1-layer LSTM encoder-decoder (embedding 64, hidden 128) with additive attention, Adam 3e-3, batch 64. @example `DEFAULT_TRANSLATE_CONFIG.attention // 'additive'` */
export const DEFAULT_TRANSLATE_CONFIG: TranslateConfig = {
  data: 'pairs', source: 'word', target: 'word', metric: 'bleu', minFreq: 1, maxSize: 50_000,
  attention: 'additive', embeddingSize: 64, hiddenSize: 128, cell: 'lstm', layers: 1, bidirectional: false,
  batch: 64, lr: 3e-3, clip: 1, labelSmoothing: 0, warmup: 100, totalSteps: 0, seed: 0, validateEvery: 200, valLimit: 500,
};

/** The tokenisation and metric of the named data sets: cmudict (characters -> phonemes), anything else words -> words with BLEU. @example `dataDefaults('cmudict') // { data: 'cmudict', source: 'char', target: 'space', metric: 'phonemes' }` */
export function dataDefaults(data: string): Pick<TranslateConfig, 'data' | 'source' | 'target' | 'metric'> {
  return data === 'cmudict' ? { data, source: 'char', target: 'space', metric: 'phonemes' } : { data, source: 'word', target: 'word', metric: 'bleu' };
}

const ONE_OF: Partial<Record<keyof TranslateConfig, readonly string[]>> = {
  source: ['char', 'word', 'space'], target: ['char', 'word', 'space'], metric: ['bleu', 'phonemes'],
  attention: ['none', 'additive', 'dot', 'general'], cell: ['lstm', 'gru', 'rnn'],
};
const POSITIVE_INT = ['minFreq', 'maxSize', 'embeddingSize', 'hiddenSize', 'layers', 'batch', 'validateEvery', 'valLimit'] as const;

/**
 * The defaults with `overrides` applied, checked: ArgumentError naming the first bad field.
 *
 * @example
 * ```ts
 * import { resolveTranslateConfig } from '@unroll/tasks';
 * resolveTranslateConfig({ data: 'cmudict', source: 'char', target: 'space', attention: 'dot' }).hiddenSize; // 128
 * ```
 */
export function resolveTranslateConfig(overrides: Partial<TranslateConfig> = {}): TranslateConfig {
  const defined = Object.fromEntries(Object.entries(overrides ?? {}).filter(([, v]) => v !== undefined));
  const c = { ...DEFAULT_TRANSLATE_CONFIG, ...defined } as TranslateConfig;
  for (const [key, words] of Object.entries(ONE_OF)) {
    const v = c[key as keyof TranslateConfig];
    if (!words!.includes(v as string)) throw new ArgumentError(`translate: ${key} must be one of ${words!.join(', ')}, got ${JSON.stringify(v)}`);
  }
  for (const key of POSITIVE_INT) checkPositiveInt('translate', key, c[key]);
  for (const key of ['totalSteps', 'warmup', 'seed'] as const) {
    if (!Number.isSafeInteger(c[key]) || c[key] < 0) throw new ArgumentError(`translate: ${key} must be a non-negative integer, got ${c[key]}`);
  }
  if (!(c.lr > 0 && Number.isFinite(c.lr))) throw new ArgumentError(`translate: lr must be a positive number, got ${c.lr}`);
  if (!(c.clip >= 0 && Number.isFinite(c.clip))) throw new ArgumentError(`translate: clip must be a non-negative number, got ${c.clip}`);
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing < 1)) throw new ArgumentError(`translate: labelSmoothing must be in [0, 1), got ${c.labelSmoothing}`);
  if (typeof c.bidirectional !== 'boolean') throw new ArgumentError(`translate: bidirectional must be true or false, got ${String(c.bidirectional)}`);
  if (typeof c.data !== 'string' || c.data === '') throw new ArgumentError('translate: data must name the data set');
  if (c.totalSteps > 0 && c.totalSteps <= c.warmup) c.warmup = Math.floor(c.totalSteps / 10);
  return c;
}
