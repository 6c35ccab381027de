import { crossEntropy, Linear, Module, noGrad } from '@unroll/autograd';
import { Generator, oneHot, type Tensor, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { LSTM, type RecurrentLayer, type RecurrentState, RNN } from './layers.js';

/**
 * The lecture's worked example: a character-level RNN over the vocabulary [h, e, l, o], trained
 * on "hello" (inputs h,e,l,l -> targets e,l,l,o). The two 'l' inputs need different answers
 * (l -> l, then l -> o), so the model must use its hidden state. After training, sampling with
 * argmax from 'h' reproduces "hello".
 */
const VOCAB = ['h', 'e', 'l', 'o'] as const;
const ids = (s: string): number[] => [...s].map((ch) => VOCAB.indexOf(ch as (typeof VOCAB)[number]));

class CharModel extends Module {
  readonly rnn: RecurrentLayer;
  readonly head: Linear;

  constructor(kind: 'rnn' | 'lstm', hidden: number, generator: Generator) {
    super();
    this.rnn = kind === 'rnn' ? new RNN(VOCAB.length, hidden, { generator }) : new LSTM(VOCAB.length, hidden, { generator, forgetBias: 1 });
    this.head = new Linear(hidden, VOCAB.length, { generator });
  }

  /** ids (T) -> logits (T, 1, V) and the state after the last step. */
  forward(chars: readonly number[], state?: RecurrentState): { logits: Tensor; state: RecurrentState } {
    const x = oneHot(tensor(chars, [chars.length, 1], 'int32'), VOCAB.length); // (T, 1, V)
    const out = this.rnn.forward(x, { state });
    return { logits: this.head.forward(out.output), state: out.state };
  }
}

/** Adagrad, written out (as in the lecture's min-char-rnn): p -= lr g / sqrt(sum g^2 + eps). */
function adagrad(params: readonly Tensor[], lr: number) {
  const mem = params.map((p) => new Float64Array(p.size));
  return () => {
    params.forEach((p, k) => {
      const g = p.grad!;
      const m = mem[k]!;
      for (let i = 0; i < p.size; i++) {
        const gi = Math.max(-5, Math.min(5, g.data[i]!)); // clip, as the lecture does
        m[i] = m[i]! + gi * gi;
        p.data[i] = p.data[i]! - (lr * gi) / Math.sqrt(m[i]! + 1e-8);
      }
    });
  };
}

function predictions(model: CharModel, inputs: readonly number[]): string {
  return noGrad(() => {
    const { logits } = model.forward(inputs);
    return Array.from(logits.argmax(-1).data, (i) => VOCAB[i]!).join('');
  });
}

/** Greedy sampling: feed the argmax back in, one step at a time, carrying the state. */
function sample(model: CharModel, first: string, steps: number): string {
  return noGrad(() => {
    let state: RecurrentState | undefined;
    let ch = ids(first)[0]!;
    let out = '';
    for (let s = 0; s < steps; s++) {
      const r = model.forward([ch], state);
      state = r.state;
      ch = r.logits.argmax(-1).data[0]!;
      out += VOCAB[ch];
    }
    return out;
  });
}

describe('the lecture\'s "hello" character RNN', () => {
  for (const kind of ['rnn', 'lstm'] as const) {
    it(`${kind.toUpperCase()}: learns h,e,l,l -> e,l,l,o and samples "hello" from "h"`, () => {
      const model = new CharModel(kind, 16, new Generator(7));
      const inputs = ids('hell');
      const targets = tensor(ids('ello'), [4, 1], 'int32');
      const params = model.parameters();
      expect(params.length).toBe(6); // 4 recurrent + 2 head
      const step = adagrad(params, 0.1);

      const lossOf = () => crossEntropy(model.forward(inputs).logits, targets);
      const initial = noGrad(() => lossOf().item());
      // an untrained model does not already know the answer
      expect(predictions(model, inputs)).not.toBe('ello');

      let loss = initial;
      let steps = 0;
      for (; steps < 500; steps++) {
        model.zeroGrad();
        const l = lossOf();
        loss = l.item();
        if (loss < 0.02) break;
        l.backward();
        step();
      }
      expect(loss).toBeLessThan(0.02);
      expect(loss).toBeLessThan(initial / 20);
      // from each prefix h, he, hel, hell the next character is predicted
      expect(predictions(model, inputs)).toBe('ello');
      for (let n = 1; n <= 4; n++) expect(predictions(model, inputs.slice(0, n)).at(-1)).toBe('ello'[n - 1]);
      // sampling step by step from 'h' (state carried between calls) reproduces "hello"
      expect(`h${sample(model, 'h', 4)}`).toBe('hello');
    });
  }
});
