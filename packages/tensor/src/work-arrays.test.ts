import { describe, expect, it } from 'vitest';
import { workArray } from './work-arrays.js';

describe('workArray', () => {
  it('reuses memory per slot and dtype, never across slots', () => {
    const a = workArray('float32', 'test:a', 10);
    a[0] = 7;
    const again = workArray('float32', 'test:a', 8); // smaller: a view of the same memory
    expect(again.length).toBe(8);
    expect(again[0]).toBe(7);
    expect(again.buffer).toBe(a.buffer);
    expect(workArray('float32', 'test:b', 10).buffer).not.toBe(a.buffer);
    expect(workArray('float64', 'test:a', 10)).toBeInstanceOf(Float64Array);
    expect(workArray('float32', 'test:a', 20).length).toBe(20); // grown
  });

  it('allocates arrays over 4 MiB afresh each time', () => {
    const big = 600_000; // 4.8 MB as float64
    expect(workArray('float64', 'test:big', big)).not.toBe(workArray('float64', 'test:big', big));
  });
});
