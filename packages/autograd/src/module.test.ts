import { Generator, ones, randn, type Tensor, tensor, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import {
  Buffer, Dropout, Embedding, LayerNorm, Linear, Module, Parameter, Sequential, StateDictError, Tanh,
} from './index.js';

class Block extends Module {
  fc = new Linear(3, 4, { generator: new Generator(1) });
  norm = new LayerNorm(4);
  drop = new Dropout(0.1);
  forward(x: Tensor): Tensor {
    return this.drop.forward(this.norm.forward(this.fc.forward(x)));
  }
}

class Net extends Module {
  emb = new Embedding(10, 3, { generator: new Generator(2) });
  blocks = [new Block(), new Block()];
  layers = new Sequential(new Linear(4, 4, { generator: new Generator(3) }), new Tanh(), new Linear(4, 2, { generator: new Generator(4) }));
  scale = new Parameter(ones([1]));
  stats = new Buffer(zeros([2]));
  name = 'not a tensor';
  count = 3;
  plain = zeros([5]); // a bare tensor is neither a parameter nor a buffer
}

const EXPECTED_PARAMS = [
  'emb.weight',
  'blocks.0.fc.weight', 'blocks.0.fc.bias', 'blocks.0.norm.weight', 'blocks.0.norm.bias',
  'blocks.1.fc.weight', 'blocks.1.fc.bias', 'blocks.1.norm.weight', 'blocks.1.norm.bias',
  'layers.layers.0.weight', 'layers.layers.0.bias', 'layers.layers.2.weight', 'layers.layers.2.bias',
  'scale',
];

describe('parameter discovery', () => {
  it('namedParameters gives PyTorch-style dotted names in field order, through arrays and nesting', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual(EXPECTED_PARAMS);
    expect(net.parameters()).toHaveLength(EXPECTED_PARAMS.length);
    expect(net.parameters()[0]).toBe(net.emb.weight);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['stats']);
    expect(net.numParameters()).toBe(10 * 3 + 2 * (3 * 4 + 4 + 4 + 4) + (4 * 4 + 4) + (4 * 2 + 2) + 1);
  });

  it('a Sequential lists layers.0.weight', () => {
    const seq = new Sequential(new Linear(2, 3), new Tanh(), new Linear(3, 1, { bias: false }));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight']);
  });

  it('namedModules lists every submodule with its path, the root as ""', () => {
    const names = new Net().namedModules().map(([n]) => n);
    expect(names).toEqual([
      '', 'emb', 'blocks.0', 'blocks.0.fc', 'blocks.0.norm', 'blocks.0.drop',
      'blocks.1', 'blocks.1.fc', 'blocks.1.norm', 'blocks.1.drop',
      'layers', 'layers.layers.0', 'layers.layers.1', 'layers.layers.2',
    ]);
  });

  it('a shared parameter (tied weights) is listed once, under its first name', () => {
    class Tied extends Module {
      emb = new Embedding(6, 4);
      out = new Linear(4, 6, { bias: false });
      constructor() {
        super();
        this.out.weight = this.emb.weight;
      }
    }
    const m = new Tied();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['emb.weight']);
    expect(Object.keys(m.stateDict())).toEqual(['emb.weight']);

    class SharedModule extends Module {
      a = new Linear(2, 2);
      b = this.a;
    }
    expect(new SharedModule().namedParameters().map(([n]) => n)).toEqual(['a.weight', 'a.bias']);
  });

  it('fields named in skipFields are not collected', () => {
    class Owner extends Module {
      own = new Linear(2, 2);
      ref: Linear;
      protected static override readonly skipFields = ['ref'];
      constructor(other: Linear) {
        super();
        this.ref = other;
      }
    }
    const m = new Owner(new Linear(3, 3));
    expect(m.namedParameters().map(([n]) => n)).toEqual(['own.weight', 'own.bias']);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', 'own']);
  });
});

describe('modes and gradients', () => {
  it('train()/eval() propagate to every submodule, including those in arrays and Sequential', () => {
    const net = new Net();
    const modes = (): boolean[] => net.namedModules().map(([, m]) => m.training);
    expect(modes().every((t) => t)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(modes().every((t) => !t)).toBe(true);
    net.train();
    expect(modes().every((t) => t)).toBe(true);
    net.train(false);
    expect(net.blocks[1]!.drop.training).toBe(false);
    expect(net.layers.layers[1]!.training).toBe(false);
  });

  it('zeroGrad clears every parameter gradient', () => {
    const net = new Net();
    const x = tensor([[1, 2, 3]]);
    const h = net.blocks[0]!.forward(x);
    net.layers.forward(h).mul(net.scale).sum().add(net.emb.forward(tensor([1], undefined, 'int32')).sum()).backward();
    expect(net.blocks[0]!.fc.weight.grad).not.toBeNull();
    expect(net.scale.grad).not.toBeNull();
    expect(net.emb.weight.grad).not.toBeNull();
    net.zeroGrad();
    for (const [n, p] of net.namedParameters()) expect(p.grad, n).toBeNull();
  });

  it('Parameter requires grad, Buffer does not', () => {
    expect(new Parameter(zeros([2])).requiresGrad).toBe(true);
    expect(new Buffer(zeros([2])).requiresGrad).toBe(false);
  });
});

describe('state dicts', () => {
  const randomize = (m: Module, seed: number): void => {
    const g = new Generator(seed);
    for (const t of Object.values(m.stateDict())) t.data.set(randn(t.shape, { generator: g, dtype: t.dtype }).data);
  };

  it('stateDict holds parameters and buffers by name', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual([...EXPECTED_PARAMS, 'stats']);
    expect(sd['blocks.1.fc.weight']).toBe(net.blocks[1]!.fc.weight);
    expect(sd['blocks.1.fc.weight']!.shape).toEqual([4, 3]);
  });

  it('round trip: loading one model\'s state dict into another reproduces values and outputs', () => {
    const a = new Net();
    randomize(a, 10);
    const b = new Net();
    randomize(b, 11);
    const snapshot = Object.fromEntries(Object.entries(a.stateDict()).map(([k, t]) => [k, t.clone()]));
    const res = b.loadStateDict(snapshot);
    expect(res).toEqual({ missing: [], unexpected: [] });
    for (const [k, t] of Object.entries(b.stateDict())) expect(Array.from(t.data), k).toEqual(Array.from(snapshot[k]!.data));
    // loading copies: the model does not alias the dict's tensors
    expect(b.stateDict()['emb.weight']!.data).not.toBe(snapshot['emb.weight']!.data);
    a.eval();
    b.eval();
    const x = tensor([[0.5, -1, 2]]);
    expect(Array.from(b.layers.forward(b.blocks[0]!.forward(x)).data)).toEqual(Array.from(a.layers.forward(a.blocks[0]!.forward(x)).data));
  });

  it('loading converts dtypes (float64 values into float32 parameters)', () => {
    const m = new Linear(2, 1);
    m.loadStateDict({ weight: tensor([[0.25, -0.5]], undefined, 'float64'), bias: tensor([1.5], undefined, 'float64') });
    expect(m.weight.dtype).toBe('float32');
    expect(Array.from(m.weight.data)).toEqual([0.25, -0.5]);
    expect(m.bias!.item()).toBe(1.5);
  });

  it('strict load names missing, unexpected and mismatched keys in one StateDictError, and copies nothing', () => {
    const net = new Net();
    randomize(net, 3);
    const before = Array.from(net.emb.weight.data);
    const sd: Record<string, Tensor> = Object.fromEntries(Object.entries(new Net().stateDict()).map(([k, t]) => [k, t.clone()]));
    delete sd['blocks.1.norm.bias'];
    delete sd.scale;
    sd['blocks.2.fc.weight'] = zeros([4, 3]);
    sd['extra'] = zeros([1]);
    sd['layers.layers.2.weight'] = zeros([3, 4]);
    let err: unknown;
    try {
      net.loadStateDict(sd);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    const msg = (err as Error).message;
    for (const k of ['blocks.1.norm.bias', 'scale', 'blocks.2.fc.weight', 'extra', 'layers.layers.2.weight']) expect(msg).toContain(k);
    expect(msg).toMatch(/missing/);
    expect(msg).toMatch(/unexpected/);
    expect(msg).toMatch(/\(2,4\)/); // expected shape of layers.layers.2.weight
    expect(msg).toMatch(/\(3,4\)/); // the shape that was given
    expect(Array.from(net.emb.weight.data)).toEqual(before);
  });

  it('strict load with only a missing key still throws', () => {
    const m = new Linear(2, 2);
    expect(() => m.loadStateDict({ weight: zeros([2, 2]) })).toThrow(/missing keys: bias/);
  });

  it('non-strict load allows missing and unexpected keys, reporting them', () => {
    const m = new Linear(2, 3);
    const bias = Array.from(m.bias!.data);
    const res = m.loadStateDict({ weight: ones([3, 2]), 'other.weight': zeros([1]) }, { strict: false });
    expect(res).toEqual({ missing: ['bias'], unexpected: ['other.weight'] });
    expect(Array.from(m.weight.data)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(m.bias!.data)).toEqual(bias);
  });

  it('non-strict load still rejects a shape mismatch and copies nothing', () => {
    const m = new Linear(2, 3);
    const w = Array.from(m.weight.data);
    const b = Array.from(m.bias!.data);
    expect(() => m.loadStateDict({ weight: ones([2, 3]), bias: zeros([3]) }, { strict: false })).toThrow(StateDictError);
    expect(() => m.loadStateDict({ weight: ones([2, 3]), bias: zeros([3]) }, { strict: false })).toThrow(/weight: expected \(3,2\), got \(2,3\)/);
    expect(Array.from(m.weight.data)).toEqual(w);
    expect(Array.from(m.bias!.data)).toEqual(b);
  });

  it('buffers round trip too', () => {
    const a = new Net();
    a.stats.data.set([7, 8]);
    const b = new Net();
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.stats.data)).toEqual([7, 8]);
  });
});
