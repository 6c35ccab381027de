import { describe, expect, it } from 'vitest';
import { ArgumentError, FormatError, renameFormatError } from './errors.js';
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
