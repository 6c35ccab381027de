#!/usr/bin/env node
// Checks the layer rule of ../shared/DESIGN.md ("Packages depend downward only"; "a backend knows
// only the kernel contract") on every workspace package, in two ways:
//   1. each package.json may name only the @unroll packages its layer allows (any dependency kind);
//   2. each source file (src/, scripts/, assembly/, tests included) may import only @unroll
//      packages its package.json names, so the declared graph is the real one.
// It also checks that the declared graph has no cycle. `pnpm lint` runs it; exit code 1 on a
// violation, with one line per problem naming the file and the import.
//
//   node scripts/check-layers.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What each package may import (besides itself). Apps and benchmarks sit on top. */
export const ALLOWED = {
  '@unroll/tensor': [],
  '@unroll/backend-native': ['@unroll/tensor'],
  '@unroll/backend-wasm': ['@unroll/tensor'],
  '@unroll/autograd': ['@unroll/tensor'],
  '@unroll/cells': ['@unroll/tensor', '@unroll/autograd'],
  '@unroll/vision-encoder': ['@unroll/tensor', '@unroll/autograd'],
  '@unroll/seq2seq': ['@unroll/tensor', '@unroll/autograd', '@unroll/cells'],
  '@unroll/datasets': ['@unroll/tensor'],
  // not @unroll/datasets: that is Node-only, and tasks run in browsers too
  '@unroll/tasks': ['@unroll/tensor', '@unroll/autograd', '@unroll/cells', '@unroll/seq2seq', '@unroll/vision-encoder'],
  '@unroll/onnx': ['@unroll/tensor', '@unroll/autograd', '@unroll/cells', '@unroll/seq2seq', '@unroll/tasks'],
  // apps and end-to-end tests may use every library and backend
  '@unroll/cli': '*',
  '@unroll/demo': '*',
  '@unroll/e2e': '*',
  '@unroll/bench': '*',
};

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](@unroll\/[a-z0-9-]+)(?:\/[^'"]*)?['"]/gm;

function workspacePackages() {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    for (const d of readdirSync(join(root, group))) dirs.push(join(group, d));
  }
  dirs.push('bench');
  return dirs
    .filter((d) => {
      try {
        return statSync(join(root, d, 'package.json')).isFile();
      } catch {
        return false;
      }
    })
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }));
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'generated' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(p);
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(entry.name)) yield p;
  }
}

const problems = [];
const graph = new Map();
for (const { dir, pkg } of workspacePackages()) {
  const name = pkg.name;
  const allowed = ALLOWED[name];
  if (allowed === undefined) {
    problems.push(`${dir}/package.json: ${name} has no layer in scripts/check-layers.mjs (add it to ALLOWED)`);
    continue;
  }
  const declared = new Set(
    ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']
      .flatMap((k) => Object.keys(pkg[k] ?? {}))
      .filter((d) => d.startsWith('@unroll/')),
  );
  graph.set(name, [...declared]);
  if (allowed !== '*') {
    for (const d of declared) if (!allowed.includes(d)) problems.push(`${dir}/package.json: ${name} may not depend on ${d} (allowed: ${allowed.join(', ') || 'none'})`);
  }
  for (const sub of ['src', 'scripts', 'assembly', 'python']) {
    let files;
    try {
      files = [...sourceFiles(join(root, dir, sub))];
    } catch {
      continue;
    }
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const target = m[1];
        if (target === name || declared.has(target)) continue;
        const line = text.slice(0, m.index).split('\n').length;
        problems.push(`${relative(root, file)}:${line}: imports ${target}, which ${name}'s package.json does not declare`);
      }
    }
  }
}

// the declared graph must be acyclic
const state = new Map();
function visit(n, path) {
  if (state.get(n) === 'done') return;
  if (state.get(n) === 'open') {
    problems.push(`dependency cycle: ${[...path.slice(path.indexOf(n)), n].join(' -> ')}`);
    return;
  }
  state.set(n, 'open');
  for (const d of graph.get(n) ?? []) visit(d, [...path, n]);
  state.set(n, 'done');
}
for (const n of graph.keys()) visit(n, []);

if (problems.length > 0) {
  for (const p of problems) console.error(`layers: ${p}`);
  process.exit(1);
}
console.log(`layers: ${graph.size} packages, every @unroll import goes downward and is declared`);
