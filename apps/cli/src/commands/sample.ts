import { loadCharLM, type SampleOptions, sampleChars } from '@unroll/tasks';
import { Command } from 'commander';
import { nonNegativeInt, positiveInt, positiveNumber, unitInterval } from '../args.js';
import { printJson, withCheckpoint } from '../io.js';

/** The parsed flags of `unroll sample` (commander's camel-cased names). */
export interface SampleFlags {
  prime?: string;
  length: number;
  temperature: number;
  topK?: number;
  topP?: number;
  argmax?: boolean;
  seed: number;
  json?: boolean;
}

/**
 * The library options of `unroll sample`: every flag but --json, under its `sampleChars` name.
 *
 * @example
 * ```ts
 * const opts = sampleOptionsFromFlags({ length: 100, temperature: 0.5, topK: 3, seed: 7 });
 * sampleText(model, vocab, opts); // what `unroll sample CKPT --length 100 --temperature 0.5 --top-k 3 --seed 7` prints
 * ```
 */
export function sampleOptionsFromFlags(flags: SampleFlags): SampleOptions {
  return { prime: flags.prime, length: flags.length, temperature: flags.temperature, topK: flags.topK, topP: flags.topP, argmax: flags.argmax, seed: flags.seed };
}

/** `unroll sample CKPT`: streams generated characters to stdout. */
export function sampleCommand(): Command {
  return new Command('sample')
    .description('generate text from a trained character model, streamed as it is produced')
    .argument('<ckpt>', 'checkpoint written by `unroll train charlm`')
    .option('--prime <text>', 'text to start from', '\n')
    .option('--length <n>', 'characters to generate', nonNegativeInt, 500)
    .option('--temperature <t>', 'softmax temperature (<1 safer, >1 wilder)', positiveNumber, 1)
    .option('--top-k <k>', 'sample among the k most likely characters', positiveInt)
    .option('--top-p <p>', 'sample from the smallest set with probability >= p', unitInterval)
    .option('--argmax', 'always take the most likely character (greedy)')
    .option('--seed <n>', 'random seed', nonNegativeInt, 0)
    .option('--json', 'print {"prime", "text"} as JSON instead of streaming')
    .action(async (ckpt: string, flags: SampleFlags) => {
      const { model, vocab } = await withCheckpoint(ckpt, loadCharLM);
      const opts = sampleOptionsFromFlags(flags);
      if (flags.json) {
        let text = '';
        for (const ch of sampleChars(model, vocab, opts)) text += ch;
        printJson({ prime: flags.prime, text });
        return;
      }
      if (flags.prime) process.stdout.write(flags.prime);
      for (const ch of sampleChars(model, vocab, opts)) process.stdout.write(ch);
      process.stdout.write('\n');
    });
}
