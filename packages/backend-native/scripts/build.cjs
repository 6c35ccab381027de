#!/usr/bin/env node
// Builds the Node-API addon (build/Release/unroll_native.node) with node-gyp.
//
// Runs as the package's `install` script. A failed build (no C++ compiler, no Python, no Node
// headers) prints one line and exits 0, so that installation still succeeds: the library then
// reports `isNativeAvailable() === false` and callers fall back to the JS backend.
//
// It records the outcome in build/status (one word, for scripts/test.sh, which fails a CI run
// on `failed` and skips the native suites on `no-compiler` or `skipped`):
//   built         build/Release/unroll_native.node was built
//   failed        the build failed although a C++ compiler is on PATH (c++, g++, clang++ or $CXX);
//                 the compiler output is in native-build.log
//   no-compiler   the build failed and no C++ compiler is on PATH
//   skipped       UNROLL_SKIP_NATIVE_BUILD=1
//
//   node scripts/build.cjs            quiet: one line on success or failure
//   node scripts/build.cjs --verbose  shows the compiler output (used by `pnpm run build:native`)
//   UNROLL_SKIP_NATIVE_BUILD=1        skips the build entirely
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const verbose = process.argv.includes('--verbose') || process.env.UNROLL_NATIVE_VERBOSE === '1';
const tag = '@unroll/backend-native:';

/** Writes build/status (see the header); a failure to write it must not fail the install. */
function recordStatus(status) {
  try {
    fs.mkdirSync(path.join(root, 'build'), { recursive: true });
    fs.writeFileSync(path.join(root, 'build', 'status'), `${status}\n`);
  } catch {
    // scripts/test.sh then falls back to looking for the addon itself
  }
}

/** Whether a C++ compiler is on PATH: $CXX (its first word), c++, g++ or clang++. */
function hasCompiler() {
  const names = ['c++', 'g++', 'clang++'];
  const cxx = (process.env.CXX ?? '').trim().split(/\s+/)[0];
  if (cxx) {
    if (path.isAbsolute(cxx)) return fs.existsSync(cxx);
    names.unshift(cxx);
  }
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) for (const ext of exts) if (fs.existsSync(path.join(dir, name + ext))) return true;
  }
  return false;
}

if (process.env.UNROLL_SKIP_NATIVE_BUILD === '1') {
  recordStatus('skipped');
  console.log(`${tag} UNROLL_SKIP_NATIVE_BUILD=1, native addon not built (Unroll falls back to the WASM or JS backend)`);
  process.exit(0);
}

let gypBin;
try {
  gypBin = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
} catch {
  recordStatus(hasCompiler() ? 'failed' : 'no-compiler');
  console.log(`${tag} node-gyp not found, native addon not built (Unroll falls back to the WASM or JS backend)`);
  process.exit(0);
}

const args = [gypBin, 'rebuild', '--release'];
// Build against the headers of the running Node.js when they are installed next to it (as on
// Linux distributions and official tarballs), so that no header download is needed offline.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const hasLocalHeaders = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))
  && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'));
if (hasLocalHeaders && !process.env.npm_config_nodedir) args.push(`--nodedir=${prefix}`);

const started = Date.now();
const r = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
  env: { ...process.env, JOBS: process.env.JOBS ?? '1' },
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const built = path.join(root, 'build', 'Release', 'unroll_native.node');
if (r.status === 0 && fs.existsSync(built)) {
  fs.rmSync(path.join(root, 'native-build.log'), { force: true });
  recordStatus('built');
  console.log(`${tag} built ${path.relative(root, built)} in ${seconds}s`);
  process.exit(0);
}
let logNote = '';
if (!verbose) {
  try {
    const log = path.join(root, 'native-build.log');
    fs.writeFileSync(log, `${r.stdout ?? ''}\n${r.stderr ?? ''}\n${r.error ? String(r.error) : ''}\n`);
    logNote = `, see ${path.relative(process.cwd(), log) || log}`;
  } catch {
    // the log is a courtesy only
  }
}
const compiler = hasCompiler();
recordStatus(compiler ? 'failed' : 'no-compiler');
const why = compiler ? '' : ', no C++ compiler (c++, g++, clang++) on PATH';
console.log(`${tag} native addon build failed (exit ${r.status ?? r.error?.message}${why}${logNote}); Unroll falls back to the WASM or JS backend`);
process.exit(0);
