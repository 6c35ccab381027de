import { FormatError } from '@unroll/tensor';
import { readTextCorpus } from './text.js';

/** One source sentence and its translation. */
export interface TextPair {
  source: string;
  target: string;
}

/**
 * Parses tab-separated sentence pairs, the Tatoeba / Anki export format: one pair per line,
 * `source<TAB>target`, further tab-separated columns (Tatoeba's attribution) ignored. Blank lines
 * are skipped; a leading byte-order mark and CRLF line endings are handled; each field is trimmed
 * of surrounding whitespace. A line without a tab, or with an empty source or target, is a
 * `FormatError` naming `name` and the 1-based line number; so is text with no pairs at all.
 *
 * @example
 * ```ts
 * import { parseTsvPairs } from '@unroll/datasets';
 * parseTsvPairs('Go.\tVa !\tCC-BY 2.0 (France)\r\nHi.\tSalut !\r\n', 'fra.txt');
 * // [{ source: 'Go.', target: 'Va !' }, { source: 'Hi.', target: 'Salut !' }]
 * ```
 */
export function parseTsvPairs(text: string, name = 'TSV text'): TextPair[] {
  const pairs: TextPair[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    const where = `${name} line ${i + 1}`;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new FormatError(`${where}: no tab; expected 'source<TAB>target', got '${preview(line)}'`);
    const source = line.slice(0, tab).trim();
    const rest = line.slice(tab + 1);
    const next = rest.indexOf('\t');
    const target = (next < 0 ? rest : rest.slice(0, next)).trim();
    if (source === '') throw new FormatError(`${where}: the source (before the first tab) is empty`);
    if (target === '') throw new FormatError(`${where}: the target (after the first tab) is empty`);
    pairs.push({ source, target });
  }
  if (pairs.length === 0) throw new FormatError(`${name} contains no sentence pairs (only blank lines)`);
  return pairs;
}

/**
 * Reads a file of tab-separated sentence pairs (see `parseTsvPairs` for the format and the
 * errors), refusing a missing, empty, binary or non-UTF-8 file as `readTextCorpus` does.
 *
 * @example
 * ```ts
 * import { readTsvPairs } from '@unroll/datasets';
 * const pairs = await readTsvPairs('fra.txt'); // [{ source: 'Go.', target: 'Va !' }, ...]
 * ```
 */
export async function readTsvPairs(path: string): Promise<TextPair[]> {
  return parseTsvPairs(await readTextCorpus(path), `'${path}'`);
}

function preview(line: string): string {
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}
