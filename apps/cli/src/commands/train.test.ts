import { CharLMTrainer } from '@unroll/tasks';
import { describe, expect, it } from 'vitest';
import { LIBRARY_TRAIN_FLAGS, type TrainFlags, type TrainOverrides, trainCommand, trainOptionsFromFlags } from './train.js';

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(60);

/** Parses `unroll train charlm ARGS` with commander exactly as the CLI does, without running it. */
async function parseFlags(args: string[]): Promise<TrainFlags> {
  const train = trainCommand();
  let flags: TrainFlags | undefined;
  train.commands.find((c) => c.name() === 'charlm')!.action((f: TrainFlags) => { flags = f; });
  await train.parseAsync(['charlm', ...args], { from: 'user' });
  return flags!;
}

/** Every parameter's bits, by name. */
function weights(t: CharLMTrainer): Record<string, number[]> {
  return Object.fromEntries(t.model.namedParameters().map(([n, p]) => [n, Array.from(new Uint32Array(Float32Array.from(p.data).buffer))]));
}

function trained(opts: TrainOverrides, steps = 2): CharLMTrainer {
  const t = CharLMTrainer.create(TEXT, opts);
  for (let i = 0; i < steps; i++) t.step();
  return t;
}

// a small model, so that each case trains in milliseconds; the flag under test comes after it and wins
const BASE_ARGS = ['--hidden', '8', '--seq', '8', '--batch', '2'];
const BASE: TrainOverrides = { seq: 8, batch: 2, model: { hidden: 8 } };

/** Each library flag, a value other than the default, and the same setting as a library option. */
const FLAG_CASES: Record<(typeof LIBRARY_TRAIN_FLAGS)[number], [string[], TrainOverrides]> = {
  cell: [['--cell', 'gru'], { model: { cell: 'gru' } }],
  hidden: [['--hidden', '12'], { model: { hidden: 12 } }],
  layers: [['--layers', '2'], { model: { layers: 2 } }],
  seq: [['--seq', '6'], { seq: 6 }],
  batch: [['--batch', '3'], { batch: 3 }],
  lr: [['--lr', '0.02'], { lr: 0.02 }],
  clip: [['--clip', '0.05'], { clip: 0.05 }],
  seed: [['--seed', '7'], { seed: 7 }],
  embed: [['--embed', '5'], { model: { embed: 5 } }],
  dropout: [['--layers', '2', '--dropout', '0.5'], { model: { layers: 2, dropout: 0.5 } }],
  optimizer: [['--optimizer', 'sgd'], { optimizer: 'sgd' }],
  lrDecay: [['--lr-decay', '0.5', '--decay-every', '1'], { lrDecay: 0.5, decayEvery: 1 }],
  decayEvery: [['--decay-every', '1'], { decayEvery: 1 }],
  schedule: [['--schedule', 'cosine', '--steps', '10'], { schedule: 'cosine', totalSteps: 10 }],
  warmup: [['--warmup', '5'], { warmup: 5 }],
  minLr: [['--schedule', 'linear', '--minutes', '1', '--min-lr', '0.001'], { schedule: 'linear', totalSteps: 0, minLr: 0.001 }],
};

describe('trainOptionsFromFlags', () => {
  it('maps every library flag to its CharLMTrainer.create option', async () => {
    const flags = await parseFlags(['--cell', 'rnn', '--hidden', '12', '--layers', '3', '--seq', '10', '--batch', '5', '--lr', '0.02', '--clip', '0.25', '--seed', '7']);
    expect(trainOptionsFromFlags(flags)).toEqual({
      seq: 10, batch: 5, lr: 0.02, clip: 0.25, seed: 7, optimizer: undefined, lrDecay: undefined, decayEvery: undefined, schedule: undefined, warmup: undefined, minLr: undefined, totalSteps: undefined,
      model: { cell: 'rnn', hidden: 12, layers: 3, embed: undefined, dropout: undefined },
    });
  });

  it('leaves absent flags undefined, so the library defaults hold', async () => {
    const opts = trainOptionsFromFlags(await parseFlags([]));
    expect(CharLMTrainer.create(TEXT, opts).config).toEqual(CharLMTrainer.create(TEXT).config);
  });

  for (const flag of LIBRARY_TRAIN_FLAGS) {
    it(`--${flag}: the run equals the library's with the same option (config and weights after 2 steps)`, async () => {
      const [args, option] = FLAG_CASES[flag];
      const fromCli = trained(trainOptionsFromFlags(await parseFlags([...BASE_ARGS, ...args])));
      const fromLibrary = trained({ ...BASE, ...option, model: { ...BASE.model, ...option.model } });
      const base = trained(BASE);
      expect(fromCli.config).toEqual(fromLibrary.config);
      expect(fromCli.config).not.toEqual(base.config); // the flag changed something
      expect(weights(fromCli)).toEqual(weights(fromLibrary));
      if (['clip', 'seed', 'lr', 'embed', 'optimizer', 'lrDecay', 'schedule', 'warmup'].includes(flag)) expect(weights(fromCli)).not.toEqual(weights(base));
    });
  }
});
