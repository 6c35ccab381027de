/**
 * `pnpm bench`: runs every configuration of the plan in its own child process (child.ts for Node,
 * python/torch_lstm.py for PyTorch), one after another, collects their result lines, prints the
 * table and writes BENCHMARKS.md at the repository root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE } from './args.js';
import { describeEnvironment } from './env.js';
import { buildPlan, type Config } from './plan.js';
import { benchmarksMarkdown, fmt, type Missing, resultsTable } from './report.js';
import { runChild, runText } from './spawn.js';
import { median } from './timing.js';
import type { ChildJob, ChildReply, Impl, ProbeReply, Row } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'child.ts');
const TORCH_SCRIPT = path.join(here, '..', 'python', 'torch_lstm.py');
const PYTHON = '/usr/bin/python3';
const REPO_ROOT = path.resolve(here, '..', '..');

/** Children run with this process's flags (--conditions=unroll-source --import tsx). */
const nodeChild = (arg: string): [string, string[]] => [process.execPath, [...process.execArgv, CHILD, arg]];

/** Generous wall-clock limit for one child: the time box plus warm-up on a slow, busy machine. */
function childTimeoutMs(c: Config): number {
  return (120 + 6 * c.sampling.budgetS) * 1000;
}

async function probeNative(): Promise<{ ok: boolean; threads: number; text: string }> {
  const [cmd, args] = nodeChild('probe');
  const out = await runChild(cmd, args, 120_000);
  const reply = out.reply as ProbeReply | undefined;
  if (!reply) return { ok: false, threads: 0, text: `not available (probe failed: ${out.error})` };
  if (!reply.native.available) return { ok: false, threads: 0, text: `not available (${reply.native.reason})` };
  return { ok: true, threads: reply.native.threads, text: `available, nativeInfo() = ${JSON.stringify(reply.native.info)}` };
}

/** OpenBLAS's OpenMP build (Debian's libopenblas0-openmp), which PyTorch uses when it is first on the library path. */
const OPENBLAS_OPENMP = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

/** The environment PyTorch children run with: the reference BLAS, or OpenBLAS at its best. */
let torchEnv: NodeJS.ProcessEnv = process.env;

/**
 * PyTorch at its best here: with libopenblas0-openmp installed, torch runs on OpenBLAS, with the
 * OPENBLAS_CORETYPE (Haswell: AVX2, or SkylakeX: AVX-512) whose 1024 matmul is faster.
 */
async function chooseTorchBlas(install: boolean): Promise<string> {
  if (!existsSync(path.join(OPENBLAS_OPENMP, 'libblas.so.3'))) {
    const why = install ? installOpenBlas() : 'not installed; --no-install given';
    if (why) return `reference BLAS (libopenblas0-openmp: ${why})`;
  }
  const job: ChildJob = { spec: { kind: 'matmul', impl: 'torch', n: 1024 }, sampling: { runs: 3, minRuns: 1, budgetS: 3 } };
  let best: { core: string; gflops: number } | undefined;
  for (const core of ['Haswell', 'SkylakeX']) {
    const env = { ...process.env, LD_LIBRARY_PATH: OPENBLAS_OPENMP, OPENBLAS_CORETYPE: core };
    const out = await runChild(PYTHON, [TORCH_SCRIPT, JSON.stringify(job)], 120_000, env);
    const samples = (out.reply as ChildReply | undefined)?.ok ? ((out.reply as { result: { samples: number[] } }).result.samples) : [];
    const gflops = samples.length ? Math.max(...samples) : 0;
    if (gflops > (best?.gflops ?? 0)) best = { core, gflops };
  }
  if (!best) return 'reference BLAS (OpenBLAS runs failed)';
  torchEnv = { ...process.env, LD_LIBRARY_PATH: OPENBLAS_OPENMP, OPENBLAS_CORETYPE: best.core };
  return `OpenBLAS (OpenMP build) with OPENBLAS_CORETYPE=${best.core} (faster at 1024: ${best.gflops.toFixed(0)} GFLOP/s)`;
}

/**
 * Installs Debian's libopenblas0-openmp (what the comparison with PyTorch at its best needs) with
 * apt-get, as root. Returns why it is still missing, or undefined once installed.
 */
function installOpenBlas(): string | undefined {
  if (process.getuid?.() !== 0) return 'not installed, and installing it needs root (apt-get install libopenblas0-openmp)';
  console.log('PyTorch: installing libopenblas0-openmp (apt-get; --no-install skips this) ...');
  const apt = (...args: string[]) =>
    spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let r = apt('install', '-y', '--no-install-recommends', 'libopenblas0-openmp');
  if (r.status !== 0 && !r.error) {
    apt('update'); // a fresh container has no package lists yet
    r = apt('install', '-y', '--no-install-recommends', 'libopenblas0-openmp');
  }
  if (r.error || r.status !== 0) {
    const detail = r.error ? r.error.message : String(r.stderr ?? '').trim().split('\n').pop();
    return `apt-get install failed (${detail})`;
  }
  return existsSync(path.join(OPENBLAS_OPENMP, 'libblas.so.3')) ? undefined : `installed, but ${OPENBLAS_OPENMP} has no libblas.so.3`;
}

async function probeTorch(install: boolean): Promise<{ ok: boolean; text: string }> {
  if (!existsSync(PYTHON)) return { ok: false, text: `not measured (${PYTHON} not found)` };
  // OpenBLAS only matters (and is only installed) when torch imports at all
  const plain = await runChild(PYTHON, [TORCH_SCRIPT, 'probe'], 120_000);
  if (!plain.reply) return { ok: false, text: `not measured (import torch failed${plain.error ? `: ${plain.error}` : ''})` };
  const blasChoice = await chooseTorchBlas(install);
  const out = await runChild(PYTHON, [TORCH_SCRIPT, 'probe'], 120_000, torchEnv);
  const p = out.reply as { version: string; blas: string; threads: number } | undefined;
  if (!p) return { ok: false, text: `not measured (import torch failed${out.error ? `: ${out.error}` : ''})` };
  return { ok: true, text: `${p.version}, ${blasChoice}, ${p.threads} threads (torch.set_num_threads)` };
}

async function runConfig(c: Config): Promise<{ reply?: ChildReply; error?: string; seconds: number }> {
  const job: ChildJob = { spec: c.spec, sampling: c.sampling };
  const isTorch = c.spec.impl === 'torch' || c.spec.impl === 'torch-1t';
  const [cmd, args] = isTorch ? [PYTHON, [TORCH_SCRIPT, JSON.stringify(job)]] : nodeChild(JSON.stringify(job));
  const out = await runChild(cmd, args, childTimeoutMs(c), isTorch ? torchEnv : process.env);
  return { reply: out.reply as ChildReply | undefined, error: out.error, seconds: out.seconds };
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const command = ['pnpm bench', ...process.argv.slice(2).filter((a) => a !== '--')].join(' ');
  const mode = opts.quick ? `quick: ${opts.runs} run(s), smoke test only, not representative` : `${opts.runs} runs per configuration, training time box ${opts.budgetS} s`;
  const env = describeEnvironment();
  console.log(`Unroll benchmarks: ${env.cpu} (${env.logicalCores} logical cores, load ${env.loadAverage}), Node ${env.node}, tfjs ${env.tfjs}`);

  const available: Impl[] = ['unroll-js', 'unroll-wasm', 'tfjs-cpu', 'tfjs-wasm'];
  const native = await probeNative();
  env.native = native.text;
  if (native.ok) available.push('unroll-native');
  // a one-thread run of the native backend, comparable per core with tfjs (one thread in Node)
  if (native.ok && native.threads > 1) available.push('unroll-native-1t');
  const torch = await probeTorch(opts.install);
  env.torch = torch.text;
  if (torch.ok) available.push('torch', 'torch-1t');
  console.log(`native backend: ${native.text}`);
  console.log(`PyTorch: ${torch.text}`);

  const plan = buildPlan(opts, available);
  console.log(`${plan.length} configurations (${mode})\n`);
  const rows: Row[] = [];
  const missing: Missing[] = [];
  let failures = 0;
  for (const [i, c] of plan.entries()) {
    const label = `[${String(i + 1).padStart(String(plan.length).length)}/${plan.length}] ${c.id.padEnd(28)}`;
    const { reply, error, seconds } = await runConfig(c);
    const took = `${seconds.toFixed(1)} s`;
    if (reply?.ok) {
      rows.push({ group: c.group, impl: c.spec.impl, result: reply.result });
      console.log(`${label} ${fmt(median(reply.result.samples))} ${reply.result.unit} (n=${reply.result.samples.length}, ${took})`);
    } else {
      const why = reply && !reply.ok ? `skipped: ${reply.skipped}` : `failed: ${error ?? 'no result line'}`;
      if (!reply) failures++;
      missing.push({ id: c.id, why });
      console.log(`${label} ${why} (${took})`);
    }
  }

  console.log(`\n${resultsTable(rows)}\n`);
  console.log('Ratios are speed ratios (>1 = faster than the peer named).');
  // inference beside ONNX Runtime: its own process (src/onnx.ts), its own table
  let onnxTable = '';
  if (!opts.skip.includes('onnx') && (opts.only.length === 0 || opts.only.includes('onnx'))) {
    const out = await runText(process.execPath, [...process.execArgv, path.join(here, 'onnx.ts'), '--runs', String(opts.runs)]);
    onnxTable = out.ok ? out.text.trim() : `ONNX Runtime comparison failed: ${out.text.split('\n').slice(-3).join(' ')}`;
    console.log(`\n${onnxTable}\n`);
  }
  if (opts.write) {
    const file = path.join(REPO_ROOT, 'BENCHMARKS.md');
    const onnxSection = onnxTable ? `\n## Inference beside ONNX Runtime\n\nThe model is exported from Unroll to ONNX (bench/src/onnx-export.ts) and run by onnxruntime-node on the CPU with one thread (\`pnpm --filter @unroll/bench onnx\`).\n\n${onnxTable}\n` : '';
    writeFileSync(file, benchmarksMarkdown({ env, command, mode, rows, missing }) + onnxSection);
    console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
  }
  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify({ env, command, mode, rows, missing }, null, 2)}\n`);
    console.log(`wrote ${opts.json}`);
  }
  if (failures) console.log(`${failures} configuration(s) failed`);
  return failures ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
});
