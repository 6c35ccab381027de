import { loadCmudict, loadEmojiPairs, readTsvPairs, splitByKey, type TextPair } from '@unroll/datasets';
import { dataDefaults, evaluateTranslate, loadTranslate, type TranslateConfig, type TranslateExample, TranslateTrainer } from '@unroll/tasks';
import { fileStore } from '@unroll/tasks/node';
import { getBackend } from '@unroll/tensor';
import { Command, InvalidArgumentError } from 'commander';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber } from '../args.js';
import { printJson, withCheckpoint } from '../io.js';
import { formatScores } from './eval-translate.js';

/** The named data sets of `--data` (anything else is a TSV file of `source<TAB>target` lines). */
export const TRANSLATE_DATA = ['cmudict', 'emoji-fr', 'emoji-es', 'emoji-de'] as const;

/** Fractions of the validation and test splits of each data set (cmudict is large: 5% each). */
function splitFractions(data: string): { val: number; test: number } {
  return data === 'cmudict' ? { val: 0.05, test: 0.05 } : { val: 0.1, test: 0.1 };
}

/** Pairs with the same source become one example with several references (in order of appearance). */
function groupBySource(pairs: readonly TextPair[]): TranslateExample[] {
  const bySource = new Map<string, string[]>();
  for (const p of pairs) {
    const refs = bySource.get(p.source);
    if (refs) refs.push(p.target);
    else bySource.set(p.source, [p.target]);
  }
  return [...bySource].map(([source, references]) => ({ source, references }));
}

/**
 * The examples of a `--data` value, split deterministically by source (`splitByKey`): cmudict
 * (lower-cased spelling -> every pronunciation, stress kept), `emoji-<lang>` (English emoji names
 * -> names in that language) or a TSV file (the datasets loader's errors name the file and line).
 *
 * @example `const { train, val, test } = await loadTranslateData('emoji-fr')`
 */
export async function loadTranslateData(data: string): Promise<{ train: TranslateExample[]; val: TranslateExample[]; test: TranslateExample[] }> {
  let examples: TranslateExample[];
  if (data === 'cmudict') examples = (await loadCmudict()).map((e) => ({ source: e.word.toLowerCase(), references: e.pronunciations.map((p) => p.join(' ')) }));
  else if (data.startsWith('emoji-')) examples = groupBySource(await loadEmojiPairs(data.slice('emoji-'.length)));
  else examples = groupBySource(await readTsvPairs(data));
  return splitByKey(examples, (e) => e.source, splitFractions(data));
}

/** The parsed flags of `unroll train translate`. */
export interface TrainTranslateFlags {
  data: string;
  attention?: TranslateConfig['attention'];
  cell?: TranslateConfig['cell'];
  embedding?: number;
  hidden?: number;
  layers?: number;
  bidirectional?: boolean;
  batch?: number;
  lr?: number;
  clip?: number;
  labelSmoothing?: number;
  seed?: number;
  limit?: number;
  steps?: number;
  minutes?: number;
  out: string;
  resume?: string;
  evalEvery: number;
  saveEvery: number;
  json?: boolean;
}

/** Default budget when neither --steps nor --minutes is given. */
const DEFAULT_MINUTES = 5;

/** The library config of a fresh run: each flag under its `TranslateConfig` name (undefined: the default). */
export function translateConfigFromFlags(flags: TrainTranslateFlags): Partial<TranslateConfig> {
  return {
    ...dataDefaults(flags.data), attention: flags.attention, cell: flags.cell, embeddingSize: flags.embedding, hiddenSize: flags.hidden,
    layers: flags.layers, bidirectional: flags.bidirectional, batch: flags.batch, lr: flags.lr, clip: flags.clip,
    labelSmoothing: flags.labelSmoothing, seed: flags.seed, validateEvery: flags.evalEvery, totalSteps: flags.steps ?? 0,
  };
}

async function run(flags: TrainTranslateFlags): Promise<void> {
  const log = (line: string): void => { if (!flags.json) process.stdout.write(`${line}\n`); };
  let trainer: TranslateTrainer;
  let data = flags.data;
  let splits: Awaited<ReturnType<typeof loadTranslateData>>;
  if (flags.resume) {
    const bytes = await withCheckpoint(flags.resume, (b) => b);
    data = (await withCheckpoint(flags.resume, () => loadTranslate(bytes))).config.data;
    splits = await loadTranslateData(data);
    const { train, val } = splits;
    trainer = await withCheckpoint(flags.resume, () => TranslateTrainer.resume(bytes, limited(train, flags.limit), val));
  } else {
    splits = await loadTranslateData(data);
    trainer = TranslateTrainer.create(limited(splits.train, flags.limit), splits.val, translateConfigFromFlags(flags));
  }
  const c = trainer.config;
  const minutes = flags.steps === undefined ? (flags.minutes ?? DEFAULT_MINUTES) : flags.minutes;
  const budget = { ...(flags.steps !== undefined ? { steps: trainer.step + flags.steps } : {}), ...(minutes !== undefined ? { minutes } : {}) };
  const params = trainer.model.parameters().reduce((n, p) => n + p.size, 0);
  log(`training translate on ${data}: ${trainer.batcher.pairs.length.toLocaleString('en')} training pairs, vocabularies ${trainer.source.size} -> ${trainer.target.size}, ${c.cell.toUpperCase()} ${c.hiddenSize} (embedding ${c.embeddingSize}, ${c.layers} layer${c.layers > 1 ? 's' : ''}${c.bidirectional ? ', bidirectional' : ''}), attention ${c.attention}, ${params.toLocaleString('en')} parameters, batch ${c.batch}, ${getBackend().name} backend`);
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.on('SIGINT', onSigint);
  let lastLoss = Number.NaN;
  try {
    await trainer.run({
      budget, signal: abort.signal,
      checkpoint: { path: flags.out, store: fileStore, every: flags.saveEvery },
      onEvent: (e) => {
        if (e.type === 'step') {
          lastLoss = e.loss;
          if (e.step % 50 === 0) log(`step ${e.step}  loss ${e.loss.toFixed(3)}  lr ${e.lr.toExponential(2)}  ${e.tokensPerSecond.toFixed(0)} tokens/s`);
        } else if (e.type === 'validate') log(`step ${e.step}  validation loss ${e.metrics.loss!.toFixed(3)}  token accuracy ${(100 * e.metrics.tokenAccuracy!).toFixed(1)}%`);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const val = trainer.validate();
  const { scores } = evaluateTranslate(trainer, splits.val.slice(0, 500), { beam: 1 });
  const summary = { steps: trainer.step, trainLoss: lastLoss, valLoss: val.loss, valTokenAccuracy: val.tokenAccuracy, valGreedy: scores, checkpoint: flags.out, interrupted: abort.signal.aborted };
  if (flags.json) printJson(summary);
  else {
    log(`${abort.signal.aborted ? 'interrupted: ' : ''}step ${trainer.step}, validation loss ${val.loss.toFixed(4)}, token accuracy ${(100 * val.tokenAccuracy).toFixed(2)}%`);
    log(`validation (first ${scores.count}, greedy): ${formatScores(scores)}`);
    log(`saved ${flags.out}`);
  }
}

function limited(train: TranslateExample[], limit: number | undefined): TranslateExample[] {
  return limit === undefined ? train : train.slice(0, limit);
}

function dataName(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected cmudict, emoji-fr, emoji-es, emoji-de or a TSV file');
  return value;
}

/** `unroll train translate`: trains an encoder-decoder on pairs. */
export function trainTranslateCommand(): Command {
  return new Command('translate')
    .configureOutput({ outputError: (str, write) => write(`unroll: ${str}`) })
    .description('train a sequence-to-sequence model (default: cmudict spelling -> pronunciation with additive attention)')
    .option('--data <name>', `${TRANSLATE_DATA.join(', ')} or a file of source<TAB>target lines`, dataName, 'cmudict')
    .option('--attention <kind>', 'none, additive, dot or general (default additive)', oneOf('none', 'additive', 'dot', 'general'))
    .option('--cell <kind>', 'lstm, gru or rnn (default lstm)', oneOf('lstm', 'gru', 'rnn'))
    .option('--embedding <n>', 'embedding size (default 64)', positiveInt)
    .option('--hidden <n>', 'hidden size (default 128)', positiveInt)
    .option('--layers <n>', 'encoder layers (default 1)', positiveInt)
    .option('--bidirectional', 'bidirectional encoder')
    .option('--batch <n>', 'pairs per batch (default 64)', positiveInt)
    .option('--lr <x>', 'Adam learning rate (default 0.003, cosine decay over the budget)', positiveNumber)
    .option('--clip <x>', 'gradient-norm clipping (default 1; 0: off)', nonNegativeNumber)
    .option('--label-smoothing <x>', 'label smoothing in [0, 1) (default 0)', nonNegativeNumber)
    .option('--seed <n>', 'random seed (default 0)', nonNegativeInt)
    .option('--limit <n>', 'train on the first n training pairs only', positiveInt)
    .option('--steps <n>', 'stop after this many steps', positiveInt)
    .option('--minutes <m>', `stop after this many minutes (default ${DEFAULT_MINUTES} when --steps is not given)`, positiveNumber)
    .option('--out <ckpt>', 'checkpoint to write', 'translate.safetensors')
    .option('--resume <ckpt>', 'continue a run from its checkpoint (its data and configuration)')
    .option('--eval-every <n>', 'validate every n steps', positiveInt, 500)
    .option('--save-every <n>', 'save the checkpoint every n steps', positiveInt, 1000)
    .option('--json', 'print a machine-readable summary')
    .action(async (flags: TrainTranslateFlags) => run(flags));
}
