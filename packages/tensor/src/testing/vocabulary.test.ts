import { describe, expect, it } from 'vitest';
import { kernelEnumMismatches } from './vocabulary.js';

describe('kernelEnumMismatches', () => {
  const list = ['add', 'sub', 'mul'];
  const enumOf = (...idents: string[]) => idents.map((ident, code) => ({ ident, code }));

  it('is empty when the enum names the list in order', () => {
    expect(kernelEnumMismatches('X', 'B_', 'LIST', list, enumOf('B_ADD', 'B_SUB', 'B_MUL'))).toEqual([]);
  });

  it('names a swapped pair, an extra and a missing kernel, and a duplicated code', () => {
    expect(kernelEnumMismatches('X', 'B_', 'LIST', list, enumOf('B_ADD', 'B_MUL', 'B_SUB', 'B_EXTRA'))).toEqual([
      "X: code 1 is B_MUL but LIST[1] is 'sub' (B_SUB)",
      "X: code 2 is B_SUB but LIST[2] is 'mul' (B_MUL)",
      'X: code 3 is B_EXTRA but LIST[3] is missing',
    ]);
    expect(kernelEnumMismatches('X', 'B_', 'LIST', [...list, 'div'], enumOf('B_ADD', 'B_SUB', 'B_MUL'))).toEqual([
      "X: code 3 is missing but LIST[3] is 'div' (B_DIV)",
    ]);
    const dup = [...enumOf('B_ADD', 'B_SUB', 'B_MUL'), { ident: 'B_ALSO', code: 0 }];
    expect(kernelEnumMismatches('X', 'B_', 'LIST', list, dup)).toEqual(["X: code 0 is B_ADD and B_ALSO but LIST[0] is 'add' (B_ADD)"]);
  });
});
