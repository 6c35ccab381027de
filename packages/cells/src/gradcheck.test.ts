import { type GradcheckReport, gradcheck } from '@unroll/autograd';
import { concat, Generator, gateWidth, mul, randn, sum, type Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { GRUCell, LSTMCell, RNNCell } from './cells.js';
import { GRU, LSTM, type RecurrentLayer, type RecurrentOptions, type RecurrentState, RNN } from './layers.js';
import { type CellWeights, cellStep } from './step.js';
import { TruncatedBPTT } from './tbptt.js';

/** Float64 finite differences, tolerances of the brief. */
const TOL = { atol: 1e-6, rtol: 1e-5 };

const f64 = { dtype: 'float64' } as const;

function flat(ts: readonly Tensor[]): Tensor {
  return concat(ts.map((t) => t.reshape([t.size])), 0);
}

function expectGradcheck(r: GradcheckReport, elements: number): void {
  expect(r.ok, `worst: ${JSON.stringify(r.worst)} (excess ${r.worstExcess})`).toBe(true);
  // every element of every input was compared (no input silently skipped)
  expect(r.checked).toBe(elements);
}

const totalSize = (ts: readonly Tensor[]): number => ts.reduce((n, t) => n + t.size, 0);

/** Replaces a layer's weights by the given tensors (gradcheck's leaves) for the duration of `fn`. */
function withLayerWeights<T>(layer: RecurrentLayer, names: readonly string[], ws: readonly Tensor[], fn: () => T): T {
  const byName = new Map(names.map((n, i) => [n, ws[i]!]));
  const original = layer.cellWeights;
  layer.cellWeights = (l: number, reverse: boolean): CellWeights => {
    const s = `_l${l}${reverse ? '_reverse' : ''}`;
    return {
      weightIh: byName.get(`weight_ih${s}`)!,
      weightHh: byName.get(`weight_hh${s}`)!,
      biasIh: byName.get(`bias_ih${s}`) ?? null,
      biasHh: byName.get(`bias_hh${s}`) ?? null,
    };
  };
  try {
    return fn();
  } finally {
    layer.cellWeights = original;
  }
}

describe('gradcheck: cellStep with explicit weights', () => {
  for (const kind of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const) {
    it(kind, () => {
      const g = new Generator(3);
      const B = 3, D = 3, H = 3;
      const G = gateWidth(kind, H);
      const x = randn([B, D], { ...f64, generator: g });
      const h = randn([B, H], { ...f64, generator: g });
      const c = randn([B, H], { ...f64, generator: g });
      const w = [
        randn([G, D], { ...f64, generator: g, std: 0.5 }),
        randn([G, H], { ...f64, generator: g, std: 0.5 }),
        randn([G], { ...f64, generator: g, std: 0.5 }),
        randn([G], { ...f64, generator: g, std: 0.5 }),
      ];
      const inputs = [x, h, c, ...w];
      const r = gradcheck((xx, hh, cc, wi, wh, bi, bh) => {
        const s = cellStep(kind, xx!, { h: hh!, c: cc! }, { weightIh: wi!, weightHh: wh!, biasIh: bi!, biasHh: bh! });
        return kind === 'lstm' ? flat([s.h, s.c!]) : s.h;
      }, inputs, TOL);
      // c only reaches the output of the LSTM; elsewhere its (zero) gradient is still compared
      expectGradcheck(r, totalSize(inputs));
    });
  }
});

describe('gradcheck: the cell classes w.r.t. input, state and all parameters', () => {
  const B = 2, D = 3, H = 3;
  type AnyCell = RNNCell | LSTMCell | GRUCell;
  const cases: [string, () => AnyCell][] = [
    ['RNNCell tanh', () => new RNNCell(D, H, { dtype: 'float64', generator: new Generator(1) })],
    ['RNNCell relu', () => new RNNCell(D, H, { dtype: 'float64', generator: new Generator(2), nonlinearity: 'relu' })],
    ['LSTMCell', () => new LSTMCell(D, H, { dtype: 'float64', generator: new Generator(3) })],
    ['LSTMCell forgetBias 1', () => new LSTMCell(D, H, { dtype: 'float64', generator: new Generator(4), forgetBias: 1 })],
    ['GRUCell', () => new GRUCell(D, H, { dtype: 'float64', generator: new Generator(5) })],
    ['GRUCell without bias', () => new GRUCell(D, H, { dtype: 'float64', generator: new Generator(6), bias: false })],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const cell = make();
      const g = new Generator(7);
      const names = cell.namedParameters().map(([n]) => n);
      const params = cell.namedParameters().map(([, p]) => p as Tensor);
      expect(names.length).toBe(name.includes('without bias') ? 2 : 4);
      const x = randn([B, D], { ...f64, generator: g });
      const h = randn([B, H], { ...f64, generator: g });
      const c = randn([B, H], { ...f64, generator: g });
      const inputs = [x, h, c, ...params];
      const fields = cell as unknown as Record<string, Tensor>;
      const r = gradcheck((xx, hh, cc, ...ws) => {
        const saved = names.map((n) => fields[n]!);
        names.forEach((n, i) => { fields[n] = ws[i]!; });
        try {
          // two steps: the second one reuses the same weights on the state the first produced
          if (cell instanceof LSTMCell) {
            const s1 = cell.step(xx!, { h: hh!, c: cc! });
            const s2 = cell.step(mul(xx!, 0.5), s1);
            return flat([s1.h, s2.h, s2.c]);
          }
          const h1 = cell.step(xx!, hh!);
          return flat([h1, cell.step(mul(xx!, 0.5), h1)]);
        } finally {
          names.forEach((n, i) => { fields[n] = saved[i]!; });
        }
      }, inputs, TOL);
      expectGradcheck(r, totalSize(inputs));
    });
  }

  it('a cell without a given state starts from zeros (gradient w.r.t. x and weights only)', () => {
    const cell = new LSTMCell(D, H, { dtype: 'float64', generator: new Generator(8) });
    const names = cell.namedParameters().map(([n]) => n);
    const x = randn([B, D], { ...f64, generator: new Generator(9) });
    const inputs = [x, ...cell.parameters()];
    const fields = cell as unknown as Record<string, Tensor>;
    const r = gradcheck((xx, ...ws) => {
      const saved = names.map((n) => fields[n]!);
      names.forEach((n, i) => { fields[n] = ws[i]!; });
      try {
        const s = cell.step(xx!);
        return flat([s.h, s.c]);
      } finally {
        names.forEach((n, i) => { fields[n] = saved[i]!; });
      }
    }, inputs, TOL);
    expectGradcheck(r, totalSize(inputs));
  });
});

type Ctor = new (d: number, h: number, o: RecurrentOptions) => RecurrentLayer;
const LAYERS: [string, Ctor][] = [['RNN', RNN], ['LSTM', LSTM], ['GRU', GRU]];

interface LayerCase {
  name: string;
  opts: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' };
  lengths?: number[];
  withState?: boolean;
  only?: string[];
  /** Also check the composed cell-by-cell path (fused.test.ts compares the two everywhere). */
  composed?: boolean;
}

const LAYER_CASES: LayerCase[] = [
  { name: '1 layer', opts: {} },
  { name: '2 layers', opts: { numLayers: 2 } },
  { name: 'bidirectional', opts: { bidirectional: true } },
  { name: '2 layers, bidirectional, initial state', opts: { numLayers: 2, bidirectional: true }, withState: true },
  { name: 'lengths [4,1,3]', opts: {}, lengths: [4, 1, 3] },
  { name: 'bidirectional, lengths [4,1,3], initial state', opts: { bidirectional: true }, lengths: [4, 1, 3], withState: true, composed: true },
  { name: 'batchFirst, 2 layers, lengths [2,4,3]', opts: { batchFirst: true, numLayers: 2 }, lengths: [2, 4, 3] },
  { name: 'bias false, initial state', opts: { bias: false }, withState: true },
  { name: 'forgetBias 1, initial state', opts: { forgetBias: 1 }, withState: true, only: ['LSTM'] },
  { name: 'relu, 2 layers, initial state', opts: { nonlinearity: 'relu', numLayers: 2 }, withState: true, only: ['RNN'] },
];

describe('gradcheck: sequence layers w.r.t. input, initial state and all parameters', () => {
  const T = 4, B = 3, D = 3, H = 3;
  for (const [kindName, Layer] of LAYERS) {
    for (const c of LAYER_CASES) {
      if (c.only && !c.only.includes(kindName)) continue;
      for (const fused of c.composed ? [true, false] : [true]) {
        it(`${kindName}, ${c.name}, ${fused ? 'fused' : 'composed'}`, () => {
          const g = new Generator(100 + T);
          const layer = new Layer(D, H, { ...c.opts, dtype: 'float64', generator: g, fused });
          const dirs = c.opts.bidirectional ? 2 : 1;
          const L = (c.opts.numLayers ?? 1) * dirs;
          const named = layer.namedParameters();
          const names = named.map(([n]) => n);
          const params = named.map(([, p]) => p as Tensor);
          expect(params.length).toBe(L * (c.opts.bias === false ? 2 : 4));
          const x = randn(c.opts.batchFirst ? [B, T, D] : [T, B, D], { ...f64, generator: g });
          const isLstm = layer.kind === 'lstm';
          const state = c.withState
            ? [randn([L, B, H], { ...f64, generator: g }), ...(isLstm ? [randn([L, B, H], { ...f64, generator: g })] : [])]
            : [];
          const inputs = [x, ...state, ...params];
          const ns = state.length;
          const r = gradcheck((xx, ...rest) => {
            const st: RecurrentState | undefined = ns === 0 ? undefined : { h: rest[0]!, ...(ns === 2 ? { c: rest[1]! } : {}) };
            const ws = rest.slice(ns);
            return withLayerWeights(layer, names, ws, () => {
              const out = layer.forward(xx!, { state: st, lengths: c.lengths });
              return flat([out.output, out.state.h, ...(out.state.c ? [out.state.c] : [])]);
            });
          }, inputs, TOL);
          expectGradcheck(r, totalSize(inputs));
        });
      }
    }
  }
});

describe('gradcheck: a TruncatedBPTT chunk (k1 = 4, k2 = 2)', () => {
  for (const [kindName, Layer] of LAYERS) {
    it(`${kindName}: the chunk's gradient is the truncated objective's (detached states held constant)`, () => {
      const k1 = 4, B = 2, D = 2, H = 3;
      const g = new Generator(42);
      const layer = new Layer(D, H, { dtype: 'float64', generator: g });
      const names = layer.namedParameters().map(([n]) => n);
      const params = layer.parameters() as Tensor[];
      const tbptt = new TruncatedBPTT({ k1, k2: 2 });
      // a first chunk, so that the chunk under test starts from a carried state
      const first = randn([k1, B, D], { ...f64, generator: g });
      tbptt.runChunk(first, undefined, (xs, _y, state) => {
        const out = layer.forward(xs, { state });
        return { loss: out.output.sum(), state: out.state };
      });
      const carried = tbptt.state!;
      expect(carried.h.shape).toEqual([1, B, H]);
      const x = randn([k1, B, D], { ...f64, generator: g });
      const wOut = randn([k1, B, H], { ...f64, generator: g });

      // The states entering each segment, recorded on an unperturbed run. Detached states are
      // constants of the truncated objective, so the finite differences must hold them fixed.
      const frozen: RecurrentState[] = [];
      const runChunk = (xx: Tensor, ws: readonly Tensor[], mode: 'record' | 'frozen' | 'real'): Tensor => {
        tbptt.state = carried;
        let seg = 0;
        return withLayerWeights(layer, names, ws, () => tbptt.runChunk(xx, undefined, (xs, _y, state) => {
          expect(state).toBeDefined();
          if (mode === 'record') frozen.push({ h: state!.h.clone(), ...(state!.c ? { c: state!.c.clone() } : {}) });
          const st = mode === 'frozen' ? frozen[seg]! : state!;
          const out = layer.forward(xs, { state: st });
          const w = wOut.slice([seg * 2, seg * 2 + 2]);
          seg++;
          let loss = sum(mul(out.output, w));
          loss = loss.add(out.state.h.square().sum());
          if (out.state.c) loss = loss.add(out.state.c.sum());
          return { loss, state: out.state };
        }));
      };
      runChunk(x, params, 'record');
      expect(frozen.length).toBe(2);
      // the second segment starts where the first ended (forward is not truncated)
      expect(frozen[1]!.h.data).not.toEqual(carried.h.data);

      const inputs = [x, ...params];
      const r = gradcheck((xx, ...ws) => runChunk(xx!, ws, 'frozen'), inputs, TOL);
      expectGradcheck(r, totalSize(inputs));

      // and the analytic gradient of the real (detaching) run equals that of the frozen run
      const leavesA = inputs.map((t) => t.clone().requiresGrad_());
      const leavesB = inputs.map((t) => t.clone().requiresGrad_());
      const la = runChunk(leavesA[0]!, leavesA.slice(1), 'frozen');
      const lb = runChunk(leavesB[0]!, leavesB.slice(1), 'real');
      expect(lb.item()).toBeCloseTo(la.item(), 12);
      la.backward();
      lb.backward();
      leavesA.forEach((t, i) => {
        const a = Array.from(t.grad!.data);
        const b = Array.from(leavesB[i]!.grad!.data);
        b.forEach((v, j) => {
          expect(v).toBeCloseTo(a[j]!, 12);
        });
      });
    });
  }
});
