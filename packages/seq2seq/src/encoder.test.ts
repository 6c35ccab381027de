import { ArgumentError, ShapeError, Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { Encoder, type RecurrentCell } from './encoder.js';

const ids = (v: number[][]): Tensor => tensor(v, undefined, 'int32');

describe('Encoder', () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as RecurrentCell[]) {
    for (const bidirectional of [false, true]) {
      it(`${cell}${bidirectional ? ', bidirectional' : ''}, 2 layers: a padded row encodes like the same row alone`, () => {
        const enc = new Encoder(8, 4, 5, { cell, bidirectional, numLayers: 2, dtype: 'float64', paddingIdx: 0 });
        const dirs = bidirectional ? 2 : 1;
        const { outputs, state } = enc.forward(ids([[3, 4, 5, 6], [7, 2, 0, 0]]), [4, 2]);
        expect(outputs.shape).toEqual([2, 4, 5 * dirs]);
        expect(state.h.shape).toEqual([2 * dirs, 2, 5]);
        expect(state.c === undefined).toBe(cell !== 'lstm');
        const alone = enc.forward(ids([[7, 2]]), [2]);
        const W = 5 * dirs;
        for (let t = 0; t < 4; t++) {
          for (let k = 0; k < W; k++) {
            const v = outputs.data[(4 + t) * W + k]!;
            if (t < 2) expect(v).toBeCloseTo(alone.outputs.data[t * W + k]!, 12);
            else expect(v).toBe(0); // padding
          }
        }
        for (let k = 0; k < 2 * dirs; k++) {
          for (let j = 0; j < 5; j++) expect(state.h.data[(k * 2 + 1) * 5 + j]).toBeCloseTo(alone.state.h.data[k * 5 + j]!, 12);
        }
      });
    }
  }

  it('parameter names are those of nn.Embedding and nn.LSTM', () => {
    expect(Object.keys(new Encoder(8, 4, 5, { bidirectional: true }).stateDict())).toEqual([
      'embedding.weight', 'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0',
      'rnn.weight_ih_l0_reverse', 'rnn.weight_hh_l0_reverse', 'rnn.bias_ih_l0_reverse', 'rnn.bias_hh_l0_reverse',
    ]);
  });

  it('typed errors: empty source, lengths longer than L or zero, mismatched batch, float ids, unknown cell', () => {
    const enc = new Encoder(8, 4, 5);
    expect(() => enc.forward(new Tensor(new Int32Array(0), [0, 3]), [])).toThrow(ArgumentError);
    expect(() => enc.forward(new Tensor(new Int32Array(0), [2, 0]), [0, 0])).toThrow(/empty/);
    expect(() => enc.forward(ids([[3, 4]]), [3])).toThrow(/lengths\[0\] = 3 must be an integer in \[1, 2\]/);
    expect(() => enc.forward(ids([[3, 4]]), [0])).toThrow(ArgumentError);
    expect(() => enc.forward(ids([[3, 4]]), [2, 2])).toThrow(ShapeError);
    expect(() => enc.forward(tensor([[3, 4]]), [2])).toThrow(/int32/);
    expect(() => new Encoder(8, 4, 5, { cell: 'tcn' as RecurrentCell })).toThrow(/cell/);
  });
});
