#!/usr/bin/env node
// Lints the AssemblyScript files that Biome cannot parse. AssemblyScript puts decorators on
// top-level functions and constants (`@inline function`, `@inline const`), which is not
// TypeScript, so biome.json leaves the assembly files that use them out of `biome check`. This
// lints them with the same configuration (the `**/assembly/**` override included) after masking
// each `@inline` with a comment of the same length, so line and column numbers stay right.
// `pnpm lint` runs it after `biome check .`. Exit code: Biome's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DECORATOR = /^(\s*)@inline\b/gm;

const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'packages/*/assembly/*.ts'], { cwd: root, encoding: 'utf8' });
if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
const files = listed.stdout
  .split('\n')
  .filter(Boolean)
  .filter((f) => readFileSync(join(root, f), 'utf8').search(DECORATOR) >= 0);

const dir = mkdtempSync(join(tmpdir(), 'unroll-lint-assembly-'));
let status = 0;
try {
  writeFileSync(join(dir, 'biome.json'), JSON.stringify({ extends: [join(root, 'biome.json')], vcs: { enabled: false }, files: { includes: ['**'] } }));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), readFileSync(join(root, f), 'utf8').replace(DECORATOR, '$1/*inl*/'));
  }
  const r = spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['check', ...files], { cwd: dir, encoding: 'utf8' });
  const out = (r.stdout + r.stderr).replaceAll(dir, root);
  process.stdout.write(out.replace(/Checked (\d+) files?/, "Checked $1 AssemblyScript file(s), decorators masked,"));
  status = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
