import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FormatError } from '@unroll/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { readTextCorpus } from './text.js';

const dir = mkdtempSync(join(tmpdir(), 'unroll-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('readTextCorpus', () => {
  it('reads UTF-8 text, multi-byte characters included', async () => {
    const content = 'Héllo wörld — 😀\nsecond line\n';
    expect(await readTextCorpus(file('ok.txt', content))).toBe(content);
  });

  it('strips a leading byte-order mark (only the leading one)', async () => {
    const p = file('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('abc\uFEFFdef', 'utf8')]));
    expect(await readTextCorpus(p)).toBe('abc\uFEFFdef');
  });

  it('refuses a missing file, naming it', async () => {
    const p = join(dir, 'missing.txt');
    await expect(readTextCorpus(p)).rejects.toThrow(ArgumentError);
    await expect(readTextCorpus(p)).rejects.toThrow(/missing\.txt.*no such file/);
  });

  it('refuses a directory', async () => {
    const p = join(dir, 'a-directory');
    mkdirSync(p);
    await expect(readTextCorpus(p)).rejects.toThrow(ArgumentError);
    await expect(readTextCorpus(p)).rejects.toThrow(/a-directory/);
  });

  it('refuses an empty file', async () => {
    const p = file('empty.txt', '');
    await expect(readTextCorpus(p)).rejects.toThrow(FormatError);
    await expect(readTextCorpus(p)).rejects.toThrow(/empty\.txt.*empty/);
  });

  it('refuses a binary file (NUL bytes)', async () => {
    const p = file('binary.bin', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00]));
    await expect(readTextCorpus(p)).rejects.toThrow(FormatError);
    await expect(readTextCorpus(p)).rejects.toThrow(/binary\.bin.*binary/);
    // a single NUL inside otherwise valid text is enough
    await expect(readTextCorpus(file('nul.txt', 'hello\u0000world'))).rejects.toThrow(FormatError);
  });

  it('refuses invalid UTF-8', async () => {
    // Latin-1 'café' (0xe9 alone), a lone continuation byte, a truncated sequence, an overlong encoding
    for (const [name, bytes] of [
      ['latin1.txt', [0x63, 0x61, 0x66, 0xe9, 0x0a]],
      ['continuation.txt', [0x61, 0x80, 0x62]],
      ['truncated.txt', [0x61, 0xe2, 0x82]],
      ['overlong.txt', [0xc0, 0xaf]],
    ] as const) {
      const p = file(name, Uint8Array.from(bytes));
      await expect(readTextCorpus(p), name).rejects.toThrow(FormatError);
      await expect(readTextCorpus(p), name).rejects.toThrow(/not valid UTF-8/);
    }
  });
});
