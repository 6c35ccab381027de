import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { AnomalyError } from '@unroll/autograd';
import { loadMobyDick, readTextCorpus } from '@unroll/datasets';
import { CharLMTrainer, type DataFingerprint, NonFiniteError, sampleText, type TrainEvent, train } from '@unroll/tasks';
import { fileStore } from '@unroll/tasks/node';
import { getBackend } from '@unroll/tensor';
import { Command, InvalidArgumentError } from 'commander';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber, unitInterval } from '../args.js';
import { CliError } from '../fail.js';
import { printJson, withCheckpoint } from '../io.js';
import { checkOutputPath } from '../outputs.js';
import { onBrokenPipe, out, stdoutBroken } from '../pipe.js';
import { Progress } from '../progress.js';

/** When to save during training: every so many steps, or every so many minutes. */
export type SaveEvery = { steps: number } | { minutes: number };

/** The parsed flags of `unroll train charlm` (commander's camel-cased names). */
export interface TrainFlags {
  data?: string;
  cell?: 'lstm' | 'gru' | 'rnn';
  hidden?: number;
  layers?: number;
  embed?: number;
  dropout?: number;
  seq?: number;
  batch?: number;
  optimizer?: 'adam' | 'rmsprop' | 'adagrad' | 'sgd';
  lr?: number;
  lrDecay?: number;
  decayEvery?: number;
  schedule?: 'step' | 'cosine' | 'linear' | 'constant';
  warmup?: number;
  minLr?: number;
  clip?: number;
  steps?: number;
  minutes?: number;
  out: string;
  resume?: string;
  force?: boolean;
  saveEvery?: SaveEvery;
  keep?: number;
  log?: string;
  logEvery?: number;
  valChars?: number;
  detectAnomaly?: boolean;
  seed?: number;
  evalEvery: number;
  sampleEvery: number;
  json?: boolean;
}

/** Default training budget when neither --steps nor --minutes is given. */
export const DEFAULT_MINUTES = 5;

/**
 * The line `unroll train` writes to stderr once its signal handlers are installed: from then on,
 * SIGINT, SIGTERM and SIGHUP stop training after the current step and save the checkpoint.
 */
export const SIGINT_READY_LINE = 'training: Ctrl-C saves a checkpoint and stops';

/** The flags that become `CharLMTrainer.create` options (a resumed run keeps its saved ones). */
export const LIBRARY_TRAIN_FLAGS = ['cell', 'hidden', 'layers', 'embed', 'dropout', 'seq', 'batch', 'optimizer', 'lr', 'lrDecay', 'decayEvery', 'schedule', 'warmup', 'minLr', 'clip', 'seed'] as const;

/** The options `CharLMTrainer.create` takes. */
export type TrainOverrides = NonNullable<Parameters<typeof CharLMTrainer.create>[1]>;

const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

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
    seq: flags.seq, batch: flags.batch, optimizer: flags.optimizer, lr: flags.lr, lrDecay: flags.lrDecay, decayEvery: flags.decayEvery, clip: flags.clip, seed: flags.seed,
    schedule: flags.schedule, warmup: flags.warmup, minLr: flags.minLr,
    // cosine and linear end with the budget: its steps, or (0) the elapsed fraction of --minutes
    totalSteps: flags.schedule === 'cosine' || flags.schedule === 'linear' ? (flags.steps ?? 0) : undefined,
    model: { cell: flags.cell, hidden: flags.hidden, layers: flags.layers, embed: flags.embed, dropout: flags.dropout },
  };
}

/**
 * Parses `--save-every`: a step count (`200`) or minutes (`10m`).
 *
 * @example `parseSaveEvery('10m') // { minutes: 10 }`
 */
export function parseSaveEvery(value: string): SaveEvery {
  if (/^\d+$/.test(value) && Number(value) > 0) return { steps: Number(value) };
  const m = /^(\d+(?:\.\d+)?)m$/.exec(value);
  if (m && Number(m[1]) > 0) return { minutes: Number(m[1]) };
  throw new InvalidArgumentError(`expected a step count (200) or minutes (10m), got '${value}'`);
}

function dropoutValue(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError(`expected a number in [0, 1), got '${value}'`);
  return n;
}

/** Characters by code point, as a reader counts them (not UTF-16 units). */
export function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || text.charCodeAt(i - 1) < 0xd800 || text.charCodeAt(i - 1) > 0xdbff) n++;
  }
  return n;
}

/**
 * The training text's identity: code points and the SHA-256 of its UTF-8 bytes.
 *
 * @example `fingerprint('abc') // { chars: 3, hash: 'sha256:ba7816bf…' }`
 */
export function fingerprint(text: string): DataFingerprint {
  return { chars: countCodePoints(text), hash: `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}` };
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** The library's data-size errors, in the CLI's words (no internal function names). */
function dataError(e: unknown, data: string): never {
  const msg = e instanceof Error ? e.message : String(e);
  const name = data ? `'${data}'` : 'the corpus';
  const batcher = /^StreamBatcher: (\d+) characters are too few for batch (\d+) x seq (\d+) \(need at least (\d+)\)/.exec(msg);
  if (batcher) throw new CliError(`${name}: its training part has ${batcher[1]} characters, too few for --batch ${batcher[2]} x --seq ${batcher[3]} (need at least ${batcher[4]}); use a longer text or smaller --batch/--seq`, 2);
  const split = /^splitTrainVal: a text of (\d+) characters is too short to split/.exec(msg);
  if (split) throw new CliError(`${name}: ${split[1]} characters are too few to split into training and validation`, 2);
  throw e;
}

/** One line of `--log` / `--json`: a logged step. */
interface LogRecord {
  step: number;
  loss: number;
  lr: number;
  tokensPerSec: number;
  gradNorm: number;
  valLoss?: number;
  valBitsPerChar?: number;
}

async function run(flags: TrainFlags, cmd: Command): Promise<void> {
  // everything that can be checked before the work is checked now
  await checkOutputPath(flags.out, '--out');
  if (flags.log !== undefined) await checkOutputPath(flags.log, '--log');
  if (flags.resume && !existsSync(flags.resume)) throw new CliError(`--resume '${flags.resume}': no such file`, 2);
  const ownSource = flags.resume !== undefined && samePath(flags.resume, flags.out);
  if (existsSync(flags.out) && !ownSource && !flags.force) {
    throw new CliError(`--out '${flags.out}' already exists and is not the checkpoint being resumed; pass --force to overwrite it`, 2);
  }
  if (flags.saveEvery === undefined && flags.keep !== undefined && flags.keep > 1) throw new CliError('--keep needs --save-every (it keeps the last N periodic checkpoints)', 2);

  const progress = new Progress(flags.json ? false : process.stdout.isTTY === true, flags.steps);
  const say = (line: string) => { if (!flags.json && !stdoutBroken()) progress.log(line); };
  const text = flags.data ? await readTextCorpus(flags.data) : await loadMobyDick();
  const data = fingerprint(text);
  let trainer: CharLMTrainer;
  if (flags.resume) {
    const ignored = LIBRARY_TRAIN_FLAGS.filter((k) => cmd.getOptionValueSource(k) === 'cli');
    if (ignored.length > 0) process.stderr.write(`unroll: note: --resume continues the saved configuration; ignoring ${ignored.map((k) => `--${kebab(k)}`).join(', ')}\n`);
    trainer = await withCheckpoint(flags.resume, (bytes) => CharLMTrainer.resume(bytes, text));
    const was = trainer.data;
    if (was !== undefined && (was.chars !== data.chars || was.hash !== data.hash) && !flags.force) {
      throw new CliError(`--resume '${flags.resume}' was trained on other data (${was.chars.toLocaleString('en')} characters, ${was.hash.slice(0, 19)}…) than ${flags.data ? `'${flags.data}'` : 'the default corpus'} (${data.chars.toLocaleString('en')} characters, ${data.hash.slice(0, 19)}…); pass --force to continue on it anyway`, 2);
    }
  } else {
    try {
      trainer = CharLMTrainer.create(text, trainOptionsFromFlags(flags));
    } catch (e) {
      dataError(e, flags.data ?? '');
    }
  }
  trainer.data = data;
  if (flags.detectAnomaly) trainer.loop.parts.detectAnomaly = true;
  if (flags.log !== undefined) await writeFile(flags.log, '');

  // a signal or a closed stdout ends the run after the current step; the save always completes
  const stop = new AbortController();
  let stopSignal: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopSignal === undefined) stopSignal = sig;
    stop.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  const offPipe = onBrokenPipe(() => stop.abort());
  process.stderr.write(`${SIGINT_READY_LINE}\n`);
  const c = trainer.config;
  say(`training a ${c.model.layers}-layer ${c.model.cell.toUpperCase()} (hidden ${c.model.hidden}, ${trainer.model.numParameters().toLocaleString('en')} parameters) on ${data.chars.toLocaleString('en')} characters, vocabulary ${trainer.vocab.size}, seq ${c.seq}, batch ${c.batch}, ${getBackend().name} backend`);

  const logEvery = flags.logEvery ?? 50;
  let pending: LogRecord | undefined;
  let valBpc: number | undefined;
  let lastSaved: number | undefined;
  const records: string[] = [];
  const emitRecord = (r: LogRecord) => {
    const line = JSON.stringify(r);
    if (flags.log !== undefined) records.push(line);
    if (flags.json) out(`${line}\n`);
  };
  const onEvent = (e: TrainEvent) => {
    if (e.type === 'step') {
      trainer.history.push({ step: e.step, seconds: 0, trainLoss: e.loss });
      progress.update({ step: e.step, loss: e.loss, valBpc, tokensPerSec: e.tokensPerSecond });
      const record = { step: e.step, loss: e.loss, lr: e.lr, tokensPerSec: Math.round(e.tokensPerSecond), gradNorm: e.gradNorm };
      if (e.step % flags.evalEvery === 0) pending = record; // written with its validation
      else if (e.step % logEvery === 0) emitRecord(record);
      if (flags.sampleEvery > 0 && e.step % flags.sampleEvery === 0) {
        say(`--- sample at step ${e.step} ---\n${sampleText(trainer.model, trainer.vocab, { prime: '\n', length: 200, temperature: 0.8, seed: e.step })}\n---`);
      }
      if (!progress.tty && e.step % logEvery === 0) {
        say(`step ${e.step}  loss ${e.loss.toFixed(3)}  ${valBpc === undefined ? '' : `val ${valBpc.toFixed(3)} bits/char  `}${e.tokensPerSecond.toFixed(0)} tokens/s`);
      }
    } else if (e.type === 'validate') {
      valBpc = e.metrics.valBitsPerChar;
      if (pending) emitRecord({ ...pending, valLoss: e.metrics.valLoss, valBitsPerChar: e.metrics.valBitsPerChar });
      pending = undefined;
    } else if (e.type === 'checkpoint') {
      lastSaved = e.step;
    }
  };
  const flushLog = async () => {
    if (flags.log !== undefined && records.length > 0) await appendFile(flags.log, `${records.splice(0).join('\n')}\n`);
  };

  const minutes = flags.steps === undefined ? (flags.minutes ?? DEFAULT_MINUTES) : flags.minutes;
  const every = flags.saveEvery;
  try {
    progress.start();
    await train({
      loop: trainer.loop,
      budget: { ...(flags.steps !== undefined ? { steps: trainer.stepCount + flags.steps } : {}), ...(minutes !== undefined ? { minutes } : {}) },
      validate: {
        every: flags.evalEvery,
        run: () => {
          const m = trainer.validate({ maxChars: Math.min(flags.valChars ?? 20_000, 20_000) });
          return { valLoss: m.nats, valBitsPerChar: m.bitsPerChar };
        },
      },
      checkpoint: {
        path: flags.out,
        ...(every && 'steps' in every ? { every: every.steps } : {}),
        ...(every && 'minutes' in every ? { minutes: every.minutes } : {}),
        keep: flags.keep ?? 1,
        encode: () => trainer.checkpoint(),
        store: { write: async (path, bytes) => { await fileStore.write(path, bytes); await flushLog(); }, remove: fileStore.remove },
      },
      onEvent,
      signal: stop.signal,
    });
  } catch (e) {
    await flushLog().catch(() => {});
    const kept = lastSaved !== undefined ? `'${flags.out}' keeps the last good checkpoint (step ${lastSaved})` : `nothing was saved to '${flags.out}'`;
    if (e instanceof NonFiniteError) {
      throw new CliError(`training diverged at step ${e.step}: the ${e.quantity} is ${e.value}; ${kept} (lower --lr, set --clip${flags.detectAnomaly ? '' : ', or add --detect-anomaly to name the op'})`);
    }
    if (e instanceof AnomalyError) throw new CliError(`training diverged at step ${trainer.stepCount + 1}: ${e.message.replace(/^detectAnomaly: /, '')}; ${kept}`);
    throw e;
  } finally {
    progress.stop();
    offPipe();
  }

  const interrupted = stopSignal !== undefined || stdoutBroken();
  let val: ReturnType<CharLMTrainer['validate']> | undefined;
  if (!interrupted) {
    // the final validation, then the checkpoint once more so that its history holds it
    val = trainer.validate(flags.valChars === undefined ? {} : { maxChars: flags.valChars });
    await fileStore.write(flags.out, trainer.checkpoint());
  }
  await flushLog();
  for (const s of signals) process.off(s, onSignal);
  if (stopSignal !== undefined) process.exitCode = 128 + constants.signals[stopSignal];
  if (stdoutBroken()) return; // the reader has gone: saved, nothing more to say (exit 141)
  if (val === undefined) {
    if (flags.json) printJson({ steps: trainer.stepCount, tokens: trainer.tokens, checkpoint: flags.out, interrupted: true, signal: stopSignal });
    else out(`interrupted: step ${trainer.stepCount}, ${stopSignal} (final validation skipped)\nsaved ${flags.out}\n`);
    return;
  }
  const sample = sampleText(trainer.model, trainer.vocab, { prime: 'The ', length: 300, temperature: 0.8, seed: 1 });
  const summary = {
    steps: trainer.stepCount,
    tokens: trainer.tokens,
    valLoss: Number(val.nats.toFixed(4)),
    valBitsPerChar: Number(val.bitsPerChar.toFixed(4)),
    valPerplexity: Number(val.perplexity.toFixed(3)),
    checkpoint: flags.out,
    interrupted: false,
    sample,
  };
  if (flags.json) printJson(summary);
  else out(`step ${summary.steps}, validation loss ${summary.valLoss} nats/char (${summary.valBitsPerChar} bits/char, perplexity ${summary.valPerplexity})\nsaved ${flags.out}\n--- sample (temperature 0.8) ---\nThe ${sample}\n`);
}

/** `unroll train charlm`: trains a character language model. */
export function trainCommand(): Command {
  const train = new Command('train').description('train a model');
  const charlm = train
    .command('charlm')
    .description('train a character-level language model (default: an LSTM on Moby Dick for a few minutes)')
    .option('--data <file>', 'UTF-8 text file to train on (default: Moby Dick)')
    .option('--cell <kind>', 'recurrent cell: lstm, gru or rnn (default lstm)', oneOf('lstm', 'gru', 'rnn'))
    .option('--hidden <n>', 'hidden units per layer', positiveInt)
    .option('--layers <n>', 'recurrent layers', positiveInt)
    .option('--embed <n>', 'embedding size (0: one-hot input, the default)', nonNegativeInt)
    .option('--dropout <p>', 'dropout between recurrent layers, in [0, 1)', dropoutValue)
    .option('--seq <n>', 'time steps per chunk (truncated BPTT length)', positiveInt)
    .option('--batch <n>', 'parallel streams per batch', positiveInt)
    .option('--optimizer <name>', 'adam, rmsprop, adagrad or sgd (default adam)', oneOf('adam', 'rmsprop', 'adagrad', 'sgd'))
    .option('--lr <x>', 'learning rate', positiveNumber)
    .option('--lr-decay <x>', 'multiply the learning rate by this every --decay-every steps (1: constant)', unitInterval)
    .option('--decay-every <n>', 'steps between learning-rate decays', positiveInt)
    .option('--schedule <kind>', 'learning-rate schedule: step (--lr-decay every --decay-every, the default), cosine or linear (to --min-lr by the end of --steps or --minutes), constant', oneOf('step', 'cosine', 'linear', 'constant'))
    .option('--warmup <n>', 'linear learning-rate warm-up steps', nonNegativeInt)
    .option('--min-lr <x>', 'the rate cosine and linear end at (default 0)', nonNegativeNumber)
    .option('--clip <x>', 'gradient-norm clipping threshold (0: off)', nonNegativeNumber)
    .option('--steps <n>', 'train this many more steps', positiveInt)
    .option('--minutes <m>', `stop after this many minutes (default ${DEFAULT_MINUTES} when --steps is not given)`, positiveNumber)
    .option('--out <ckpt>', 'checkpoint to write (refuses to replace another run\'s file without --force)', 'charlm.safetensors')
    .option('--resume <ckpt>', 'continue a run from its checkpoint (same data, checked)')
    .option('--force', 'overwrite an existing --out, or resume on data other than the checkpoint\'s')
    .option('--save-every <n|Nm>', 'save the checkpoint every n steps, or every N minutes (10m)', parseSaveEvery)
    .option('--keep <n>', 'with --save-every: also keep the last n-1 checkpoints as NAME.step-N.safetensors', positiveInt)
    .option('--log <file.jsonl>', 'write one JSON record per logged step (step, loss, lr, tokensPerSec, gradNorm, validation)')
    .option('--log-every <n>', 'log every n steps (and at every validation)', positiveInt)
    .option('--val-chars <n>', 'validate on at most n held-out characters', positiveInt)
    .option('--detect-anomaly', 'name the op whose gradient first went NaN or infinite (slower)')
    .option('--seed <n>', 'random seed', nonNegativeInt)
    .option('--eval-every <n>', 'validate every n steps', positiveInt, 100)
    .option('--sample-every <n>', 'print a sample every n steps (0: never)', nonNegativeInt, 500)
    .option('--json', 'stream the log records, then a summary, as JSON lines on stdout');
  charlm.action(async (flags: TrainFlags) => run(flags, charlm));
  return train;
}
