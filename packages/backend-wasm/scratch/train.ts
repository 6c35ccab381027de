import { Adam, crossEntropy, Linear } from '../../autograd/src/index.js';
import { LSTM } from '../../cells/src/index.js';
import { Generator, jsBackend, oneHot, randint, setBackend } from '../../tensor/src/index.js';
import { wasmBackend } from '../src/index.js';
setBackend(process.argv.includes('--js') ? jsBackend() : wasmBackend());
const g = new Generator(1);
const V = 65, H = 256, T = 64, B = 32;
const rnn = new LSTM(V, H, { numLayers: 1, generator: g });
const head = new Linear(H, V, { generator: g });
const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
const x = oneHot(randint(0, V, [T, B], { generator: g }), V);
const targets = randint(0, V, [T, B], { generator: g });
const step = () => { opt.zeroGrad(); const { output } = rnn.forward(x); const loss = crossEntropy(head.forward(output), targets); loss.backward(); opt.step(); return loss.item(); };
const N = Number(process.argv[2] ?? 20);
const ts: number[] = [];
for (let i = 0; i < N; i++) { const t0 = performance.now(); step(); ts.push(performance.now() - t0); }
console.log(ts.map((t) => t.toFixed(0)).join(' '));
const s = ts.slice(3).sort((a, b) => a - b);
console.log('median', s[s.length >> 1]!.toFixed(1), 'ms', (2048000 / s[s.length >> 1]!).toFixed(0), 'tok/s');
