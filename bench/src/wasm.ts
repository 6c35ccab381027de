/**
 * Quick numbers for the WebAssembly backend (single thread): gemm GFLOP/s through `matmul` at
 * 256/512/1024 (float32, C allocated per call as a user call does), and the LSTM training step of
 * the repository benchmark (one-hot V=65, hidden 256, T=64, B=32, Adam) with the share of time
 * spent copying between typed arrays and WebAssembly memory (`setWasmProfiling`), which the
 * repository benchmark (`pnpm bench`, `matmul-N` and `train-lstm1` on `unroll-wasm`) does not show.
 * It lives here rather than in @unroll/backend-wasm, which knows only the kernel contract.
 *
 *   pnpm --filter @unroll/bench wasm [--steps N] [--js]
 */
import { Adam, crossEntropy, Linear } from '@unroll/autograd';
import { resetWasmStats, setWasmProfiling, wasmBackend, wasmMemoryBytes, wasmStats } from '@unroll/backend-wasm';
import { LSTM } from '@unroll/cells';
import { type Backend, Generator, jsBackend, matmul, oneHot, randint, randn, setBackend } from '@unroll/tensor';

const args = process.argv.slice(2);
const steps = Number(args[args.indexOf('--steps') + 1] ?? 0) || 8;
const useJs = args.includes('--js');
const be: Backend = useJs ? jsBackend() : wasmBackend();
setBackend(be);
console.log(`backend: ${be.name}`);

function bestOf(fn: () => void, minMs: number): number {
  fn();
  let best = Infinity;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

for (const n of [256, 512, 1024]) {
  const g = new Generator(1);
  const a = randn([n, n], { generator: g });
  const b = randn([n, n], { generator: g });
  const ms = bestOf(() => { matmul(a, b); }, useJs ? 1500 : 2500);
  console.log(`matmul ${n}: ${((2 * n ** 3) / (ms * 1e6)).toFixed(1)} GFLOP/s (${ms.toFixed(2)} ms)`);
}

const g = new Generator(1);
const V = 65, H = 256, T = 64, B = 32;
const rnn = new LSTM(V, H, { numLayers: 1, generator: g });
const head = new Linear(H, V, { generator: g });
const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
const x = oneHot(randint(0, V, [T, B], { generator: g }), V);
const targets = randint(0, V, [T, B], { generator: g });
const step = (): number => {
  opt.zeroGrad();
  const { output } = rnn.forward(x);
  const loss = crossEntropy(head.forward(output), targets);
  loss.backward();
  opt.step();
  return loss.item();
};
for (let i = 0; i < 3; i++) step(); // warm up
const times: number[] = [];
const cpu: number[] = [];
let loss = 0;
for (let i = 0; i < steps; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  loss = step();
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[xs.length >> 1]!;
const med = median(times);
const tok = (ms: number): string => ((T * B * 1000) / ms).toFixed(0);
console.log(
  `LSTM train step (V=${V}, H=${H}, T=${T}, B=${B}, Adam): median ${med.toFixed(1)} ms = ${tok(med)} tok/s ` +
  `(fastest ${Math.min(...times).toFixed(1)} ms = ${tok(Math.min(...times))} tok/s; median CPU time ${median(cpu).toFixed(1)} ms; loss ${loss.toFixed(3)})`,
);
if (!useJs) {
  setWasmProfiling(true);
  resetWasmStats();
  const t0 = performance.now();
  const N = 4;
  for (let i = 0; i < N; i++) step();
  const wall = (performance.now() - t0) / N;
  const s = wasmStats();
  setWasmProfiling(false);
  console.log(
    `profiled step: ${wall.toFixed(1)} ms wall; in the backend ${(s.totalMs / N).toFixed(1)} ms, of which copies ${(s.copyMs / N).toFixed(1)} ms ` +
    `(${((100 * s.copyMs) / s.totalMs).toFixed(1)}% of backend time, ${((100 * s.copyMs) / N / wall).toFixed(1)}% of the step); ` +
    `${(s.calls / N).toFixed(0)} wasm calls + ${(s.delegated / N).toFixed(0)} delegated per step; ` +
    `${(s.bytesIn / N / 2 ** 20).toFixed(1)} MiB in, ${(s.bytesOut / N / 2 ** 20).toFixed(1)} MiB out per step; memory ${(wasmMemoryBytes() / 2 ** 20).toFixed(1)} MiB`,
  );
}
