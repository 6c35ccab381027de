import { wasmBackend } from '../src/index.js';
const be = wasmBackend();
const N = 2_000_000;
for (const [op, lo, hi] of [['exp', -87, 88], ['tanh', -10, 10], ['tanh', -1, 1], ['sigmoid', -80, 80]] as const) {
  const x = new Float32Array(N); for (let i = 0; i < N; i++) x[i] = lo + (hi - lo) * i / (N - 1);
  const out = new Float32Array(N); be.unary(op, x, out);
  let worst = 0, at = 0;
  for (let i = 0; i < N; i++) { const v = x[i]!; const r = op === 'exp' ? Math.exp(v) : op === 'tanh' ? Math.tanh(v) : 1 / (1 + Math.exp(-v)); if (r === 0) continue; const e = Math.abs(out[i]! - r) / Math.abs(r); if (e > worst) { worst = e; at = v; } }
  console.log(op, `[${lo},${hi}]`, 'max rel err', worst.toExponential(2), 'at', at);
}
