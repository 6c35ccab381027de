/** Facts about the machine and software for the report header. */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface Environment {
  date: string;
  cpu: string;
  logicalCores: number;
  loadAverage: string;
  node: string;
  tfjs: string;
  git: string;
  /** Filled in by main.ts from the probes. */
  native: string;
  torch: string;
}

export function describeEnvironment(): Environment {
  const require = createRequire(import.meta.url);
  let tfjs = 'unknown';
  try {
    tfjs = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  } catch {
    // reported as unknown
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    logicalCores: os.availableParallelism(),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' / '),
    node: process.version,
    tfjs,
    git: gitRevision(),
    native: 'not probed',
    torch: 'not probed',
  };
}

/** Short commit hash, with "+ local changes" when the tree is dirty (read-only git calls). */
function gitRevision(): string {
  try {
    const opts = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], opts).trim() !== '';
    return dirty ? `${rev} + local changes` : rev;
  } catch {
    return 'unknown';
  }
}
