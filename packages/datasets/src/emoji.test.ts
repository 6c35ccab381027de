import { readFileSync } from 'node:fs';
import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { type EmojibaseEntry, emojiLocales, joinEmojiLabels, loadEmojiPairs } from './emoji.js';
import { packageDataPath } from './package-data.js';

function raw(locale: string): EmojibaseEntry[] {
  return JSON.parse(readFileSync(packageDataPath('emojibase-data', locale, 'data.json'), 'utf8'));
}

describe('joinEmojiLabels', () => {
  const en: EmojibaseEntry[] = [
    { hexcode: '1F600', emoji: '😀', label: 'grinning face' },
    { hexcode: '1F916', emoji: '🤖', label: 'robot' },
    { hexcode: '1F4CE', emoji: '📎', label: 'paperclip' },
    { hexcode: '1F3BA', emoji: '🎺', label: 'trombone' },
    { hexcode: '2B50', emoji: '⭐', label: '' },
    { hexcode: '1F44B', emoji: '👋', label: 'waving hand', skins: [{ hexcode: '1F44B-1F3FB', emoji: '👋🏻', label: 'waving hand: light skin tone' }] },
    { hexcode: '1F9CC', emoji: '🧌', label: 'troll' },
    { hexcode: 'AAAA', emoji: 'x', label: 'grinning face' },
  ];
  const fr: EmojibaseEntry[] = [
    { hexcode: '1F600', label: 'visage rieur' },
    { hexcode: '1F916', label: 'robot' },
    { hexcode: '1F4CE', label: 'trombone' },
    { hexcode: '1F3BA', label: 'trombone' },
    { hexcode: '2B50', label: 'étoile' },
    { hexcode: '1F44B', label: 'main qui salue', skins: [{ hexcode: '1F44B-1F3FB', label: 'main qui salue : peau claire' }] },
    { hexcode: 'AAAA', label: 'visage rieur' },
  ];

  it('pairs labels by hexcode, keeping cognates and shared targets, dropping missing labels and repeated pairs', () => {
    expect(joinEmojiLabels(en, fr)).toEqual([
      { hexcode: '1F600', emoji: '😀', source: 'grinning face', target: 'visage rieur' },
      { hexcode: '1F916', emoji: '🤖', source: 'robot', target: 'robot' },
      { hexcode: '1F4CE', emoji: '📎', source: 'paperclip', target: 'trombone' },
      { hexcode: '1F3BA', emoji: '🎺', source: 'trombone', target: 'trombone' },
      { hexcode: '1F44B', emoji: '👋', source: 'waving hand', target: 'main qui salue' },
    ]);
  });

  it('adds the skin-tone variants on request', () => {
    const pairs = joinEmojiLabels(en, fr, { skins: true });
    expect(pairs.map((p) => p.hexcode)).toEqual(['1F600', '1F916', '1F4CE', '1F3BA', '1F44B', '1F44B-1F3FB']);
    expect(pairs.at(-1)).toEqual({ hexcode: '1F44B-1F3FB', emoji: '👋🏻', source: 'waving hand: light skin tone', target: 'main qui salue : peau claire' });
  });
});

describe('loadEmojiPairs (the real emojibase-data files)', () => {
  const en = raw('en');

  for (const lang of ['fr', 'es', 'de']) {
    it(`en -> ${lang}: one pair per emoji labelled in both files`, async () => {
      const target = new Map(raw(lang).map((e) => [e.hexcode, e.label]));
      const expected = en.filter((e) => e.label && target.get(e.hexcode));
      const pairs = await loadEmojiPairs(lang);
      expect(pairs.length).toBe(expected.length);
      expect(pairs.length).toBeGreaterThan(1_900);
      expect(pairs.map((p) => p.hexcode)).toEqual(expected.map((e) => e.hexcode));
      expect(new Set(pairs.map((p) => `${p.source}\t${p.target}`)).size).toBe(pairs.length);
      for (const p of pairs) {
        expect(p.source).toBe(p.source.trim());
        expect(p.target.length).toBeGreaterThan(0);
      }
    });
  }

  it('has the names one expects', async () => {
    const byHex = (pairs: { hexcode: string; target: string }[], hex: string) => pairs.find((p) => p.hexcode === hex)?.target;
    const [fr, es, de] = await Promise.all([loadEmojiPairs('fr'), loadEmojiPairs('es'), loadEmojiPairs('de')]);
    expect(fr.find((p) => p.hexcode === '1F600')?.source).toBe('grinning face');
    expect(byHex(fr, '1F600')).toBe('visage rieur');
    expect(byHex(es, '1F431')).toBe('cara de gato');
    expect(byHex(de, '1F431')).toBe('Katzengesicht');
  });

  it('with skins, adds one pair per skin-tone variant', async () => {
    const skins = en.reduce((n, e) => n + (e.skins?.length ?? 0), 0);
    const pairs = await loadEmojiPairs('fr', { skins: true });
    expect(skins).toBeGreaterThan(1_000);
    expect(pairs.length).toBe((await loadEmojiPairs('fr')).length + skins);
  });

  it('lists the locales and refuses an unknown one, naming it and the known ones', async () => {
    expect(emojiLocales()).toEqual(expect.arrayContaining(['de', 'en', 'es', 'fr']));
    expect(emojiLocales()).not.toContain('meta');
    await expect(loadEmojiPairs('xx')).rejects.toThrow(ArgumentError);
    await expect(loadEmojiPairs('../en')).rejects.toThrow(/unknown emoji locale '\.\.\/en'.*de, .*fr/);
    await expect(loadEmojiPairs('fr', { source: 'klingon' })).rejects.toThrow(/'klingon'/);
  });
});
