import { describe, expect, it } from 'vitest';
import { jsBackend } from './backends/js/index.js';
import { gemmInto } from './gemm-into.js';

// a (2,3) = [[1,2,3],[4,5,6]]; b (3,2) = [[1,0],[0,1],[2,2]]: a b = [[7,8],[16,17]]
const A = Float64Array.of(1, 2, 3, 4, 5, 6);
const B = Float64Array.of(1, 0, 0, 1, 2, 2);

describe('gemmInto', () => {
  it('takes dense row-major strides from the shapes and overwrites C by default (beta 0, NaN ignored)', () => {
    const c = new Float64Array(4).fill(Number.NaN);
    gemmInto(jsBackend(), { a: A, b: B, c, m: 2, n: 2, k: 3 });
    expect(Array.from(c)).toEqual([7, 8, 16, 17]);
  });

  it('reads stored transposes with their own widths, scales by alpha and accumulates with beta 1', () => {
    const aT = Float64Array.of(1, 4, 2, 5, 3, 6); // A stored (3,2)
    const bT = Float64Array.of(1, 0, 2, 0, 1, 2); // B stored (2,3)
    const c = Float64Array.of(1, 1, 1, 1);
    gemmInto(jsBackend(), { a: aT, b: bT, c, m: 2, n: 2, k: 3, transA: true, transB: true, alpha: 2, beta: 1 });
    expect(Array.from(c)).toEqual([15, 17, 33, 35]);
  });

  it('honours offsets and explicit leading dimensions', () => {
    const c = new Float64Array(7).fill(-1); // C at offset 1 with ldc 3: [., x, x, ., x, x, .]
    gemmInto(jsBackend(), { a: Float64Array.of(0, ...A), aOffset: 1, b: B, c, cOffset: 1, ldc: 3, m: 2, n: 2, k: 3 });
    expect(Array.from(c)).toEqual([-1, 7, 8, -1, 16, 17, -1]);
  });
});
