/**
 * The page that browser.test.ts bundles (esbuild) and runs in headless Chromium: the library's
 * default backend there, then an LSTM and a GRU trained one step on the WASM backend (compiled
 * asynchronously, as on a browser's main thread) against the reference JS backend.
 */
import { Adam, crossEntropy, Linear } from '@unroll/autograd';
import { initWasmBackend, wasmStats } from '@unroll/backend-wasm';
import { GRU, LSTM } from '@unroll/cells';
import { Generator, getBackend, oneHot, randint, setBackend } from '@unroll/tensor';

export interface PageResult {
  defaultBackend: string;
  backend: string;
  /** Largest |wasm - js| over the outputs and every parameter after one Adam step. */
  worst: number;
  /** Bytes the WASM backend copied in during the steps. */
  bytesIn: number;
  losses: number[];
}

function step(cell: 'lstm' | 'gru'): { out: Float32Array[]; loss: number } {
  const g = new Generator(3);
  const V = 11, H = 24, T = 9, B = 3;
  const rnn = cell === 'lstm' ? new LSTM(V, H, { generator: g, numLayers: 2 }) : new GRU(V, H, { generator: g, bidirectional: true });
  const head = new Linear(rnn.bidirectional ? 2 * H : H, V, { generator: g });
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new Adam(params, { lr: 0.01 });
  const x = oneHot(randint(0, V, [T, B], { generator: g }), V);
  const y = randint(0, V, [T, B], { generator: g });
  const { output } = rnn.forward(x);
  const loss = crossEntropy(head.forward(output), y);
  loss.backward();
  opt.step();
  return { out: [output.data as Float32Array, ...params.map((p) => p.data as Float32Array)], loss: loss.item() };
}

async function run(): Promise<PageResult> {
  const defaultBackend = getBackend().name;
  const results: { out: Float32Array[]; loss: number }[][] = [];
  setBackend('js');
  results.push([step('lstm'), step('gru')]);
  const wasm = await initWasmBackend();
  setBackend(wasm);
  const before = wasmStats().bytesIn;
  results.push([step('lstm'), step('gru')]);
  let worst = 0;
  results[0]!.forEach((ref, i) => {
    ref.out.forEach((a, j) => {
      const b = results[1]![i]!.out[j]!;
      for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
    });
  });
  return { defaultBackend, backend: getBackend().name, worst, bytesIn: wasmStats().bytesIn - before, losses: results.flat().map((r) => r.loss) };
}

const w = globalThis as unknown as { __result?: PageResult; __error?: string };
run().then(
  (r) => {
    w.__result = r;
  },
  (e: unknown) => {
    w.__error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
  },
);
