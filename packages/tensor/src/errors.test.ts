import { describe, expect, it } from 'vitest';
import { ArgumentError, checkPositiveInt, FormatError, renameFormatError } from './errors.js';
import { captureError } from './test-utils.js';

describe('renameFormatError', () => {
  it('renames a FormatError and keeps the original as its cause', () => {
    const inner = new FormatError('safetensors: header past end');
    const err = captureError(() =>
      renameFormatError(() => {
        throw inner;
      }, (m) => `w.safetensors: ${m}`),
    ) as FormatError & { cause?: unknown };
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('w.safetensors: safetensors: header past end');
    expect(err.cause).toBe(inner);
  });

  it('passes other errors through and returns what fn returns', () => {
    const other = new ArgumentError('bad');
    expect(captureError(() => renameFormatError(() => { throw other; }, (m) => m))).toBe(other);
    expect(renameFormatError(() => 42, () => 'unused')).toBe(42);
  });
});

describe('checkPositiveInt', () => {
  it('accepts positive safe integers and names the place, the option and the value otherwise', () => {
    expect(() => checkPositiveInt('Linear', 'inFeatures', 1)).not.toThrow();
    expect(() => checkPositiveInt('Linear', 'inFeatures', 2 ** 40)).not.toThrow();
    for (const bad of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      const err = captureError(() => checkPositiveInt('Linear', 'inFeatures', bad));
      expect(err).toBeInstanceOf(ArgumentError);
      expect((err as Error).message).toBe(`Linear: inFeatures must be a positive integer, got ${bad}`);
    }
  });

  it('lets zero through with orZero, and says so in the message', () => {
    expect(() => checkPositiveInt('charlm', 'embed', 0, { orZero: true })).not.toThrow();
    const err = captureError(() => checkPositiveInt('charlm', 'embed', -2, { orZero: true }));
    expect((err as Error).message).toBe('charlm: embed must be 0 or a positive integer, got -2');
  });
});
