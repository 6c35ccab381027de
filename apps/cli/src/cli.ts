#!/usr/bin/env node
import { selectBackend } from './backend.js';
import { CliError } from './fail.js';
import { installPipeGuard } from './pipe.js';
import { buildProgram } from './program.js';

async function main(): Promise<void> {
  installPipeGuard();
  try {
    selectBackend();
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    // one line, no stack trace, whatever was thrown
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`unroll: error: ${msg.split('\n')[0]}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : 1;
  }
}

void main();
