import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FormatError } from '@unroll/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTsvPairs, readTsvPairs } from './tsv.js';

const dir = mkdtempSync(join(tmpdir(), 'unroll-tsv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('parseTsvPairs', () => {
  it('reads source and target, ignoring further columns (Tatoeba attribution)', () => {
    const text = 'Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM)\nWho?\tQui ?\n';
    expect(parseTsvPairs(text)).toEqual([
      { source: 'Go.', target: 'Va !' },
      { source: 'Who?', target: 'Qui ?' },
    ]);
  });

  it('handles a byte-order mark, CRLF, blank lines and a missing final newline', () => {
    const text = '\uFEFFHi.\tSalut.\r\n\r\n   \r\nRun!\tCours !\r\nWow!\tÇa alors !';
    expect(parseTsvPairs(text)).toEqual([
      { source: 'Hi.', target: 'Salut.' },
      { source: 'Run!', target: 'Cours !' },
      { source: 'Wow!', target: 'Ça alors !' },
    ]);
  });

  it('trims the fields but keeps inner spaces', () => {
    expect(parseTsvPairs('  I see.  \t  Je  vois.  \n')).toEqual([{ source: 'I see.', target: 'Je  vois.' }]);
  });

  it('refuses a line without a tab, naming the source and the line number', () => {
    const text = 'Hi.\tSalut.\n\nno tab here\nRun!\tCours !\n';
    expect(() => parseTsvPairs(text, 'fra.txt')).toThrow(FormatError);
    expect(() => parseTsvPairs(text, 'fra.txt')).toThrow(/fra\.txt line 3: no tab.*'no tab here'/);
  });

  it('refuses an empty source or target', () => {
    expect(() => parseTsvPairs('a\tb\n\tb\n', 'x.tsv')).toThrow(/x\.tsv line 2: the source .* is empty/);
    expect(() => parseTsvPairs('a\t  \tattribution\n', 'x.tsv')).toThrow(/x\.tsv line 1: the target .* is empty/);
  });

  it('refuses text with no pairs', () => {
    expect(() => parseTsvPairs('\n \r\n', 'blank.tsv')).toThrow(FormatError);
    expect(() => parseTsvPairs('\n \r\n', 'blank.tsv')).toThrow(/blank\.tsv contains no sentence pairs/);
  });
});

describe('readTsvPairs', () => {
  it('reads a file with a BOM and CRLF line endings', async () => {
    const p = file('pairs.tsv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Thanks.\tGracias.\r\nHello.\tHola.\r\n', 'utf8')]));
    expect(await readTsvPairs(p)).toEqual([
      { source: 'Thanks.', target: 'Gracias.' },
      { source: 'Hello.', target: 'Hola.' },
    ]);
  });

  it('names the file and the line of a line without a tab', async () => {
    const p = file('broken.tsv', 'Hello.\tHallo.\r\nGood morning. Guten Morgen.\r\n');
    await expect(readTsvPairs(p)).rejects.toThrow(FormatError);
    await expect(readTsvPairs(p)).rejects.toThrow(/broken\.tsv' line 2: no tab/);
  });

  it('refuses a missing or empty file as readTextCorpus does', async () => {
    await expect(readTsvPairs(join(dir, 'missing.tsv'))).rejects.toThrow(ArgumentError);
    await expect(readTsvPairs(file('empty.tsv', ''))).rejects.toThrow(/empty\.tsv' is empty/);
  });
});
