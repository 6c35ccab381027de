import { FormatError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { charTokenizer, identityTokenizer, tokenizerFromSpec, wordTokenizer } from './tokenizers.js';

describe('tokenizers', () => {
  it('char: one token per code point, not per UTF-16 unit', () => {
    const text = 'aé😀\u{1F1EB}';
    expect(text.length).toBe(6);
    const tokens = charTokenizer().tokenize(text);
    expect(tokens).toEqual(['a', 'é', '😀', '\u{1F1EB}']);
    expect(charTokenizer().detokenize(tokens)).toBe(text);
    expect(charTokenizer().tokenize('')).toEqual([]);
  });

  it('word: splits whitespace and punctuation, keeps inner apostrophes, lowercases on request', () => {
    const t = wordTokenizer();
    expect(t.tokenize("  Don't panic...\tnow!\nL'eau, 42 cafés? ")).toEqual(["Don't", 'panic', '.', '.', '.', 'now', '!', "L'eau", ',', '42', 'cafés', '?']);
    expect(wordTokenizer({ lowercase: true }).tokenize('Hello, WORLD')).toEqual(['hello', ',', 'world']);
    expect(t.tokenize('grinning face 😀')).toEqual(['grinning', 'face', '😀']);
    expect(t.tokenize('   ')).toEqual([]);
    expect(t.detokenize(['a', 'b'])).toBe('a b');
  });

  it('identity: whitespace-separated tokens as they are', () => {
    expect(identityTokenizer().tokenize(' HH  AH0 L\tOW1 ')).toEqual(['HH', 'AH0', 'L', 'OW1']);
    expect(identityTokenizer().detokenize(['HH', 'AH0'])).toBe('HH AH0');
  });

  it('specs round-trip and bad specs are FormatErrors', () => {
    for (const t of [charTokenizer(), wordTokenizer({ lowercase: true }), wordTokenizer(), identityTokenizer()]) {
      const back = tokenizerFromSpec(JSON.parse(JSON.stringify(t.spec)));
      expect(back.spec).toEqual(t.spec);
      expect(back.tokenize('Ab, c😀')).toEqual(t.tokenize('Ab, c😀'));
    }
    expect(() => tokenizerFromSpec(null)).toThrow(FormatError);
    expect(() => tokenizerFromSpec({ kind: 'bpe' })).toThrow(/unknown kind "bpe"/);
    expect(() => tokenizerFromSpec({ kind: 'word' })).toThrow(/lowercase/);
  });
});
