import { loadMobyDick, readTextCorpus } from '@unroll/datasets';
import { CharLMTrainer, sampleText } from '@unroll/tasks';
import { getBackend } from '@unroll/tensor';
import { writeFileAtomic } from '@unroll/tensor/node';
import { Command } from 'commander';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber } from '../args.js';
import { printJson, withCheckpoint } from '../io.js';
import { Progress } from '../progress.js';

/** The parsed flags of `unroll train charlm` (commander's camel-cased names). */
export interface TrainFlags {
  data?: string;
  cell?: 'lstm' | 'gru' | 'rnn';
  hidden?: number;
  layers?: number;
  seq?: number;
  batch?: number;
  lr?: number;
  clip?: number;
  steps?: number;
  minutes?: number;
  out: string;
  resume?: string;
  seed?: number;
  evalEvery: number;
  sampleEvery: number;
  json?: boolean;
}

/** Default training budget when neither --steps nor --minutes is given. */
export const DEFAULT_MINUTES = 5;

/**
 * The line `unroll train` writes to stderr once its Ctrl-C handler is installed: from then on,
 * SIGINT stops training after the current step and saves the checkpoint.
 */
export const SIGINT_READY_LINE = 'training: Ctrl-C saves a checkpoint and stops';

/** The flags that become `CharLMTrainer.create` options (a resumed run keeps its saved ones). */
export const LIBRARY_TRAIN_FLAGS = ['cell', 'hidden', 'layers', 'seq', 'batch', 'lr', 'clip', 'seed'] as const;

/** The options `CharLMTrainer.create` takes. */
export type TrainOverrides = NonNullable<Parameters<typeof CharLMTrainer.create>[1]>;

/**
 * The library options of a fresh `unroll train charlm` run: each of `LIBRARY_TRAIN_FLAGS` under
 * its `CharLMTrainer.create` name; a flag not given stays undefined, so the library default holds.
 *
 * @example
 * ```ts
 * const opts = trainOptionsFromFlags({ clip: 1, seed: 7, out: 'm.safetensors', evalEvery: 100, sampleEvery: 0 });
 * const trainer = CharLMTrainer.create(text, opts); // what `unroll train charlm --clip 1 --seed 7` trains
 * ```
 */
export function trainOptionsFromFlags(flags: TrainFlags): TrainOverrides {
  return {
    seq: flags.seq, batch: flags.batch, lr: flags.lr, clip: flags.clip, seed: flags.seed,
    model: { cell: flags.cell, hidden: flags.hidden, layers: flags.layers },
  };
}

async function loadText(data: string | undefined): Promise<string> {
  return data ? readTextCorpus(data) : loadMobyDick();
}

async function run(flags: TrainFlags): Promise<void> {
  const progress = new Progress(flags.json ? false : process.stdout.isTTY === true, flags.steps);
  const log = (line: string) => { if (!flags.json) progress.log(line); };
  const text = await loadText(flags.data);
  let trainer: CharLMTrainer;
  if (flags.resume) {
    const ignored = LIBRARY_TRAIN_FLAGS.filter((k) => flags[k] !== undefined);
    if (ignored.length > 0) process.stderr.write(`unroll: note: --resume continues the saved configuration; ignoring ${ignored.map((k) => `--${k}`).join(', ')}\n`);
    trainer = await withCheckpoint(flags.resume, (bytes) => CharLMTrainer.resume(bytes, text));
  } else {
    trainer = CharLMTrainer.create(text, trainOptionsFromFlags(flags));
  }
  const minutes = flags.steps === undefined ? (flags.minutes ?? DEFAULT_MINUTES) : flags.minutes;
  const stopAtStep = flags.steps === undefined ? Infinity : trainer.stepCount + flags.steps;
  const deadline = minutes === undefined ? Infinity : Date.now() + minutes * 60_000;
  let interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.on('SIGINT', onSigint);
  process.stderr.write(`${SIGINT_READY_LINE}\n`);
  const c = trainer.config;
  log(`training a ${c.model.layers}-layer ${c.model.cell.toUpperCase()} (hidden ${c.model.hidden}, ${trainer.model.numParameters().toLocaleString('en')} parameters) on ${text.length.toLocaleString('en')} characters, vocabulary ${trainer.vocab.size}, seq ${c.seq}, batch ${c.batch}, ${getBackend().name} backend`);
  let valBpc: number | undefined;
  const started = Date.now();
  const tokens0 = trainer.tokens;
  try {
    progress.start();
    while (!interrupted && trainer.stepCount < stopAtStep && Date.now() < deadline) {
      // yield to the event loop so that the SIGINT handler can run (the steps are synchronous)
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (interrupted) break;
      const { loss } = trainer.step();
      const step = trainer.stepCount;
      if (step % flags.evalEvery === 0) valBpc = trainer.validate({ maxChars: 20_000 }).bitsPerChar;
      const tokensPerSec = (trainer.tokens - tokens0) / Math.max((Date.now() - started) / 1000, 1e-3);
      progress.update({ step, loss, valBpc, tokensPerSec });
      if (flags.sampleEvery > 0 && step % flags.sampleEvery === 0) {
        log(`--- sample at step ${step} ---\n${sampleText(trainer.model, trainer.vocab, { prime: '\n', length: 200, temperature: 0.8, seed: step })}\n---`);
      }
      if (!flags.json && !progress.tty && step % 50 === 0) {
        log(`step ${step}  loss ${loss.toFixed(3)}  ${valBpc === undefined ? '' : `val ${valBpc.toFixed(3)} bits/char  `}${tokensPerSec.toFixed(0)} tokens/s`);
      }
    }
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  const val = trainer.validate();
  await writeFileAtomic(flags.out, trainer.checkpoint());
  const sample = sampleText(trainer.model, trainer.vocab, { prime: 'The ', length: 300, temperature: 0.8, seed: 1 });
  const summary = {
    steps: trainer.stepCount,
    seconds: Number(trainer.seconds.toFixed(1)),
    tokens: trainer.tokens,
    valLoss: Number(val.nats.toFixed(4)),
    valBitsPerChar: Number(val.bitsPerChar.toFixed(4)),
    valPerplexity: Number(val.perplexity.toFixed(3)),
    checkpoint: flags.out,
    interrupted,
    sample,
  };
  if (flags.json) printJson(summary);
  else {
    process.stdout.write(`${interrupted ? 'interrupted: ' : ''}step ${summary.steps}, validation loss ${summary.valLoss} nats/char (${summary.valBitsPerChar} bits/char, perplexity ${summary.valPerplexity})\n`);
    process.stdout.write(`saved ${flags.out}\n--- sample (temperature 0.8) ---\nThe ${sample}\n`);
  }
}

/** `unroll train charlm`: trains a character language model. */
export function trainCommand(): Command {
  const train = new Command('train').description('train a model');
  train
    .command('charlm')
    .description('train a character-level language model (default: an LSTM on Moby Dick for a few minutes)')
    .option('--data <file>', 'UTF-8 text file to train on (default: Moby Dick)')
    .option('--cell <kind>', 'recurrent cell: lstm, gru or rnn (default lstm)', oneOf('lstm', 'gru', 'rnn'))
    .option('--hidden <n>', 'hidden units per layer', positiveInt)
    .option('--layers <n>', 'recurrent layers', positiveInt)
    .option('--seq <n>', 'time steps per chunk (truncated BPTT length)', positiveInt)
    .option('--batch <n>', 'parallel streams per batch', positiveInt)
    .option('--lr <x>', 'learning rate', positiveNumber)
    .option('--clip <x>', 'gradient-norm clipping threshold (0: off)', nonNegativeNumber)
    .option('--steps <n>', 'stop after this many steps', positiveInt)
    .option('--minutes <m>', `stop after this many minutes (default ${DEFAULT_MINUTES} when --steps is not given)`, positiveNumber)
    .option('--out <ckpt>', 'checkpoint to write', 'charlm.safetensors')
    .option('--resume <ckpt>', 'continue a run from its checkpoint (same data)')
    .option('--seed <n>', 'random seed', nonNegativeInt)
    .option('--eval-every <n>', 'validate every n steps', positiveInt, 100)
    .option('--sample-every <n>', 'print a sample every n steps (0: never)', nonNegativeInt, 500)
    .option('--json', 'print a machine-readable summary')
    .action(async (flags: TrainFlags) => run(flags));
  return train;
}
