import { loadCharLM, type SampleOptions, sampleChars } from '@unroll/tasks';
import { Command, InvalidArgumentError } from 'commander';
import { nonNegativeInt, positiveInt, unitInterval } from '../args.js';
import { CliError } from '../fail.js';
import { printJson, withCheckpoint } from '../io.js';
import { out, stdoutBroken } from '../pipe.js';

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

/** Parses `--temperature`: a positive number; 0 points to `--argmax`. */
function temperatureValue(value: string): number {
  const n = Number(value);
  if (value.trim() !== '' && n === 0) throw new InvalidArgumentError("0 is not a temperature: use --argmax to always take the most likely character");
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  return n;
}

/** `unroll sample CKPT`: streams generated characters to stdout. */
export function sampleCommand(): Command {
  const command = new Command('sample');
  return command
    .description('generate text from a trained character model, streamed as it is produced')
    .argument('<ckpt>', 'checkpoint written by `unroll train charlm`')
    .option('--prime <text>', 'text to start from', '\n')
    .option('--length <n>', 'characters to generate', nonNegativeInt, 500)
    .option('--temperature <t>', 'softmax temperature (<1 safer, >1 wilder)', temperatureValue, 1)
    .option('--top-k <k>', 'sample among the k most likely characters', positiveInt)
    .option('--top-p <p>', 'sample from the smallest set with probability >= p', unitInterval)
    .option('--argmax', 'always take the most likely character (greedy)')
    .option('--seed <n>', 'random seed', nonNegativeInt, 0)
    .option('--json', 'print {"prime", "text"} as JSON instead of streaming')
    .action(async (ckpt: string, flags: SampleFlags) => {
      if (flags.argmax && command.getOptionValueSource('temperature') === 'cli') {
        throw new CliError('--argmax always takes the most likely character, so --temperature has no effect with it: give one or the other', 2);
      }
      const { model, vocab } = await withCheckpoint(ckpt, loadCharLM);
      const opts = sampleOptionsFromFlags(flags);
      const unknown = flags.prime ? Array.from(vocab.encode(flags.prime)).filter((id) => id === 0).length : 0;
      if (unknown > 0 && command.getOptionValueSource('prime') === 'cli') {
        process.stderr.write(`unroll: warning: ${unknown} character${unknown === 1 ? '' : 's'} of --prime ${unknown === 1 ? 'is' : 'are'} not in the model's vocabulary of ${vocab.size} and read as unknown\n`);
      }
      if (flags.json) {
        let text = '';
        for (const ch of sampleChars(model, vocab, opts)) text += ch;
        printJson({ prime: flags.prime, text });
        return;
      }
      if (flags.prime) out(flags.prime);
      let n = 0;
      for (const ch of sampleChars(model, vocab, opts)) {
        out(ch);
        // let a closed stdout (`| head -c 20`) be noticed: then stop quietly (exit 141)
        if (++n % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        if (stdoutBroken()) return;
      }
      out('\n');
    });
}
