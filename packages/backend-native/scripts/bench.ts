// Micro-benchmarks of the native kernels: `pnpm --filter @unroll/backend-native bench`
// (options: --quick, --simd=avx2|scalar). Prints GFLOP/s of square float32 gemm with 1 and 2
// threads and per-call times of the LSTM time-step kernels, next to the JS backend.
import { type Backend, type GemmArgs, jsBackend } from '@unroll/tensor';
import { nativeBackend, nativeInfo, setNativeThreads, setSimdLevel } from '../src/index.js';

const quick = process.argv.includes('--quick');
const simdArg = process.argv.find((a) => a.startsWith('--simd='));
if (simdArg) setSimdLevel(simdArg.slice(7) as 'avx2' | 'scalar');

function rand(n: number, f64 = false): Float32Array | Float64Array {
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/**
 * Seconds per call of fn: the fastest of many timed batches after a warm-up (the machine may be
 * shared, so the minimum is the stable estimate of what the kernel can do).
 */
function time(fn: () => void, minSeconds = quick ? 0.15 : 0.5): number {
  for (let i = 0; i < 3; i++) fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = (performance.now() - t0) / 1000;
    if (dt > 0.05) {
      reps = Math.max(1, Math.ceil((reps * 0.1) / dt));
      break;
    }
    reps *= 2;
  }
  const samples: number[] = [];
  const end = performance.now() + minSeconds * 1000;
  while (performance.now() < end || samples.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    samples.push((performance.now() - t0) / 1000 / reps);
  }
  return Math.min(...samples);
}

function gemmArgs(m: number, n: number, k: number, transA: boolean, transB: boolean, f64 = false): GemmArgs {
  return {
    transA, transB, m, n, k, alpha: 1,
    a: rand(m * k, f64), aOffset: 0, lda: transA ? m : k,
    b: rand(k * n, f64), bOffset: 0, ldb: transB ? k : n,
    beta: 0, c: new (f64 ? Float64Array : Float32Array)(m * n), cOffset: 0, ldc: n,
  };
}

const be = nativeBackend();
const js = jsBackend();
console.log('native:', nativeInfo());

const rows: string[][] = [['gemm float32', 'threads', 'NN GFLOP/s', 'NT GFLOP/s']];
for (const size of quick ? [256, 1024] : [256, 512, 1024]) {
  for (const threads of [1, 2]) {
    setNativeThreads(threads);
    const flops = 2 * size ** 3;
    const nn = gemmArgs(size, size, size, false, false);
    const nt = gemmArgs(size, size, size, false, true);
    const tnn = time(() => be.gemm(nn));
    const tnt = time(() => be.gemm(nt));
    rows.push([`${size}^3`, String(threads), (flops / tnn / 1e9).toFixed(1), (flops / tnt / 1e9).toFixed(1)]);
  }
}
setNativeThreads(2);
console.table(rows.slice(1).map((r) => Object.fromEntries(r.map((v, i) => [rows[0]![i]!, v]))));

// one LSTM time step at B=32, H=256: gates (32,1024) += h (32,256) W_hh^T (W_hh: (1024,256))
function lstmStep(b: Backend, threads: number, f64 = false) {
  const B = 32, H = 256;
  const g = gemmArgs(B, 4 * H, H, false, true, f64);
  g.beta = 1;
  const gates = g.c;
  const cPrev = rand(B * H, f64), c = rand(B * H, f64), h = rand(B * H, f64), tc = rand(B * H, f64);
  const pre = rand(4 * B * H, f64);
  if (b === be) setNativeThreads(threads);
  const tg = time(() => b.gemm(g));
  const tl = time(() => { gates.set(pre); b.lstmForward(B, H, gates, cPrev, c, h, tc); });
  const tcopy = time(() => gates.set(pre));
  const dh = rand(B * H, f64), dc = rand(B * H, f64), dG = new (f64 ? Float64Array : Float32Array)(4 * B * H);
  const tb = time(() => b.lstmBackward(B, H, gates, cPrev, tc, dh, dc, dG));
  return { gemm: tg, lstmForward: Math.max(tl - tcopy, 0), lstmBackward: tb };
}
const us = (s: number): string => `${(s * 1e6).toFixed(1)} µs`;
const steps: Record<string, Record<string, string>> = {};
for (const [label, b, threads, f64] of [
  ['native f32 2 threads', be, 2, false], ['native f32 1 thread', be, 1, false], ['native f64 2 threads', be, 2, true], ['js f32', js, 1, false],
] as const) {
  if (quick && label.startsWith('js')) continue;
  const r = lstmStep(b, threads, f64);
  steps[label] = { 'gemm (32x256)(1024x256)^T': us(r.gemm), lstmForward: us(r.lstmForward), lstmBackward: us(r.lstmBackward) };
}
setNativeThreads(2);
console.log('LSTM step, B=32, H=256');
console.table(steps);

// per-call overhead: the smallest calls (argument checks, typed-array access, dispatch)
{
  const a = new Float32Array([1]), b = new Float32Array([2]), c = new Float32Array(1);
  const g: GemmArgs = { transA: false, transB: true, m: 1, n: 1, k: 1, alpha: 1, a, aOffset: 0, lda: 1, b, bOffset: 0, ldb: 1, beta: 0, c, cOffset: 0, ldc: 1 };
  const x = new Float32Array(4), out = new Float32Array(4), gates = new Float32Array(4), s = new Float32Array(1);
  const overhead: Record<string, Record<string, string>> = {};
  for (const [label, b2] of [['native', be], ['js', js]] as const) {
    overhead[label] = {
      'gemm 1x1x1': `${(time(() => b2.gemm(g), 0.2) * 1e9).toFixed(0)} ns`,
      'unary exp n=4': `${(time(() => b2.unary('exp', x, out), 0.2) * 1e9).toFixed(0)} ns`,
      'binary add n=4': `${(time(() => b2.binary('add', x, [1], out, [1], out, [4]), 0.2) * 1e9).toFixed(0)} ns`,
      'lstmForward B=1 H=1': `${(time(() => b2.lstmForward(1, 1, gates, s, s, s, s), 0.2) * 1e9).toFixed(0)} ns`,
    };
  }
  console.log('per-call time of tiny calls');
  console.table(overhead);
}
