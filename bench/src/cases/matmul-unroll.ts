/**
 * Unroll square float32 matrix product C = A B (n×n) in GFLOP/s (2n³ flops per product):
 * `matmul(a, b)` on the active backend, allocating C as a user call does.
 */
import { Generator, matmul, randn } from '@unroll/tensor';
import { useUnroll } from '../impls/unroll.js';
import { timeIt } from '../timing.js';
import type { ChildReply, Impl, Sampling } from '../types.js';
import { gflops, matmulTiming } from './matmul-common.js';

export async function matmulUnroll(impl: Impl, n: number, s: Sampling): Promise<ChildReply> {
  const sel = await useUnroll(impl);
  if ('skip' in sel) return { ok: false, skipped: sel.skip };
  const g = new Generator(1);
  const a = randn([n, n], { generator: g });
  const b = randn([n, n], { generator: g });
  let sink = 0; // keeps the product observable
  const t = await timeIt(() => { sink += matmul(a, b).data[0]!; }, matmulTiming(s));
  return {
    ok: true,
    result: {
      unit: 'GFLOP/s', higherIsBetter: true, samples: t.msPerCall.map((ms) => gflops(n, ms)), threads: sel.threads,
      note: `matmul(a,b), ${t.reps} products per sample`, extra: { sink },
    },
  };
}
