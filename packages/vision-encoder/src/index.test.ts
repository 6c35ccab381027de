import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as entry from './index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string };

describe('@unroll/vision-encoder entry', () => {
  it('exports the package name', () => {
    expect(manifest.name).toBe('@unroll/vision-encoder');
    expect(entry.name).toBe(manifest.name);
  });

  it("imports by its package name through the exports map, as this file's module", async () => {
    const viaExports = await import('@unroll/vision-encoder');
    expect(viaExports.name).toBe(manifest.name);
    expect(viaExports).toBe(entry);
  });
});
