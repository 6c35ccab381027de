import { ArgumentError, decodeSafetensors, encodeSafetensors, FormatError, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { charTokenizer, identityTokenizer, wordTokenizer } from './tokenizers.js';
import { DEFAULT_SPECIALS, Vocabulary } from './vocabulary.js';

const SPECIALS = ['<pad>', '<bos>', '<eos>', '<unk>'];

describe('Vocabulary.build', () => {
  it('puts the specials at 0..3, then tokens by frequency, ties by code point', () => {
    const v = Vocabulary.build(['b a c', 'a c', 'a', 'd'], { tokenizer: wordTokenizer() });
    // a:3, c:2, b:1, d:1
    expect(v.tokens).toEqual([...SPECIALS, 'a', 'c', 'b', 'd']);
    expect([v.padId, v.bosId, v.eosId, v.unkId]).toEqual([0, 1, 2, 3]);
    expect(DEFAULT_SPECIALS).toEqual({ pad: '<pad>', bos: '<bos>', eos: '<eos>', unk: '<unk>' });
  });

  it('does not depend on the order of the data', () => {
    const data = [['x', 'y'], ['z', 'y'], ['w']];
    expect(Vocabulary.build(data).tokens).toEqual(Vocabulary.build([...data].reverse()).tokens);
  });

  it('breaks ties by code points, not UTF-16 units', () => {
    // U+FF5E (one unit 0xFF5E) < U+1F600 (units 0xD83D 0xDE00) by code point, the reverse by UTF-16 unit
    const v = Vocabulary.build([['😀', '～']], { specials: {} });
    expect(v.tokens).toEqual(['～', '😀']);
  });

  it('applies minFreq and maxSize (specials count towards maxSize)', () => {
    const data = [['a', 'a', 'a', 'b', 'b', 'c']];
    expect(Vocabulary.build(data, { minFreq: 2 }).tokens).toEqual([...SPECIALS, 'a', 'b']);
    expect(Vocabulary.build(data, { maxSize: 5 }).tokens).toEqual([...SPECIALS, 'a']);
    expect(Vocabulary.build(data, { maxSize: 4 }).tokens).toEqual(SPECIALS);
    expect(() => Vocabulary.build(data, { maxSize: 3 })).toThrow(ArgumentError);
    expect(() => Vocabulary.build(data, { minFreq: 0 })).toThrow(/minFreq/);
  });

  it('takes custom specials or none, and does not count a special seen in the data twice', () => {
    const v = Vocabulary.build([['<eos>', 'x', '<unk>']], { specials: { pad: 'PAD', eos: '<eos>' } });
    expect(v.tokens).toEqual(['PAD', '<eos>', '<unk>', 'x']); // '<' (U+003C) before 'x'
    expect(v.padId).toBe(0);
    expect(v.eosId).toBe(1);
    expect(v.hasSpecial('unk')).toBe(false);
    expect(() => v.unkId).toThrow(/no unk token/);
    expect(() => v.bosId).toThrow(ArgumentError);
    const none = Vocabulary.build(['ab'], { specials: {}, tokenizer: charTokenizer() });
    expect(none.tokens).toEqual(['a', 'b']);
  });

  it('needs a tokenizer for string inputs', () => {
    expect(() => Vocabulary.build(['a b'])).toThrow(/no tokenizer/);
  });
});

describe('Vocabulary encode / decode', () => {
  const v = Vocabulary.build(['the cat sat', 'the dog'], { tokenizer: wordTokenizer({ lowercase: true }) });

  it('encodes strings through the tokenizer and arrays as given', () => {
    expect(v.tokens.slice(4)).toEqual(['the', 'cat', 'dog', 'sat']);
    expect(Array.from(v.encode('The cat'))).toEqual([4, 5]);
    expect(Array.from(v.encode(['the', 'cat']))).toEqual([4, 5]);
    expect(Array.from(v.encode(['The']))).toEqual([3]); // arrays are not lowercased
    expect(v.encode('').length).toBe(0);
  });

  it('maps unknown tokens to unk and reports them', () => {
    const r = v.encodeWithReport('the bird saw a bird');
    expect(Array.from(r.ids)).toEqual([4, 3, 3, 3, 3]);
    expect(r.unknown).toEqual(['bird', 'saw', 'a']);
    expect(r.unknownCount).toBe(4);
    expect(v.covers('the cat')).toBe(true);
    expect(v.covers('the bird')).toBe(false);
  });

  it('without unk, an unknown token is an ArgumentError naming it', () => {
    const w = Vocabulary.build([['a']], { specials: { pad: '<pad>' } });
    expect(() => w.encode(['a', 'zebra'])).toThrow(ArgumentError);
    expect(() => w.encode(['a', 'zebra'])).toThrow(/"zebra"/);
  });

  it('decodes, optionally dropping specials and stopping at eos', () => {
    const ids = [1, 4, 5, 3, 2, 6, 0];
    expect(v.decode(ids)).toEqual(['<bos>', 'the', 'cat', '<unk>', '<eos>', 'dog', '<pad>']);
    expect(v.decode(ids, { skipSpecials: true })).toEqual(['the', 'cat', '<unk>', 'dog']);
    expect(v.decode(ids, { stopAtEos: true })).toEqual(['<bos>', 'the', 'cat', '<unk>']);
    expect(v.decode(ids, { stopAtEos: true, skipSpecials: true })).toEqual(['the', 'cat', '<unk>']);
    expect(v.decodeText([4, 5, 2], { skipSpecials: true })).toBe('the cat');
    expect(() => v.decode([4, 8])).toThrow(/id 8 is out of range \[0, 8\)/);
    expect(() => v.decode([-1])).toThrow(ArgumentError);
    expect(() => v.decode([1.5])).toThrow(ArgumentError);
    expect(() => Vocabulary.build([['a']]).decodeText([4])).toThrow(/no tokenizer/);
  });

  it('char vocabularies count code points', () => {
    const c = Vocabulary.build(['a😀a'], { tokenizer: charTokenizer(), specials: {} });
    expect(c.tokens).toEqual(['a', '😀']);
    expect(Array.from(c.encode('😀a'))).toEqual([1, 0]);
    expect(c.decodeText([0, 1])).toBe('a😀');
  });
});

describe('Vocabulary JSON', () => {
  it('round-trips through JSON text (as in a checkpoint header), tokenizer included', () => {
    for (const tokenizer of [wordTokenizer({ lowercase: true }), charTokenizer(), identityTokenizer()]) {
      const v = Vocabulary.build(['HH AH0 L OW1', 'Hi, é😀'], { tokenizer, minFreq: 1 });
      const text = JSON.stringify(v);
      const w = Vocabulary.fromJSON(JSON.parse(text));
      expect(w.tokens).toEqual(v.tokens);
      expect(w.specialIds).toEqual(v.specialIds);
      expect(w.tokenizer?.spec).toEqual(tokenizer.spec);
      expect(Array.from(w.encode('Hi HH'))).toEqual(Array.from(v.encode('Hi HH')));
      expect(Vocabulary.fromJSON(text).tokens).toEqual(v.tokens); // the JSON text itself
    }
    const bare = Vocabulary.fromJSON(Vocabulary.build([['x']], { specials: {} }).toJSON());
    expect(bare.tokenizer).toBeUndefined();
    expect(bare.specialIds).toEqual({});
  });

  it('fits a safetensors header: stored as a __metadata__ string and read back', () => {
    const v = Vocabulary.build(['Été 😀, "quoted" \\ back\nslash'], { tokenizer: charTokenizer(), specials: { pad: '<pad>', unk: '<unk>' } });
    const bytes = encodeSafetensors({ w: zeros([1]) }, { vocab: JSON.stringify(v) });
    const w = Vocabulary.fromJSON(decodeSafetensors(bytes).metadata.vocab);
    expect(w.tokens).toEqual(v.tokens);
    expect(w.specialIds).toEqual({ pad: 0, unk: 1 });
    expect(w.decodeText(w.encode('Z😀'))).toBe('<unk>😀');
  });

  it('rejects malformed input with FormatErrors that say what is wrong', () => {
    const bad: [unknown, RegExp][] = [
      ['{not json', /not JSON/],
      [null, /expected an object/],
      [['a', 'b'], /expected an object/],
      [{ tokens: 'ab', specials: {} }, /tokens must be an array of strings/],
      [{ tokens: ['a', 1], specials: {} }, /tokens must be an array of strings/],
      [{ tokens: ['a'] }, /specials must be an object/],
      [{ tokens: ['a', 'b', 'a'], specials: {} }, /duplicate token "a" at ids 0 and 2/],
      [{ tokens: ['a'], specials: { pad: 1 } }, /special 'pad' id 1 is out of range \[0, 1\)/],
      [{ tokens: ['a'], specials: { pad: -1 } }, /out of range/],
      [{ tokens: ['a'], specials: { pad: '0' } }, /must be a number/],
      [{ tokens: ['a', 'b'], specials: { pad: 0, eos: 0 } }, /share id 0/],
      [{ tokens: ['a'], specials: { mask: 0 } }, /unknown special 'mask'/],
      [{ tokens: ['a'], specials: {}, tokenizer: { kind: 'bpe' } }, /unknown kind/],
    ];
    for (const [json, message] of bad) {
      expect(() => Vocabulary.fromJSON(json)).toThrow(FormatError);
      expect(() => Vocabulary.fromJSON(json)).toThrow(message);
    }
  });

  it('the constructor checks the same things with ArgumentErrors', () => {
    expect(() => new Vocabulary(['a', 'a'])).toThrow(ArgumentError);
    expect(() => new Vocabulary(['a'], { specials: { unk: 3 } })).toThrow(ArgumentError);
    expect(new Vocabulary(['x', '<unk>'], { specials: { unk: 1 } }).encode(['y'])[0]).toBe(1);
  });
});
