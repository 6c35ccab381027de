import { attentionHeatmap, loadTranslate, translateTexts } from '@unroll/tasks';
import { ArgumentError } from '@unroll/tensor';
import { Command } from 'commander';
import { positiveInt } from '../args.js';
import { withCheckpoint } from '../io.js';

/** The parsed flags of `unroll translate`. */
export interface TranslateFlags {
  beam?: number;
  showAttention?: boolean;
}

/**
 * `unroll translate CKPT TEXT`: prints the model's output for TEXT. Tokens outside the source
 * vocabulary are read as unknown, and a note on stderr names them.
 */
export function translateCommand(): Command {
  return new Command('translate')
    .configureOutput({ outputError: (str, write) => write(`unroll: ${str}`) })
    .description('translate a text with a model trained by `unroll train translate`')
    .argument('<ckpt>', 'checkpoint written by `unroll train translate`')
    .argument('<text>', 'the text to translate (a word for cmudict)')
    .option('--beam <n>', 'beam width (1: greedy, the default)', positiveInt)
    .option('--show-attention', 'also print the attention as a text heat map (source tokens across, output tokens down)')
    .action(async (ckpt: string, text: string, flags: TranslateFlags) => {
      const m = await withCheckpoint(ckpt, loadTranslate);
      const source = m.config.data === 'cmudict' ? text.trim().toLowerCase() : text;
      if (m.source.tokenize(source).length === 0) throw new ArgumentError(`the text ${JSON.stringify(text)} is empty: nothing to translate`);
      const [t] = translateTexts(m, [source], { beam: flags.beam ?? 1 });
      if (t!.unknown.length > 0) process.stderr.write(`unroll: note: not in the training vocabulary, read as unknown: ${t!.unknown.map((u) => JSON.stringify(u)).join(', ')}\n`);
      process.stdout.write(`${t!.text}\n`);
      if (t!.tokens.length === 0) process.stderr.write('unroll: note: the model produced no tokens (an immediate end of sequence)\n');
      if (flags.showAttention) {
        if (!t!.attention) process.stdout.write(`(the model has no attention: it was trained with --attention none)\n`);
        else process.stdout.write(`${attentionHeatmap(t!.sourceTokens, [...t!.tokens, '<eos>'].slice(0, t!.attention.length), t!.attention)}\n`);
      }
    });
}
