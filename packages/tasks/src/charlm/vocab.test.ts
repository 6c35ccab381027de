import { readFileSync } from 'node:fs';
import { decodeCheckpoint } from '@unroll/autograd';
import { Vocabulary } from '@unroll/seq2seq';
import { ArgumentError, FormatError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { loadCharLM } from './trainer.js';
import { CharVocab, UNK_CHAR, UNK_INDEX } from './vocab.js';

describe('CharVocab', () => {
  it('is a seq2seq Vocabulary: one special (unk = U+FFFD at 0), a char tokenizer', () => {
    const v = CharVocab.fromText('hello');
    expect(v).toBeInstanceOf(Vocabulary);
    expect(v.unkId).toBe(UNK_INDEX);
    expect(v.tokens[UNK_INDEX]).toBe(UNK_CHAR);
    expect(v.specialIds).toEqual({ unk: 0 });
    expect(v.tokenizer?.spec).toEqual({ kind: 'char' });
    expect(() => v.padId).toThrow(ArgumentError);
    expect(v.size).toBe(1 + 4); // unk, e, h, l, o
  });

  it('round-trips the text it was built from', () => {
    const text = 'Call me Ishmael. Some years ago—never mind how long precisely...\n\tÉté, naïve café';
    const v = CharVocab.fromText(text);
    expect(v.decodeText(v.encode(text))).toBe(text);
    expect(v.covers(text)).toBe(true);
    expect(Array.from(v.encode(text)).every((id) => id > 0 && id < v.size)).toBe(true);
  });

  it('maps unseen characters to index 0 without throwing, and reports them', () => {
    const v = CharVocab.fromText('hello');
    const r = v.encodeWithReport('hole!\u0000😀Z!');
    const id = (c: string) => v.tokens.indexOf(c);
    expect(Array.from(r.ids)).toEqual([id('h'), id('o'), id('l'), id('e'), 0, 0, 0, 0, 0]);
    expect(r.unknown).toEqual(['!', '\u0000', '😀', 'Z']);
    expect(r.unknownCount).toBe(5);
    expect(v.decodeText(r.ids)).toBe(`hole${UNK_CHAR.repeat(5)}`);
    expect(v.covers('hole!')).toBe(false);
    // ids out of range are an error now (they were printed as U+FFFD before)
    expect(() => v.decodeText([99])).toThrow(ArgumentError);
  });

  it('the replacement character in a corpus is not a second entry', () => {
    const v = CharVocab.fromText(`a${UNK_CHAR}b`);
    expect(v.tokens).toEqual([UNK_CHAR, 'a', 'b']);
    expect(Array.from(v.encode(`a${UNK_CHAR}b`))).toEqual([1, 0, 2]);
  });

  it('counts code points: an emoji (surrogate pair) is one character', () => {
    const text = 'a😀b😀';
    const v = CharVocab.fromText(text);
    expect(v.size).toBe(4); // unk, a, b, 😀
    const ids = v.encode(text);
    expect(ids.length).toBe(4);
    expect(ids[1]).toBe(ids[3]);
    expect(v.decodeText(ids)).toBe(text);
    expect(v.tokens.every((c) => Array.from(c).length === 1)).toBe(true);
  });

  it('orders characters as before (UTF-16 sort, independent of first occurrence and frequency)', () => {
    const a = CharVocab.fromText('zyxabc cba aaaa');
    const b = CharVocab.fromText('abc xyz zz');
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).toEqual([UNK_CHAR, ' ', 'a', 'b', 'c', 'x', 'y', 'z']);
    // 😀 (U+D83D U+DE00) sorts before ～ (U+FF5E) by UTF-16 unit, as Array.prototype.sort did
    expect(CharVocab.fromText('～😀').tokens).toEqual([UNK_CHAR, '😀', '～']);
  });

  it('JSON: writes the array of characters, reads it and the Vocabulary form', () => {
    const v = CharVocab.fromText('the quick brown fox 😀');
    const json = JSON.parse(JSON.stringify(CharVocab.toJSON(v))) as unknown;
    expect(json).toEqual(v.tokens);
    const w = CharVocab.fromJSON(json);
    expect(w.tokens).toEqual(v.tokens);
    expect(Array.from(w.encode('fox 😀!'))).toEqual(Array.from(v.encode('fox 😀!')));
    const x = CharVocab.fromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    expect(x.tokens).toEqual(v.tokens);
    expect(x.specialIds).toEqual({ unk: 0 });
  });

  it('rejects invalid vocabularies with FormatErrors', () => {
    expect(() => CharVocab.fromJSON(['a', 'b'])).toThrow(FormatError);
    expect(() => CharVocab.fromJSON([UNK_CHAR, 'a', 'a'])).toThrow(/duplicate token "a"/);
    expect(() => CharVocab.fromJSON([UNK_CHAR, 'ab'])).toThrow(/one character/);
    expect(() => CharVocab.fromJSON([UNK_CHAR, 3])).toThrow(FormatError);
    expect(() => CharVocab.fromJSON({ tokens: ['a', UNK_CHAR], specials: { unk: 1 }, tokenizer: { kind: 'char' } })).toThrow(/unk at id 0/);
    expect(() => CharVocab.fromJSON({ tokens: [UNK_CHAR], specials: { unk: 0 }, tokenizer: { kind: 'word', lowercase: false } })).toThrow(/char tokenizer/);
    expect(() => CharVocab.fromJSON('nope')).toThrow(FormatError);
  });

  it('handles empty text', () => {
    const v = CharVocab.fromText('');
    expect(v.size).toBe(1);
    expect(v.encode('').length).toBe(0);
    expect(Array.from(v.encode('x'))).toEqual([0]);
  });
});

describe('a charlm checkpoint written before the vocabulary moved to seq2seq', () => {
  // fixtures/charlm-v0.safetensors: written by CharLMTrainer.checkpoint() at 1aebf14 (see fixtures/README.md)
  const bytes = new Uint8Array(readFileSync(new URL('../../fixtures/charlm-v0.safetensors', import.meta.url)));
  const stored = (decodeCheckpoint(bytes).metadata as { vocab: string[] }).vocab;

  it('stores the vocabulary as the array of characters, and reads to the same ids', () => {
    expect(stored[0]).toBe(UNK_CHAR);
    const v = CharVocab.fromJSON(stored);
    expect(v.tokens).toEqual(stored);
    const text = 'hello wörld 😀 é?';
    // the old CharVocab's encode: position in the stored list, 0 when absent
    const old = Array.from(text, (c) => Math.max(0, stored.indexOf(c)));
    expect(Array.from(v.encode(text))).toEqual(old);
    expect(old).toContain(0); // '?' was not in the corpus
  });

  it('loads with loadCharLM', () => {
    const { model, vocab } = loadCharLM(bytes);
    expect(vocab.tokens).toEqual(stored);
    expect(model.config.vocabSize).toBe(stored.length);
  });
});
