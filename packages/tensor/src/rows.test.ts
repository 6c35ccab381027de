import { describe, expect, it } from 'vitest';
import { copyRows, fillRows, zeroRows } from './rows.js';

describe('row helpers of (rows, width) blocks', () => {
  it('fillRows copies row 0 into every other row, for counts that are and are not powers of two', () => {
    for (const rows of [1, 2, 3, 4, 5, 8, 13]) {
      const a = new Float64Array(rows * 3).fill(-1);
      a.set([1, 2, 3]);
      fillRows(a, rows, 3);
      expect(Array.from(a)).toEqual(Array.from({ length: rows * 3 }, (_, i) => (i % 3) + 1));
    }
  });

  it('copyRows and zeroRows touch only the listed rows, at the given offsets', () => {
    const src = Float32Array.from({ length: 8 }, (_, i) => i + 1); // offset 2: rows [3,4] [5,6] [7,8]
    const dst = new Float32Array(7).fill(9);
    copyRows(src, 2, dst, 1, [0, 2], 2);
    expect(Array.from(dst)).toEqual([9, 3, 4, 9, 9, 7, 8]);
    zeroRows(dst, 1, [2], 2);
    expect(Array.from(dst)).toEqual([9, 3, 4, 9, 9, 0, 0]);
  });
});
