import { Adam, crossEntropy, Linear } from '@unroll/autograd';
import { wasmBackend } from '@unroll/backend-wasm';
import { GRU, LSTM } from '@unroll/cells';
import { type Backend, Generator, getBackend, jsBackend, oneHot, randint, setBackend } from '@unroll/tensor';
import { expectClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';

/** Losses of 5 Adam steps of a small LSTM (2 layers) or GRU with a linear head, on backend `be`. */
function train(be: Backend, cell: 'lstm' | 'gru'): number[] {
  const previous = getBackend();
  setBackend(be);
  try {
    const g = new Generator(5);
    const V = 11, H = 18, T = 7, B = 5;
    const rnn = cell === 'lstm' ? new LSTM(V, H, { numLayers: 2, generator: g }) : new GRU(V, H, { numLayers: 1, generator: g });
    const head = new Linear(H, V, { generator: g });
    const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-2 });
    const x = oneHot(randint(0, V, [T, B], { generator: g }), V); // (T,B,V)
    const targets = randint(0, V, [T, B], { generator: g }); // (T,B)
    const losses: number[] = [];
    for (let s = 0; s < 5; s++) {
      opt.zeroGrad();
      const loss = crossEntropy(head.forward(rnn.forward(x).output), targets);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    return losses;
  } finally {
    setBackend(previous);
  }
}

describe('wasm backend in Node: end to end', () => {
  it('trains an LSTM and a GRU (fused sequence kernels, Adam) like the reference backend', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const w = train(wasmBackend(), cell);
      const j = train(jsBackend(), cell);
      expectClose(w, j, { atol: 1e-5, rtol: 1e-4, label: `${cell} losses` });
      expect(w[4]!).toBeLessThan(w[0]!);
    }
  });
});
