import { loadMobyDick, readTextCorpus } from '@unroll/datasets';
import { checkpointType, evaluate, loadCharLM, splitTrainVal, TRANSLATE_TYPE } from '@unroll/tasks';
import { Command } from 'commander';
import { oneOf, positiveInt } from '../args.js';
import { printJson, readCheckpointFile, withCheckpoint } from '../io.js';
import { type EvalTranslateFlags, evalTranslate } from './eval-translate.js';

/** `unroll eval CKPT`: bits per character on a text. */
export function evalCommand(): Command {
  return new Command('eval')
    .description('bits per character of a trained model on a text (default: the held-out end of Moby Dick)')
    .argument('<ckpt>', 'checkpoint written by `unroll train charlm`')
    .option('--data <file>', 'UTF-8 text file to score (whole file)')
    .option('--json', 'print the metrics as JSON')
    .option('--split <name>', 'translate: the split to score, val (default) or test', oneOf('val', 'test'))
    .option('--beam <n>', 'translate: beam width (1: greedy, the default)', positiveInt)
    .option('--limit <n>', 'translate: score the first n examples of the split only', positiveInt)
    .option('--print', 'translate: print source, output and references of each example first')
    .action(async (ckpt: string, flags: { data?: string; json?: boolean } & EvalTranslateFlags) => {
      if (isTranslate(await readCheckpointFile(ckpt))) return evalTranslate(ckpt, flags);
      const { model, vocab, meta } = await withCheckpoint(ckpt, loadCharLM);
      let ids: Int32Array;
      if (flags.data) ids = vocab.encode(await readTextCorpus(flags.data));
      else ids = splitTrainVal(vocab.encode(await loadMobyDick()), meta.config.valFraction).val;
      const unknown = ids.reduce((n, id) => n + (id === 0 ? 1 : 0), 0);
      const m = evaluate(model, ids);
      const result = { chars: m.chars, nats: m.nats, bitsPerChar: m.bitsPerChar, perplexity: m.perplexity, unknownChars: unknown };
      if (flags.json) printJson(result);
      else {
        process.stdout.write(`${m.chars} characters: ${m.bitsPerChar.toFixed(4)} bits/char, ${m.nats.toFixed(4)} nats/char, perplexity ${m.perplexity.toFixed(3)}\n`);
        if (unknown > 0) process.stdout.write(`(${unknown} characters were not in the training vocabulary of ${vocab.size} and scored as unknown)\n`);
      }
    });
}

/** True for a translate checkpoint (anything unreadable falls through to the char model's errors). */
function isTranslate(bytes: Uint8Array): boolean {
  try {
    return checkpointType(bytes).type === TRANSLATE_TYPE;
  } catch {
    return false;
  }
}
