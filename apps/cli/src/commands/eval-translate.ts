import { evaluateTranslate, loadTranslate, type TranslateScores } from '@unroll/tasks';
import { printJson, withCheckpoint } from '../io.js';
import { loadTranslateData } from './train-translate.js';

const pct = (x: number | undefined): string => `${(100 * (x ?? Number.NaN)).toFixed(2)}%`;

/** One line of scores: `BLEU 23.10` or `PER 8.12% WER 35.00% (stress stripped: PER 7.01% WER 31.20%)`. */
export function formatScores(s: TranslateScores): string {
  if (s.bleu !== undefined) return `BLEU ${(100 * s.bleu).toFixed(2)}`;
  return `PER ${pct(s.per)} WER ${pct(s.wer)} (stress stripped: PER ${pct(s.perNoStress)} WER ${pct(s.werNoStress)})`;
}

/** The parsed flags of `unroll eval` on a translate checkpoint. */
export interface EvalTranslateFlags {
  split?: string;
  beam?: number;
  limit?: number;
  print?: boolean;
  json?: boolean;
}

/**
 * `unroll eval CKPT` for a translate checkpoint: greedy (or beam) outputs of a split of the
 * checkpoint's data set, scored with BLEU or PER/WER. `--print` first prints each example as
 * `source<TAB>output<TAB>reference | reference...`.
 */
export async function evalTranslate(ckpt: string, flags: EvalTranslateFlags): Promise<void> {
  const m = await withCheckpoint(ckpt, loadTranslate);
  const split = flags.split ?? 'val';
  const splits = await loadTranslateData(m.config.data);
  const all = split === 'test' ? splits.test : splits.val;
  const examples = flags.limit === undefined ? all : all.slice(0, flags.limit);
  const beam = flags.beam ?? 1;
  const { scores, outputs } = evaluateTranslate(m, examples, { beam });
  if (flags.print) {
    const lines = outputs.map((o, i) => `${examples[i]!.source}\t${o.text}\t${examples[i]!.references.join(' | ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  const decoding = beam === 1 ? 'greedy' : `beam ${beam}`;
  if (flags.json) printJson({ data: m.config.data, split, decoding, ...scores });
  else process.stdout.write(`${m.config.data} ${split} (${scores.count} examples, ${decoding}): ${formatScores(scores)}\n`);
}
