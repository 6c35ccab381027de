/**
 * Memory flatness check (`pnpm --filter @unroll/bench memory [-- --backend native --steps 1000]`):
 * trains the benchmark LSTM (vocab 65 one-hot, hidden 256, T=64, B=32, Adam) for N steps on one
 * backend and compares the peak resident set size with the RSS after step 10. Tensors are
 * garbage-collected, so a leak would show as steady growth; the target is a ratio <= 1.5.
 */
import { Adam, crossEntropy, Linear } from '@unroll/autograd';
import { LSTM } from '@unroll/cells';
import { Generator, oneHot, randint, setBackend } from '@unroll/tensor';
import { useUnroll } from './impls/unroll.js';
import type { Impl } from './types.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const backend = arg('backend', 'native');
const steps = Number(arg('steps', '1000'));

const sel = await useUnroll(`unroll-${backend}` as Impl);
if ('skip' in sel) {
  console.log(`memory: ${backend} backend unavailable (${sel.skip}); using js`);
  setBackend('js');
}
const g = new Generator(1);
const V = 65;
const rnn = new LSTM(V, 256, { generator: g });
const head = new Linear(256, V, { generator: g });
const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
const x = oneHot(randint(0, V, [64, 32], { generator: g }), V); // (T,B,V)
const y = randint(0, V, [64, 32], { generator: g }); // (T,B)
let atTen = 0;
let peak = 0;
const t0 = performance.now();
for (let s = 1; s <= steps; s++) {
  opt.zeroGrad();
  crossEntropy(head.forward(rnn.forward(x).output), y).backward();
  opt.step();
  const rss = process.memoryUsage().rss;
  if (s === 10) atTen = rss;
  if (s >= 10) peak = Math.max(peak, rss);
  if (s % 200 === 0) console.log(`step ${s}: rss ${(rss / 2 ** 20).toFixed(0)} MiB`);
}
const ratio = peak / atTen;
console.log(`memory (${backend}, ${steps} steps, ${((performance.now() - t0) / 1000).toFixed(0)} s): RSS after step 10 ${(atTen / 2 ** 20).toFixed(0)} MiB, peak ${(peak / 2 ** 20).toFixed(0)} MiB, ratio ${ratio.toFixed(2)} (target <= 1.5)`);
