#!/usr/bin/env node
import { Command } from 'commander';
import { selectBackend } from './backend.js';
import { evalCommand } from './commands/eval.js';
import { infoCommand } from './commands/info.js';
import { sampleCommand } from './commands/sample.js';
import { trainCommand } from './commands/train.js';

/** Builds the `unroll` command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('unroll')
    .description('Unroll: train, sample and evaluate recurrent neural networks')
    .version('0.1.0')
    .showHelpAfterError(false);
  program.addCommand(trainCommand());
  program.addCommand(sampleCommand());
  program.addCommand(evalCommand());
  program.addCommand(infoCommand());
  return program;
}

async function main(): Promise<void> {
  try {
    await selectBackend();
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`unroll: error: ${msg.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}

void main();
