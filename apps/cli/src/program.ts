import { Command } from 'commander';
import { evalCommand } from './commands/eval.js';
import { infoCommand } from './commands/info.js';
import { sampleCommand } from './commands/sample.js';
import { trainCommand } from './commands/train.js';
import { trainTranslateCommand } from './commands/train-translate.js';
import { translateCommand } from './commands/translate.js';

/** Builds the `unroll` command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('unroll')
    .description('Unroll: train, sample and evaluate recurrent neural networks')
    .version('0.1.0')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(`unroll: ${str}`) });
  program.addCommand(trainCommand().addCommand(trainTranslateCommand()));
  program.addCommand(sampleCommand());
  program.addCommand(translateCommand());
  program.addCommand(evalCommand());
  program.addCommand(infoCommand());
  return program;
}
