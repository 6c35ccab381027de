import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { CharVocab, UNK_CHAR, UNK_INDEX } from './vocab.js';

describe('CharVocab', () => {
  it('round-trips the text it was built from', () => {
    const text = 'Call me Ishmael. Some years ago—never mind how long precisely...\n\tÉté, naïve café';
    const v = CharVocab.fromText(text);
    expect(v.decode(v.encode(text))).toBe(text);
    expect(v.covers(text)).toBe(true);
    // every known character maps to a non-zero id
    expect(Array.from(v.encode(text)).every((id) => id > 0 && id < v.size)).toBe(true);
  });

  it('reserves index 0 for the unknown character', () => {
    const v = CharVocab.fromText('hello');
    expect(UNK_INDEX).toBe(0);
    expect(v.chars[0]).toBe(UNK_CHAR);
    expect(v.size).toBe(1 + 4); // unk, e, h, l, o
  });

  it('maps unseen characters to index 0 without throwing', () => {
    const v = CharVocab.fromText('hello');
    let ids: Int32Array | undefined;
    expect(() => { ids = v.encode('hole!\u0000😀Z'); }).not.toThrow();
    expect(Array.from(ids!)).toEqual([v.encode('h')[0], v.encode('o')[0], v.encode('l')[0], v.encode('e')[0], 0, 0, 0, 0]);
    expect(v.decode(ids!)).toBe(`hole${UNK_CHAR.repeat(4)}`);
    expect(v.covers('hole!')).toBe(false);
    // ids out of range decode as the unknown character rather than throwing
    expect(v.decode([99, -1])).toBe(UNK_CHAR + UNK_CHAR);
  });

  it('the replacement character in a corpus is not a second entry', () => {
    const v = CharVocab.fromText(`a${UNK_CHAR}b`);
    expect(v.chars).toEqual([UNK_CHAR, 'a', 'b']);
    expect(Array.from(v.encode(`a${UNK_CHAR}b`))).toEqual([1, 0, 2]);
  });

  it('counts code points: an emoji (surrogate pair) is one character', () => {
    const text = 'a😀b😀';
    expect(text.length).toBe(6); // UTF-16 units
    const v = CharVocab.fromText(text);
    expect(v.size).toBe(4); // unk, a, b, 😀
    const ids = v.encode(text);
    expect(ids.length).toBe(4);
    expect(ids[1]).toBe(ids[3]);
    expect(v.decode(ids)).toBe(text);
    expect(v.chars).toContain('😀');
    // a lone surrogate-pair half is never produced
    expect(v.chars.every((c) => Array.from(c).length === 1)).toBe(true);
  });

  it('orders characters stably (sorted, independent of first occurrence)', () => {
    const a = CharVocab.fromText('zyxabc cba');
    const b = CharVocab.fromText('abc xyz zz');
    expect(a.chars).toEqual(b.chars);
    expect(a.chars).toEqual([UNK_CHAR, ' ', 'a', 'b', 'c', 'x', 'y', 'z']);
    expect(CharVocab.fromText('zyxabc cba').toJSON()).toEqual(a.toJSON());
  });

  it('survives a JSON round trip through toJSON / constructor', () => {
    const v = CharVocab.fromText('the quick brown fox 😀');
    const w = new CharVocab(JSON.parse(JSON.stringify(v)) as string[]);
    expect(w.chars).toEqual(v.chars);
    expect(Array.from(w.encode('fox 😀'))).toEqual(Array.from(v.encode('fox 😀')));
  });

  it('rejects invalid vocabularies', () => {
    expect(() => new CharVocab(['a', 'b'])).toThrow(ArgumentError);
    expect(() => new CharVocab([UNK_CHAR, 'a', 'a'])).toThrow(ArgumentError);
  });

  it('handles empty text', () => {
    const v = CharVocab.fromText('');
    expect(v.size).toBe(1);
    expect(v.encode('').length).toBe(0);
    expect(Array.from(v.encode('x'))).toEqual([0]);
  });
});
