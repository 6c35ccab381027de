import { describe, expect, it } from 'vitest';
import { loadMobyDick } from './moby-dick.js';

describe('loadMobyDick', () => {
  it('returns the whole novel from disk', async () => {
    const text = await loadMobyDick();
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text.startsWith('CHAPTER 1')).toBe(true);
    expect(text).toContain('Call me Ishmael.');
    expect(text).not.toContain('\u0000');
  });
});
