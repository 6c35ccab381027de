import { Adam, crossEntropy, Linear } from '../../autograd/src/index.js';
import { LSTM } from '../../cells/src/index.js';
import { Generator, jsBackend, oneHot, randint, setBackend, type Backend } from "../../tensor/src/index.js";
import { wasmBackend } from "../src/index.js";

const base = process.argv.includes("--js") ? jsBackend() : wasmBackend();
const stats = new Map<string, { calls: number; ms: number; elems: number }>();
const prof: Backend = { ...base };
for (const k of Object.keys(base) as (keyof Backend)[]) {
  const f = base[k];
  if (typeof f !== 'function') continue;
  (prof as any)[k] = (...args: any[]) => {
    let key = k as string;
    if (k === 'unary' || k === 'binary' || k === 'reduce' || k === 'activationBackward') key += ':' + args[0];
    if (k === 'gemm') { const g = args[0]; key += `:${g.transA ? 'T' : 'N'}${g.transB ? 'T' : 'N'} ${g.m}x${g.n}x${g.k}`; }
    const t0 = performance.now();
    (f as any)(...args);
    const dt = performance.now() - t0;
    const s = stats.get(key) ?? { calls: 0, ms: 0, elems: 0 };
    s.calls++; s.ms += dt; stats.set(key, s);
  };
}
setBackend(prof);
const g = new Generator(1);
const V = 65, H = 256, T = 64, B = 32;
const rnn = new LSTM(V, H, { numLayers: 1, generator: g });
const head = new Linear(H, V, { generator: g });
const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
const x = oneHot(randint(0, V, [T, B], { generator: g }), V);
const targets = randint(0, V, [T, B], { generator: g });
const step = () => { opt.zeroGrad(); const { output } = rnn.forward(x); const loss = crossEntropy(head.forward(output), targets); loss.backward(); opt.step(); return loss.item(); };
step();
stats.clear();
const t0 = performance.now();
const N = 6;
for (let i = 0; i < N; i++) step();
const total = performance.now() - t0;
console.log(`step ${(total / N).toFixed(1)} ms; ${(T * B * 1000 / (total / N)).toFixed(0)} tok/s`);
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
let sum = 0;
for (const [k, s] of rows) { sum += s.ms; console.log(k.padEnd(40), String(s.calls / N).padStart(6), (s.ms / N).toFixed(2).padStart(9), 'ms'); }
console.log('kernels total', (sum / N).toFixed(1), 'ms');
