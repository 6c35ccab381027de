import { jsBackend } from '../../tensor/src/index.js';
import { wasmBackend } from '../src/index.js';
const be = process.argv.includes('--js') ? jsBackend() : wasmBackend();
const N = 1 << 20;
const x = new Float32Array(N); for (let i = 0; i < N; i++) x[i] = Math.random() * 8 - 4;
const out = new Float32Array(N);
for (const op of ['copy', 'neg', 'exp', 'sigmoid', 'tanh', 'relu'] as const) {
  let best = Infinity;
  for (let r = 0; r < 20; r++) { const t0 = performance.now(); be.unary(op, x, out); best = Math.min(best, performance.now() - t0); }
  console.log(op.padEnd(8), (best * 1e6 / N).toFixed(2), 'ns/elem');
}
