import { describe, expect, it } from 'vitest';
import type { RecurrentBackwardArgs, RecurrentForwardArgs } from '../backend-contract.js';
import { CELL_KINDS, type CellKind, GATES, gateWidth } from '../cell-kind.js';
import { Generator } from '../random.js';
import { expectClose } from '../testing/index.js';
import { jsBackend } from './js/index.js';
import { maskedRows, recurrentBackwardLoop, recurrentForwardLoop } from './recurrent-loop.js';

// The backward loop against central finite differences of the forward loop (float64, JS
// kernels): the pair must be each other's derivative, masking by lengths included.

interface Inputs {
  gates: Float64Array; // (T,B,G) x W_ih^T + b before the loop
  h0: Float64Array; // (B,H)
  c0: Float64Array; // (B,H)
  bHh: Float64Array; // (G)
  wHh: Float64Array; // (G,H)
}

function runForward(kind: CellKind, T: number, B: number, H: number, reverse: boolean, lengths: Int32Array | undefined, p: Inputs, save: boolean) {
  const G = gateWidth(kind, H);
  const a: RecurrentForwardArgs = {
    kind, T, B, H, reverse, gates: p.gates.slice(), wHh: p.wHh, bHh: p.bHh,
    gh: kind === 'gru' ? new Float64Array(T * B * G) : null, ghStride: B * G,
    h: p.h0.slice(), c: p.c0.slice(), y: new Float64Array(T * B * H),
    hPrev: save ? new Float64Array(T * B * H) : null, cPrev: save && kind === 'lstm' ? new Float64Array(T * B * H) : null,
    tanhC: kind === 'lstm' ? new Float64Array(T * B * H) : null, tanhStride: B * H, lengths,
  };
  recurrentForwardLoop(jsBackend(), a);
  return a;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Central differences of f with respect to every entry of x (changed in place and restored). */
function numericGrad(x: Float64Array, f: () => number, eps = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v + eps;
    const up = f();
    x[i] = v - eps;
    const down = f();
    x[i] = v;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

describe('recurrentBackwardLoop is the derivative of recurrentForwardLoop', () => {
  const TOL = { atol: 1e-7, rtol: 1e-6 };
  for (const kind of CELL_KINDS) {
    for (const [reverse, lens] of [[false, undefined], [true, [3, 1]], [false, [2, 3]]] as const) {
      it(`${kind} reverse=${reverse} lengths=${lens ? `[${lens}]` : 'none'}`, () => {
        const T = 3, B = 2, H = 3, G = gateWidth(kind, H);
        const g = new Generator(31);
        const u = (n: number, scale = 1): Float64Array => Float64Array.from({ length: n }, () => scale * (2 * g.random() - 1));
        const p: Inputs = { gates: u(T * B * G, 1.5), h0: u(B * H), c0: u(B * H), bHh: u(G), wHh: u(G * H, 0.6) };
        const lengths = lens ? Int32Array.from(lens) : undefined;
        const wy = u(T * B * H), wh = u(B * H), wc = u(B * H);
        // L = <y, wy> + <hN, wh> (+ <cN, wc>)
        const loss = (): number => {
          const r = runForward(kind, T, B, H, reverse, lengths, p, false);
          return dot(r.y, wy) + dot(r.h, wh) + (kind === 'lstm' ? dot(r.c, wc) : 0);
        };
        const fwd = runForward(kind, T, B, H, reverse, lengths, p, true);
        const dhNorms = new Float64Array(T);
        const b: RecurrentBackwardArgs = {
          kind, T, B, H, reverse, gates: fwd.gates, gh: fwd.gh, hPrev: fwd.hPrev!, cPrev: fwd.cPrev, tanhC: fwd.tanhC, wHh: p.wHh,
          dy: wy, dh: wh.slice(), dc: kind === 'lstm' ? wc.slice() : null, dGates: new Float64Array(T * B * G),
          dGh: kind === 'gru' ? new Float64Array(T * B * G) : null, dhNorms, lengths,
        };
        recurrentBackwardLoop(jsBackend(), b);
        // for the GRU, dGates is the gradient of the input part gi and dGh that of gh = h W_hh^T + b_hh
        expectClose(b.dGates, numericGrad(p.gates, loss), { ...TOL, label: 'dGates' });
        expectClose(b.dh, numericGrad(p.h0, loss), { ...TOL, label: 'dh0' });
        if (kind === 'lstm') expectClose(b.dc!, numericGrad(p.c0, loss), { ...TOL, label: 'dc0' });
        if (kind === 'gru') {
          const dbHh = new Float64Array(G);
          for (let r = 0; r < T * B; r++) for (let j = 0; j < G; j++) dbHh[j]! += b.dGh![r * G + j]!;
          expectClose(dbHh, numericGrad(p.bHh, loss), { ...TOL, label: 'column sums of dGh = dL/db_hh' });
        }
        // padded steps: their gates get no gradient
        for (let t = 0; t < T; t++) {
          for (const row of maskedRows(lengths, t) ?? []) {
            expect(Array.from(b.dGates.subarray((t * B + row) * G, (t * B + row + 1) * G)).every((v) => v === 0)).toBe(true);
          }
        }
        // the first step backward visits is the forward's last: there dL/dh_t = dy_t + dL/dh_N on the rows it ends
        const tLast = reverse ? 0 : T - 1;
        const direct = Array.from({ length: B * H }, (_, i) => {
          const row = Math.floor(i / H);
          return lengths && tLast >= lengths[row]! ? wh[i]! : wy[tLast * B * H + i]! + wh[i]!;
        });
        expect(dhNorms[tLast]).toBeCloseTo(Math.sqrt(dot(direct, direct)), 12);
        expect(Array.from(dhNorms).every((v) => v > 0)).toBe(true);
      });
    }
  }
});

describe('GATES and gateWidth', () => {
  it('give 4H for the LSTM, 3H for the GRU and H for the RNNs, for every kind in CELL_KINDS', () => {
    expect(CELL_KINDS.map((k) => [k, GATES[k], gateWidth(k, 5)])).toEqual([
      ['lstm', 4, 20], ['gru', 3, 15], ['rnn_tanh', 1, 5], ['rnn_relu', 1, 5],
    ]);
  });
});
