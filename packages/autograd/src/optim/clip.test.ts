import { ArgumentError, Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from './clip.js';
import { fixture } from './test-helpers.js';

const f64 = (v: number[], shape = [v.length]) => new Tensor(new Float64Array(v), shape);

describe('clipGradNorm', () => {
  it.each(fixture.clipGradNorm.map((c) => [`max ${c.maxNorm}, p=${c.normType}`, c] as const))('matches torch clip_grad_norm_: %s', (_, c) => {
    const a = f64([0, 0, 0, 0, 0, 0], [2, 3]);
    const b = f64([0, 0, 0]);
    const none = f64([0, 0]);
    a.grad = f64(c.grads[0]!, [2, 3]);
    b.grad = f64(c.grads[1]!);
    const p = c.normType === 'Infinity' ? Number.POSITIVE_INFINITY : c.normType;
    const norm = clipGradNorm([a, b, none], c.maxNorm, p);
    expect(Math.abs(norm - c.totalNorm)).toBeLessThan(1e-12);
    [a, b].forEach((t, i) => {
      Array.from(t.grad!.data).forEach((v, j) => {
        expect(Math.abs(v - c.clipped[i]![j]!)).toBeLessThan(1e-12);
      });
    });
    expect(none.grad).toBeNull();
  });

  it('returns the pre-clip norm and scales by maxNorm / (norm + 1e-6)', () => {
    const p = f64([0, 0]);
    p.grad = f64([3, 4]);
    expect(clipGradNorm(p, 1)).toBe(5);
    expect(p.grad.data[0]).toBe(3 * (1 / (5 + 1e-6)));
    expect(p.grad.data[1]).toBe(4 * (1 / (5 + 1e-6)));
  });

  it('leaves gradients alone when the norm is below maxNorm', () => {
    const p = f64([0, 0]);
    p.grad = f64([3, 4]);
    expect(clipGradNorm([p], 10)).toBe(5);
    expect(Array.from(p.grad.data)).toEqual([3, 4]);
  });

  it('accumulates in float64 for float32 gradients and supports the infinity norm', () => {
    const p = tensor([0, 0, 0]);
    p.grad = tensor([1e20, 1e20, -2e20]);
    const [x, y, z] = Array.from(p.grad.data) as [number, number, number];
    const norm = clipGradNorm([p], 1); // the squares (~1e40) overflow float32, not float64
    expect(norm).toBe(Math.sqrt(x * x + y * y + z * z));
    expect(Number.isFinite(norm)).toBe(true);
    const q = tensor([0, 0]);
    q.grad = tensor([-7, 2]);
    expect(clipGradNorm([q], 100, Number.POSITIVE_INFINITY)).toBe(7);
  });

  it('returns 0 without gradients, and a non-finite norm without touching the gradients', () => {
    expect(clipGradNorm([tensor([1])], 1)).toBe(0);
    const p = f64([0, 0]);
    p.grad = f64([Number.NaN, 1]);
    expect(clipGradNorm([p], 1)).toBeNaN();
    expect(clipGradNorm([p], 1, Number.POSITIVE_INFINITY)).toBeNaN();
    expect(p.grad.data[1]).toBe(1);
  });

  it('rejects bad arguments with an ArgumentError naming the value', () => {
    const p = [tensor([1])];
    expect(() => clipGradNorm(p, -1)).toThrow(ArgumentError);
    expect(() => clipGradNorm(p, -1)).toThrow('clipGradNorm: maxNorm must be a number >= 0, got -1');
    expect(() => clipGradNorm(p, 1, 0)).toThrow('clipGradNorm: normType must be a number > 0 or Infinity, got 0');
    expect(() => clipGradNorm([1 as unknown as Tensor], 1)).toThrow('clipGradNorm: parameter 0 is not a Tensor');
  });
});

describe('clipGradValue', () => {
  it('clamps every element into [-clip, clip]', () => {
    const a = f64([0, 0, 0]);
    const b = f64([0]);
    a.grad = f64([-3, 0.5, 2]);
    clipGradValue([a, b], 1);
    expect(Array.from(a.grad.data)).toEqual([-1, 0.5, 1]);
    expect(b.grad).toBeNull();
  });

  it('rejects a negative or NaN clip', () => {
    expect(() => clipGradValue([tensor([1])], -0.5)).toThrow('clipGradValue: clip must be a number >= 0, got -0.5');
    expect(() => clipGradValue([tensor([1])], Number.NaN)).toThrow(ArgumentError);
  });
});
