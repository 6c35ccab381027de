import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Tensor, tensor } from '@unroll/tensor';
import { expectClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { bceWithLogits, crossEntropy, Embedding, LayerNorm, Linear, Module, mse } from './index.js';

/** Golden values from PyTorch 1.13, written by fixtures/make_autograd_fixtures.py. */
interface Flat { shape: number[]; data: number[] }
interface Golden {
  ignore_index: number;
  layer_norm_eps: number;
  weights: Record<string, Flat>;
  ids: Flat;
  targets: Flat;
  logits: Flat;
  ce: { loss: number; grads: Record<string, Flat> };
  mse_bce: { mse_target: Flat; bce_target: Flat; mse: number; bce: number; loss: number; grads: Record<string, Flat> };
}

const golden = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/autograd_golden.json', import.meta.url)), 'utf8'),
) as Golden;

const f64 = (f: Flat): Tensor => tensor(f.data, f.shape, 'float64');
const i32 = (f: Flat): Tensor => tensor(f.data, f.shape, 'int32');

/** The fixture's network, with the same field names so the state dict names match PyTorch's. */
class Net extends Module {
  emb = new Embedding(7, 5, { paddingIdx: 0, dtype: 'float64' });
  fc1 = new Linear(5, 6, { dtype: 'float64' });
  ln = new LayerNorm(6, golden.layer_norm_eps, { dtype: 'float64' });
  fc2 = new Linear(6, 4, { dtype: 'float64' });
  forward(ids: Tensor): Tensor {
    return this.fc2.forward(this.ln.forward(this.fc1.forward(this.emb.forward(ids)).tanh()));
  }
}

const TOL = 1e-10;

function build(): Net {
  const net = new Net();
  const res = net.loadStateDict(Object.fromEntries(Object.entries(golden.weights).map(([k, v]) => [k, f64(v)])));
  expect(res).toEqual({ missing: [], unexpected: [] });
  return net;
}

describe('PyTorch goldens: Embedding -> Linear -> tanh -> LayerNorm -> Linear (float64)', () => {
  it('the Unroll model has exactly the PyTorch state dict names and shapes', () => {
    const sd = new Net().stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(golden.weights));
    for (const [k, v] of Object.entries(golden.weights)) expect(sd[k]!.shape, k).toEqual(v.shape);
  });

  it('logits match', () => {
    const net = build();
    const logits = net.forward(i32(golden.ids));
    expect(logits.shape).toEqual(golden.logits.shape);
    expectClose(logits.data, golden.logits.data, { atol: TOL, rtol: TOL, label: 'logits' });
  });

  it('cross-entropy with ignore_index: loss and every parameter gradient', () => {
    const net = build();
    const loss = crossEntropy(net.forward(i32(golden.ids)), i32(golden.targets), { ignoreIndex: golden.ignore_index });
    expectClose([loss.item()], [golden.ce.loss], { atol: TOL, rtol: TOL, label: 'ce loss' });
    loss.backward();
    const names = net.namedParameters().map(([n]) => n);
    expect(names.sort()).toEqual(Object.keys(golden.ce.grads).sort());
    for (const [name, p] of net.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.shape, name).toEqual(golden.ce.grads[name]!.shape);
      expectClose(p.grad!.data, golden.ce.grads[name]!.data, { atol: TOL, rtol: TOL, label: `ce grad ${name}` });
    }
    // the padding row gets no gradient in either framework
    expect(Array.from(net.emb.weight.grad!.data.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
  });

  it('MSE + BCE-with-logits head: both losses and every parameter gradient', () => {
    const net = build();
    const logits = net.forward(i32(golden.ids));
    const m = mse(logits, f64(golden.mse_bce.mse_target));
    const b = bceWithLogits(logits, f64(golden.mse_bce.bce_target));
    expectClose([m.item()], [golden.mse_bce.mse], { atol: TOL, rtol: TOL, label: 'mse' });
    expectClose([b.item()], [golden.mse_bce.bce], { atol: TOL, rtol: TOL, label: 'bce' });
    const total = m.add(b);
    expectClose([total.item()], [golden.mse_bce.loss], { atol: TOL, rtol: TOL, label: 'mse + bce' });
    total.backward();
    for (const [name, p] of net.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expectClose(p.grad!.data, golden.mse_bce.grads[name]!.data, { atol: TOL, rtol: TOL, label: `mse+bce grad ${name}` });
    }
  });

  it('a second backward accumulates to twice the PyTorch gradient', () => {
    const net = build();
    const run = (): void => crossEntropy(net.forward(i32(golden.ids)), i32(golden.targets), { ignoreIndex: golden.ignore_index }).backward();
    run();
    run();
    expectClose(net.fc1.weight.grad!.data, golden.ce.grads['fc1.weight']!.data.map((v) => 2 * v), { atol: TOL, rtol: TOL, label: 'accumulated fc1.weight' });
  });
});
