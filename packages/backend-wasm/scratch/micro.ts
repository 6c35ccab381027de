import { jsBackend, type Backend, type GemmArgs } from '../../tensor/src/index.js';
import { wasmBackend, setWasmProfiling, wasmStats, resetWasmStats } from '../src/index.js';
const be: Backend = process.argv.includes('--js') ? jsBackend() : wasmBackend();
function time(label: string, fn: () => void, reps = 20) {
  fn();
  let best = Infinity, sum = 0;
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); fn(); const dt = performance.now() - t0; best = Math.min(best, dt); sum += dt; }
  console.log(label.padEnd(44), 'best', best.toFixed(3), 'ms  mean', (sum / reps).toFixed(3), 'ms');
  return best;
}
const rnd = (n: number) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1; return a; };
const B = 32, H = 256, G = 4 * H;
const gates = rnd(B * G), cPrev = rnd(B * H), tanhC = rnd(B * H), dh = rnd(B * H), dc = rnd(B * H), dG = new Float32Array(B * G);
const c = new Float32Array(B * H), h = new Float32Array(B * H);
time('lstmBackward B32 H256', () => be.lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dG), 200);
time('lstmForward B32 H256', () => { be.lstmForward(B, H, gates, cPrev, c, h, tanhC); }, 200);
function gemm(label: string, transA: boolean, transB: boolean, m: number, n: number, k: number, beta = 0, reps = 20) {
  const a = rnd(m * k), b = rnd(k * n), cc = rnd(m * n);
  const g: GemmArgs = { transA, transB, m, n, k, alpha: 1, a, aOffset: 0, lda: transA ? m : k, b, bOffset: 0, ldb: transB ? k : n, beta, c: cc, cOffset: 0, ldc: n };
  const ms = time(`gemm ${label} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k}`, () => be.gemm(g), reps);
  console.log(''.padEnd(44), ((2 * m * n * k) / (ms * 1e6)).toFixed(1), 'GFLOP/s');
}
gemm('fwd step', false, true, 32, 1024, 256, 1, 100);
gemm('bwd step', false, false, 32, 256, 1024, 0, 100);
gemm('dWhh', true, false, 1024, 256, 2048);
gemm('dWih', true, false, 1024, 65, 2048);
gemm('xproj', false, true, 2048, 1024, 65, 1);
gemm('dx?', false, false, 2048, 256, 65);
gemm('sq', false, false, 1024, 1024, 1024, 0, 5);
gemm('sq', true, false, 1024, 1024, 1024, 0, 5);
gemm('sq', false, true, 1024, 1024, 1024, 0, 5);
gemm('sq', true, true, 1024, 1024, 1024, 0, 5);
if (!process.argv.includes('--js')) {
  setWasmProfiling(true); resetWasmStats();
  const a = rnd(32 * 256), w = rnd(1024 * 256), cc = rnd(32 * 1024);
  const g: GemmArgs = { transA: false, transB: true, m: 32, n: 1024, k: 256, alpha: 1, a, aOffset: 0, lda: 256, b: w, bOffset: 0, ldb: 256, beta: 1, c: cc, cOffset: 0, ldc: 1024 };
  for (let i = 0; i < 100; i++) be.gemm(g);
  const s = wasmStats();
  console.log('fwd step gemm: per call', (s.totalMs / 100).toFixed(3), 'ms, copies', (s.copyMs / 100).toFixed(3), 'ms');
  resetWasmStats();
  for (let i = 0; i < 100; i++) be.lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dG);
  const s2 = wasmStats();
  console.log('lstmBackward: per call', (s2.totalMs / 100).toFixed(3), 'ms, copies', (s2.copyMs / 100).toFixed(3), 'ms');
}
{
  setWasmProfiling(true); resetWasmStats();
  for (let i = 0; i < 1000; i++) be.lstmForward(B, H, gates, cPrev, c, h, tanhC);
  const s3 = wasmStats();
  console.log('lstmForward: per call', (s3.totalMs / 1000).toFixed(4), 'ms, copies', (s3.copyMs / 1000).toFixed(4), 'ms');
}
