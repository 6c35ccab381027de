import '@unroll/autograd';
import { ArgumentError, ShapeError, type Tensor, tensor, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { GRUCell, LSTMCell, RNNCell } from './cells.js';
import { GRU, LSTM, type RecurrentLayer, RNN } from './layers.js';

/** Runs fn, expects a typed error and returns its message. */
function errorOf(fn: () => unknown, type: typeof ShapeError | typeof ArgumentError): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an error').toBeInstanceOf(type);
  // ShapeError and ArgumentError are distinct types: the right one is thrown
  expect(caught).not.toBeInstanceOf(type === ShapeError ? ArgumentError : ShapeError);
  return (caught as Error).message;
}

const D = 3, H = 4, T = 5, B = 2;
type Ctor = new (d: number, h: number, o?: { numLayers?: number; bidirectional?: boolean; batchFirst?: boolean }) => RecurrentLayer;
const LAYERS: [string, Ctor][] = [['RNN', RNN], ['LSTM', LSTM], ['GRU', GRU]];

const stateFor = (layer: RecurrentLayer, h: Tensor, c?: Tensor) => (layer.kind === 'lstm' ? { h, c: c ?? zeros(h.shape) } : { h });

describe('sequence layers: typed errors naming the layer and the shapes', () => {
  for (const [name, Layer] of LAYERS) {
    describe(name, () => {
      it('wrong input width', () => {
        const msg = errorOf(() => new Layer(D, H).forward(zeros([T, B, D + 2])), ShapeError);
        expect(msg.startsWith(`${name}:`)).toBe(true);
        expect(msg).toContain(`(${T},${B},${D + 2})`); // what came
        expect(msg).toContain(`${D})`); // what was expected: last dim D
        expect(msg).toMatch(/T,B,D/);
      });

      it('wrong input width with batchFirst names (B,T,D)', () => {
        const msg = errorOf(() => new Layer(D, H, { batchFirst: true }).forward(zeros([B, T, D + 1])), ShapeError);
        expect(msg.startsWith(`${name}:`)).toBe(true);
        expect(msg).toContain('B,T,D');
        expect(msg).toContain(`(${B},${T},${D + 1})`);
      });

      it('2-D input to a sequence layer', () => {
        const msg = errorOf(() => new Layer(D, H).forward(zeros([B, D])), ArgumentError);
        expect(msg.startsWith(`${name}:`)).toBe(true);
        expect(msg).toContain('3-D');
        expect(msg).toContain(`(${B},${D})`);
      });

      it('an empty sequence (T = 0)', () => {
        const msg = errorOf(() => new Layer(D, H).forward(zeros([0, B, D])), ArgumentError);
        expect(msg.startsWith(`${name}:`)).toBe(true);
        expect(msg).toContain('T = 0');
      });

      it('wrong state shape (hidden size, and number of layers x directions)', () => {
        const layer = new Layer(D, H, { numLayers: 2, bidirectional: true });
        const x = zeros([T, B, D]);
        let msg = errorOf(() => layer.forward(x, { state: stateFor(layer, zeros([4, B, H + 1])) }), ShapeError);
        expect(msg.startsWith(`${name}:`)).toBe(true);
        expect(msg).toContain('state h');
        expect(msg).toContain(`(4,${B},${H})`);
        expect(msg).toContain(`(4,${B},${H + 1})`);
        msg = errorOf(() => layer.forward(x, { state: stateFor(layer, zeros([2, B, H])) }), ShapeError);
        expect(msg).toContain(`(4,${B},${H})`);
        expect(msg).toContain(`(2,${B},${H})`);
        // a 2-D state (forgot the layer axis)
        msg = errorOf(() => layer.forward(x, { state: stateFor(layer, zeros([B, H])) }), ShapeError);
        expect(msg).toContain(`(${B},${H})`);
      });

      it('state batch size differs from the input batch size', () => {
        const layer = new Layer(D, H);
        const msg = errorOf(() => layer.forward(zeros([T, B, D]), { state: stateFor(layer, zeros([1, B + 1, H])) }), ShapeError);
        expect(msg.startsWith(`${name}:`)).toBe(true);
        expect(msg).toContain(`(1,${B},${H})`);
        expect(msg).toContain(`(1,${B + 1},${H})`);
      });

      it('lengths longer than T, zero, negative or fractional', () => {
        const layer = new Layer(D, H);
        const x = zeros([T, B, D]);
        for (const bad of [[T + 1, 1], [0, T], [2, -1], [2.5, 1]]) {
          const msg = errorOf(() => layer.forward(x, { lengths: bad }), ArgumentError);
          expect(msg.startsWith(`${name}:`)).toBe(true);
          expect(msg).toContain(`lengths[${bad[0] === 2 ? 1 : 0}]`);
          expect(msg).toContain(`T = ${T}`);
        }
        // the same checks for lengths given as a tensor
        const msg = errorOf(() => layer.forward(x, { lengths: tensor([T, T + 3], undefined, 'int32') }), ArgumentError);
        expect(msg).toContain(`= ${T + 3}`);
      });

      it('lengths of the wrong count', () => {
        const layer = new Layer(D, H);
        const msg = errorOf(() => layer.forward(zeros([T, B, D]), { lengths: [T, T, T] }), ArgumentError);
        expect(msg.startsWith(`${name}:`)).toBe(true);
        expect(msg).toContain('3 entries');
        expect(msg).toContain(`batch of ${B}`);
      });

      it('bad sizes and options in the constructor', () => {
        for (const [d, h, o] of [[0, H, {}], [D, 2.5, {}], [D, H, { numLayers: 0 }]] as const) {
          const msg = errorOf(() => new Layer(d, h, o), ArgumentError);
          expect(msg.startsWith(`${name}:`)).toBe(true);
        }
        expect(errorOf(() => new (Layer as new (d: number, h: number, o: { dropout: number; numLayers: number }) => RecurrentLayer)(D, H, { dropout: 1, numLayers: 2 }), ArgumentError)).toMatch(new RegExp(`^${name}: dropout`));
      });
    });
  }

  it('LSTM: an initial state without c', () => {
    const layer = new LSTM(D, H);
    const msg = errorOf(() => layer.forward(zeros([T, B, D]), { state: { h: zeros([1, B, H]) } }), ArgumentError);
    expect(msg.startsWith('LSTM:')).toBe(true);
    expect(msg).toMatch(/\bc\b/);
    expect(msg).toContain(`(1,${B},${H})`);
  });

  it('LSTM: a c of the wrong shape', () => {
    const layer = new LSTM(D, H, { bidirectional: true });
    const msg = errorOf(() => layer.forward(zeros([T, B, D]), { state: { h: zeros([2, B, H]), c: zeros([1, B, H]) } }), ShapeError);
    expect(msg.startsWith('LSTM:')).toBe(true);
    expect(msg).toContain('state c');
    expect(msg).toContain(`(2,${B},${H})`);
    expect(msg).toContain(`(1,${B},${H})`);
  });

  it('forgetBias on a GRU, or without biases, is an ArgumentError', () => {
    expect(errorOf(() => new GRU(D, H, { forgetBias: 1 }), ArgumentError)).toContain('forgetBias');
    expect(errorOf(() => new LSTM(D, H, { forgetBias: 1, bias: false }), ArgumentError)).toMatch(/^LSTM: forgetBias/);
  });
});

describe('cells: typed errors naming the cell and the shapes', () => {
  const cells: [string, () => RNNCell | LSTMCell | GRUCell][] = [
    ['RNNCell', () => new RNNCell(D, H)],
    ['LSTMCell', () => new LSTMCell(D, H)],
    ['GRUCell', () => new GRUCell(D, H)],
  ];
  for (const [name, make] of cells) {
    const step = (cell: RNNCell | LSTMCell | GRUCell, x: Tensor, h?: Tensor, c?: Tensor) =>
      cell instanceof LSTMCell ? cell.step(x, h ? { h, c: c ?? zeros(h.shape) } : undefined) : cell.step(x, h);

    it(`${name}: wrong input width or rank`, () => {
      let msg = errorOf(() => step(make(), zeros([B, D + 1])), ShapeError);
      expect(msg.startsWith(`${name}:`)).toBe(true);
      expect(msg).toContain(`(B,${D})`);
      expect(msg).toContain(`(${B},${D + 1})`);
      msg = errorOf(() => step(make(), zeros([T, B, D])), ShapeError);
      expect(msg).toContain(`(${T},${B},${D})`);
    });

    it(`${name}: wrong state shape or batch size`, () => {
      let msg = errorOf(() => step(make(), zeros([B, D]), zeros([B, H + 1])), ShapeError);
      expect(msg.startsWith(`${name}:`)).toBe(true);
      expect(msg).toContain(`(${B},${H})`);
      expect(msg).toContain(`(${B},${H + 1})`);
      msg = errorOf(() => step(make(), zeros([B, D]), zeros([B + 1, H])), ShapeError);
      expect(msg).toContain(`(${B + 1},${H})`);
    });
  }

  it('LSTMCell: wrong c shape, or no c', () => {
    const cell = new LSTMCell(D, H);
    const msg = errorOf(() => cell.step(zeros([B, D]), { h: zeros([B, H]), c: zeros([B, H + 2]) }), ShapeError);
    expect(msg.startsWith('LSTMCell:')).toBe(true);
    expect(msg).toContain('state c');
    expect(msg).toContain(`(${B},${H + 2})`);
    const noC = errorOf(() => cell.step(zeros([B, D]), { h: zeros([B, H]) } as unknown as { h: Tensor; c: Tensor }), ArgumentError);
    expect(noC.startsWith('LSTMCell:')).toBe(true);
    expect(noC).toContain(`(${B},${H})`);
  });
});
