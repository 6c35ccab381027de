import type { TranslateExample } from './data.js';

const LETTERS = 'abcdefgh';

/**
 * Synthetic spelling -> "phoneme" pairs: a random word over 8 letters (2 to 5 long) and its
 * letters upper-cased with a stress digit, in order (`bad` -> `B1 A0 D0`), plus an alternate
 * reference without the digit of the first phone. Deterministic for a seed.
 */
export function syntheticPairs(n: number, seed = 1): TranslateExample[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const seen = new Set<string>();
  const out: TranslateExample[] = [];
  while (out.length < n) {
    const len = 2 + Math.floor(next() * 4);
    let w = '';
    for (let i = 0; i < len; i++) w += LETTERS[Math.floor(next() * LETTERS.length)];
    if (seen.has(w)) continue;
    seen.add(w);
    const phones = [...w].map((c, i) => `${c.toUpperCase()}${i === 0 ? 1 : 0}`);
    out.push({ source: w, references: [phones.join(' '), [phones[0]!.slice(0, 1), ...phones.slice(1)].join(' ')] });
  }
  return out;
}
