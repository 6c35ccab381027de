#!/usr/bin/env node
import { selectBackend } from './backend.js';
import { buildProgram } from './program.js';

async function main(): Promise<void> {
  try {
    selectBackend();
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`unroll: error: ${msg.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}

void main();
