#!/usr/bin/env node
// Mutation testing (StrykerJS, vitest runner) of the core packages, one package at a time.
//
//   pnpm mutation --package cells             one package (or a comma list: --package cells,tasks)
//   pnpm mutation --since origin/main         only the source files changed since a git ref
//                                             (committed, staged, unstaged or new), by package
//   pnpm mutation --package cells --concurrency 2
//   pnpm mutation --since main --dry-run       prints what would be mutated, runs nothing
//
// Packages and exclusions: stryker.shared.mjs (tensor's JS kernels are excluded: the conformance
// suite checks them through the native and WASM backends). Reports: packages/<name>/reports/
// mutation/mutation.html and .json; reruns are incremental (reports/stryker-incremental.json).
// Exit code: Stryker's (non-zero when a run fails, not for a low score). Not part of CI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMutated, MUTATION_PACKAGES } from '../stryker.shared.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: pnpm mutation (--package <name>[,<name>...] | --since <git ref>) [--concurrency N] [--dry-run]';

function parseArgs(argv) {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const opts = { packages: [], since: undefined, concurrency: undefined, dryRun: false };
  for (let i = 0; i < args.length; i++) {
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) fail(`${args[i - 1]} needs a value\n${usage}`);
      return v;
    };
    if (args[i] === '--package') opts.packages.push(...value().split(',').filter(Boolean));
    else if (args[i] === '--since') opts.since = value();
    else if (args[i] === '--concurrency') opts.concurrency = value();
    else if (args[i] === '--dry-run') opts.dryRun = true;
    else if (args[i] === '--help' || args[i] === '-h') {
      console.log(usage);
      process.exit(0);
    } else fail(`unknown argument '${args[i]}'\n${usage}`);
  }
  if (opts.packages.length === 0 && opts.since === undefined) fail(usage);
  if (opts.concurrency !== undefined && !/^[1-9][0-9]*$/.test(opts.concurrency)) fail(`--concurrency must be a positive integer, got '${opts.concurrency}'`);
  for (const p of opts.packages) if (!(p in MUTATION_PACKAGES)) fail(`mutation: unknown package '${p}' (one of ${Object.keys(MUTATION_PACKAGES).join(', ')})`);
  return opts;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

function git(...args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) fail(`git ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter(Boolean);
}

/** Files to mutate per package: source files changed since `ref` (or in the work tree). */
function changedSince(ref) {
  const files = new Set([...git('diff', '--name-only', `${ref}...HEAD`), ...git('diff', '--name-only', 'HEAD'), ...git('ls-files', '--others', '--exclude-standard')]);
  const byPackage = new Map();
  for (const f of files) {
    const m = /^packages\/([^/]+)\/(.+)$/.exec(f);
    if (m === null || !(m[1] in MUTATION_PACKAGES) || !isMutated(m[1], m[2]) || !existsSync(join(root, f))) continue;
    if (!byPackage.has(m[1])) byPackage.set(m[1], []);
    byPackage.get(m[1]).push(m[2]);
  }
  return byPackage;
}

const opts = parseArgs(process.argv.slice(2));
/** [package, files to mutate or undefined for the package's whole set] */
const runs = opts.packages.map((p) => [p, undefined]);
if (opts.since !== undefined) {
  const changed = changedSince(opts.since);
  if (changed.size === 0 && runs.length === 0) {
    console.log(`mutation: no mutated source file of ${Object.keys(MUTATION_PACKAGES).join(', ')} changed since ${opts.since}`);
    process.exit(0);
  }
  for (const [p, files] of changed) if (!opts.packages.includes(p)) runs.push([p, files]);
}

const stryker = join(root, 'node_modules', '.bin', 'stryker');
let status = 0;
for (const [pkg, files] of runs) {
  const args = ['run', 'stryker.config.mjs'];
  if (files !== undefined) args.push('--mutate', files.join(','));
  if (opts.concurrency !== undefined) args.push('--concurrency', opts.concurrency);
  console.log(`== mutation testing @unroll/${pkg}${files === undefined ? '' : ` (${files.length} changed file(s): ${files.join(', ')})`}`);
  if (opts.dryRun) continue;
  const t0 = Date.now();
  const r = spawnSync(stryker, args, { cwd: join(root, 'packages', pkg), stdio: 'inherit' });
  console.log(`== @unroll/${pkg}: ${((Date.now() - t0) / 60_000).toFixed(1)} min, report packages/${pkg}/reports/mutation/mutation.html`);
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
