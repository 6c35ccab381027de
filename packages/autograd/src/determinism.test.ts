import { Generator, randint, randn, type Tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint } from './checkpoint.js';
import { Dropout, Linear } from './layers.js';
import { crossEntropy } from './losses.js';
import { Module } from './module.js';
import { Adam } from './optim/adam.js';
import './index.js';

class Net extends Module {
  fc1: Linear;
  drop: Dropout;
  fc2: Linear;
  constructor(readonly g: Generator) {
    super();
    this.fc1 = new Linear(6, 16, { generator: g });
    this.drop = new Dropout(0.2, { generator: g });
    this.fc2 = new Linear(16, 4, { generator: g });
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.drop.forward(this.fc1.forward(x).tanh()));
  }
}

const data = new Generator(99);
const xs = randn([100, 8, 6], { generator: data });
const ys = randint(0, 4, [100, 8], { generator: data });

function train(net: Net, opt: Adam, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    opt.zeroGrad();
    crossEntropy(net.forward(xs.slice(s)), ys.slice(s)).backward();
    opt.step();
  }
}

const snapshot = (net: Net) => net.parameters().map((p) => Array.from(p.data));

describe('determinism', () => {
  it('same seed and data give bitwise identical parameters after 100 steps', () => {
    const runs = [0, 1].map(() => {
      const net = new Net(new Generator(5));
      train(net, new Adam(net.parameters(), { lr: 1e-2 }), 0, 100);
      return snapshot(net);
    });
    expect(runs[1]).toEqual(runs[0]);
    const other = new Net(new Generator(6));
    train(other, new Adam(other.parameters(), { lr: 1e-2 }), 0, 100);
    expect(snapshot(other)).not.toEqual(runs[0]);
  });

  it('a run saved at step 50 and resumed equals the uninterrupted run at step 100', () => {
    const full = new Net(new Generator(5));
    train(full, new Adam(full.parameters(), { lr: 1e-2 }), 0, 100);

    const first = new Net(new Generator(5));
    const opt1 = new Adam(first.parameters(), { lr: 1e-2 });
    train(first, opt1, 0, 50);
    const bytes = encodeCheckpoint({ model: first, optimizer: opt1, metadata: { rng: first.g.getState() } });

    const decoded = decodeCheckpoint(bytes);
    const g = new Generator(0).setState((decoded.metadata as { rng: number[] }).rng);
    const resumed = new Net(new Generator(123)); // different init, overwritten by the checkpoint
    resumed.drop.generator = g;
    const opt2 = new Adam(resumed.parameters(), { lr: 0.5 });
    restoreCheckpoint(decoded, { model: resumed, optimizer: opt2 });
    train(resumed, opt2, 50, 100);
    expect(snapshot(resumed)).toEqual(snapshot(full));
  });
});
