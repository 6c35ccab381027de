import type { Tensor } from './tensor.js';

/** Renders a tensor like NumPy: `tensor([[1, 2], [3, 4]], shape=(2,2), dtype=float32)`. */
export function formatTensor(t: Tensor, maxPerDim = 6): string {
  const fmt = (v: number): string => {
    if (t.dtype === 'int32') return String(v);
    if (Number.isInteger(v) && Math.abs(v) < 1e6) return `${v}.`;
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(5)));
  };
  const strides: number[] = [];
  let s = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) { strides[i] = s; s *= t.shape[i]!; }
  const render = (dim: number, offset: number, indent: string): string => {
    if (dim === t.shape.length) return fmt(t.data[offset]!);
    const n = t.shape[dim]!;
    const parts: string[] = [];
    const show = n > maxPerDim ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    for (const i of show) parts.push(i < 0 ? '...' : render(dim + 1, offset + i * strides[dim]!, indent + ' '));
    const sep = dim === t.shape.length - 1 ? ', ' : `,\n${indent} `;
    return `[${parts.join(sep)}]`;
  };
  return `tensor(${render(0, 0, '       ')}, shape=(${t.shape.join(',')}), dtype=${t.dtype})`;
}
