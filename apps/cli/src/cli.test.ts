/**
 * End-to-end tests of the `unroll` CLI: each case spawns the CLI from its sources (tsx loader,
 * `unroll-source` condition), so no build is needed. Spawns cost about a second each: the cases
 * share one trained checkpoint and run independent spawns two at a time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCheckpoint, Linear } from '@unroll/autograd';
import { CharLMTrainer, loadCharLM, readCharLMCheckpoint, type SampleOptions, sampleText } from '@unroll/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGINT_READY_LINE } from './commands/train.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, 'cli.ts');
// tsx's full loader (ESM and CommonJS hooks): the backend discovery `require`s the backend
// packages, whose `unroll-source` entries are TypeScript
const TSX = resolve(here, '../node_modules/tsx/dist/loader.mjs');
// The CLI computes on this process's backend (js, or UNROLL_TEST_BACKEND=native|wasm as
// scripts/test.sh reruns it), so that its numbers match the library calls made here exactly.
const BACKEND = process.env.UNROLL_TEST_BACKEND || 'js';

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. */
function unroll(args: string[], opts: { timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=unroll-source', '--import', TSX, CLI, ...args], {
      cwd: dir,
      env: { ...process.env, UNROLL_BACKEND: BACKEND, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the given CLI invocations two at a time (the machine is small). */
async function inPairs(runs: string[][]): Promise<Result[]> {
  const results: Result[] = [];
  for (let i = 0; i < runs.length; i += 2) results.push(...(await Promise.all(runs.slice(i, i + 2).map((a) => unroll(a)))));
  return results;
}

/** A failed run: non-zero exit, nothing on stdout, exactly one line on stderr. */
function expectOneLineError(r: Result, pattern: RegExp, what: string): void {
  expect(r.code, `${what}: exit code (stderr: ${r.stderr})`).not.toBe(0);
  expect(r.code, what).not.toBeNull();
  expect(r.stdout, what).toBe('');
  expect(r.stderr.endsWith('\n'), `${what}: ${JSON.stringify(r.stderr)}`).toBe(true);
  expect(r.stderr.trimEnd().split('\n'), `${what}: ${JSON.stringify(r.stderr)}`).toHaveLength(1);
  expect(r.stderr, what).toMatch(pattern);
  expect(r.stderr, what).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
}

let dir: string;
let data: string;
let ckpt: string;
const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(60);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unroll-cli-'));
  data = join(dir, 'fox.txt');
  ckpt = join(dir, 'fox.ckpt');
  writeFileSync(data, TEXT);
  writeFileSync(join(dir, 'empty.txt'), '');
  writeFileSync(join(dir, 'binary.dat'), Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
  writeFileSync(join(dir, 'notes.txt'), 'these are notes, not a checkpoint\n');
  writeFileSync(join(dir, 'other.ckpt'), encodeCheckpoint({ model: new Linear(3, 2), metadata: { type: 'other' } }));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('unroll CLI', () => {
  it('train charlm writes a checkpoint and prints a JSON summary', async () => {
    const r = await unroll(['train', 'charlm', '--data', data, '--steps', '20', '--hidden', '16', '--seq', '16', '--batch', '4', '--eval-every', '10', '--out', ckpt, '--json']);
    expect(r.stderr).toBe(`${SIGINT_READY_LINE}\n`); // the only line on stderr
    expect(r.code).toBe(0);
    // one record per validated (and every 50th) step, then the summary
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, -1).map((l) => l.step)).toEqual([10, 20]);
    for (const rec of lines.slice(0, -1)) for (const k of ['loss', 'lr', 'tokensPerSec', 'gradNorm', 'valLoss', 'valBitsPerChar']) expect(Number.isFinite(rec[k] as number), k).toBe(true);
    const summary = lines.at(-1)!;
    expect(summary.steps).toBe(20);
    expect(summary.tokens).toBe(20 * 16 * 4);
    expect(summary.checkpoint).toBe(ckpt);
    expect(summary.interrupted).toBe(false);
    expect(typeof summary.sample).toBe('string');
    for (const k of ['valLoss', 'valBitsPerChar', 'valPerplexity']) expect(Number.isFinite(summary[k] as number), k).toBe(true);
    expect(existsSync(ckpt)).toBe(true);
    const { meta } = readCharLMCheckpoint(new Uint8Array(readFileSync(ckpt)));
    expect(meta.step).toBe(20);
    expect(meta.config.model.hidden).toBe(16);
    expect(meta.config.seq).toBe(16);
    expect(meta.config.batch).toBe(4);
    expect(meta.history.filter((h) => h.valLoss !== undefined).map((h) => h.step)).toEqual([10, 20]);
  }, 60_000);

  it('sample prints the prime and then exactly --length characters, deterministic for a seed', async () => {
    const [a, b, c, greedy] = await inPairs([
      ['sample', ckpt, '--length', '30', '--seed', '1', '--prime', 'the '],
      ['sample', ckpt, '--length', '30', '--seed', '1', '--prime', 'the '],
      ['sample', ckpt, '--length', '30', '--seed', '2', '--prime', 'the '],
      ['sample', ckpt, '--length', '30', '--argmax', '--prime', 'the '],
    ]);
    for (const r of [a!, b!, c!, greedy!]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith('the ')).toBe(true);
      expect(r.stdout.endsWith('\n')).toBe(true);
      expect(Array.from(r.stdout.slice(4, -1))).toHaveLength(30);
    }
    expect(b!.stdout).toBe(a!.stdout);
    expect(c!.stdout).not.toBe(a!.stdout);
    // the CLI samples exactly what the library samples from the same checkpoint
    const { model, vocab } = loadCharLM(new Uint8Array(readFileSync(ckpt)));
    expect(a!.stdout.slice(4, -1)).toBe(sampleText(model, vocab, { prime: 'the ', length: 30, seed: 1 }));
    expect(greedy!.stdout.slice(4, -1)).toBe(sampleText(model, vocab, { prime: 'the ', length: 30, argmax: true }));
  }, 60_000);

  it('sample with the default prime and --json', async () => {
    const [plain, json] = await inPairs([
      ['sample', ckpt, '--length', '30', '--seed', '1'],
      ['sample', ckpt, '--length', '12', '--seed', '3', '--top-k', '3', '--temperature', '0.7', '--json'],
    ]);
    expect(plain!.code).toBe(0);
    expect(plain!.stdout.startsWith('\n')).toBe(true); // the default prime is a newline
    expect(Array.from(plain!.stdout.slice(1, -1))).toHaveLength(30);
    expect(json!.code).toBe(0);
    const out = JSON.parse(json!.stdout) as { prime: string; text: string };
    expect(out.prime).toBe('\n');
    expect(Array.from(out.text)).toHaveLength(12);
  }, 60_000);

  it('sample --temperature, --top-k and --top-p print what the library samples with the same options', async () => {
    const base = ['sample', ckpt, '--length', '60', '--seed', '7', '--prime', 'the '];
    const cases: [string[], SampleOptions][] = [
      [['--temperature', '0.3'], { temperature: 0.3 }],
      [['--top-k', '2'], { topK: 2 }],
      [['--top-p', '0.3'], { topP: 0.3 }],
      [['--temperature', '1.5', '--top-k', '5', '--top-p', '0.9'], { temperature: 1.5, topK: 5, topP: 0.9 }],
    ];
    const results = await inPairs(cases.map(([args]) => [...base, ...args]));
    const { model, vocab } = loadCharLM(new Uint8Array(readFileSync(ckpt)));
    const plain = sampleText(model, vocab, { prime: 'the ', length: 60, seed: 7 });
    cases.forEach(([args, option], k) => {
      const r = results[k]!;
      const what = args.join(' ');
      expect(r.stderr, what).toBe('');
      expect(r.code, what).toBe(0);
      const want = sampleText(model, vocab, { prime: 'the ', length: 60, seed: 7, ...option });
      expect(want, `${what} changes the library's sample`).not.toBe(plain);
      expect(r.stdout, what).toBe(`the ${want}\n`);
    });
  }, 60_000);

  it('train --cell --hidden --layers --seq --batch --lr --clip --seed trains what the library trains with those options', async () => {
    const out = join(dir, 'flags.ckpt');
    const r = await unroll(['train', 'charlm', '--data', data, '--steps', '6', '--eval-every', '100', '--sample-every', '0', '--out', out, '--json',
      '--cell', 'gru', '--hidden', '12', '--layers', '2', '--seq', '10', '--batch', '3', '--lr', '0.02', '--clip', '0.1', '--seed', '7']);
    expect(r.code, r.stderr).toBe(0);
    const options = { seq: 10, batch: 3, lr: 0.02, clip: 0.1, seed: 7, model: { cell: 'gru' as const, hidden: 12, layers: 2 } };
    const run = (o: Parameters<typeof CharLMTrainer.create>[1]) => {
      const t = CharLMTrainer.create(TEXT, o);
      const losses = Array.from({ length: 6 }, () => t.step().loss);
      return { t, losses, weights: Object.fromEntries(t.model.namedParameters().map(([n, p]) => [n, Array.from(p.data)])) };
    };
    const lib = run(options);
    const { meta, decoded } = readCharLMCheckpoint(new Uint8Array(readFileSync(out)));
    expect(meta.config).toEqual(lib.t.config);
    expect(meta.history.map((h) => h.trainLoss)).toEqual(lib.losses);
    const saved = Object.fromEntries(Object.entries(decoded.modelState).map(([n, t]) => [n, Array.from(t.data)]));
    expect(saved).toEqual(lib.weights);
    // guards: with the default clip, or the default seed, the library trains other weights
    expect(run({ ...options, clip: undefined }).weights).not.toEqual(lib.weights);
    expect(run({ ...options, seed: undefined }).weights).not.toEqual(lib.weights);
  }, 60_000);

  it('eval and info report on the checkpoint', async () => {
    const [ev, info] = await inPairs([['eval', ckpt, '--data', data, '--json'], ['info', ckpt, '--json']]);
    expect(ev!.stderr).toBe('');
    expect(ev!.code).toBe(0);
    const m = JSON.parse(ev!.stdout) as { chars: number; nats: number; bitsPerChar: number; perplexity: number; unknownChars: number };
    expect(m.chars).toBeGreaterThan(2000);
    expect(m.chars).toBeLessThanOrEqual(TEXT.length - 1);
    expect(m.bitsPerChar).toBeCloseTo(m.nats / Math.LN2, 8);
    expect(m.perplexity).toBeCloseTo(Math.exp(m.nats), 6);
    expect(m.nats).toBeGreaterThan(0);
    expect(m.nats).toBeLessThan(Math.log(29) + 0.5);
    expect(m.unknownChars).toBe(0);

    expect(info!.stderr).toBe('');
    expect(info!.code).toBe(0);
    const i = JSON.parse(info!.stdout) as Record<string, unknown> & { config: { model: { hidden: number } }; validation: unknown[] };
    expect(i.type).toBe('charlm');
    expect(i.steps).toBe(20);
    expect(i.tokens).toBe(20 * 16 * 4);
    expect(i.config.model.hidden).toBe(16);
    expect(i.vocabSize).toBe(new Set(TEXT).size + 1);
    expect(i.parameters).toBeGreaterThan(0);
    expect(i.validation).toHaveLength(2);
    // no timings are stored, so none are shown
    expect(i).not.toHaveProperty('trainingSeconds');
    expect(i.validation[0]).not.toHaveProperty('seconds');
  }, 60_000);

  it('--resume continues the run where it stopped', async () => {
    const out = join(dir, 'resumed.ckpt');
    const r = await unroll(['train', 'charlm', '--data', data, '--resume', ckpt, '--steps', '10', '--out', out, '--json']);
    expect(r.stderr).toBe(`${SIGINT_READY_LINE}\n`);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { steps: number; tokens: number };
    expect(summary.steps).toBe(30);
    expect(summary.tokens).toBe(30 * 16 * 4);
    const { meta } = readCharLMCheckpoint(new Uint8Array(readFileSync(out)));
    expect(meta.step).toBe(30);
    expect(meta.history).toHaveLength(30);
    expect(meta.config.model.hidden).toBe(16); // the checkpoint's config, not the defaults
  }, 60_000);

  it('--help works for every command and lists its options', async () => {
    const cases: [string[], string[]][] = [
      [['--help'], ['train', 'sample', 'eval', 'info']],
      [['train', 'charlm', '--help'], ['--data', '--hidden', '--steps', '--minutes', '--resume', '--out', '--json']],
      [['sample', '--help'], ['--length', '--temperature', '--top-k', '--top-p', '--argmax', '--seed', '--prime']],
      [['eval', '--help'], ['--data', '--json']],
      [['info', '--help'], ['--json']],
    ];
    const results = await inPairs(cases.map(([args]) => args));
    cases.forEach(([args, words], k) => {
      const r = results[k]!;
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.stdout).toMatch(/^Usage: unroll/);
      for (const w of words) expect(r.stdout, `${args.join(' ')} mentions ${w}`).toContain(w);
    });
  }, 60_000);

  it('errors exit non-zero with exactly one line on stderr', async () => {
    const out = join(dir, 'never-written.ckpt');
    const train = ['train', 'charlm', '--steps', '2', '--hidden', '8', '--seq', '8', '--batch', '2', '--out', out];
    const cases: [string[], RegExp, string][] = [
      [[...train, '--data', join(dir, 'missing.txt')], /missing\.txt.*no such file/, 'missing data file'],
      [[...train, '--data', join(dir, 'empty.txt')], /empty\.txt.*empty/, 'empty data file'],
      [[...train, '--data', join(dir, 'binary.dat')], /binary\.dat.*binary/, 'binary data file'],
      [['sample', join(dir, 'notes.txt')], /checkpoint/, 'a text file as a checkpoint'],
      [['info', join(dir, 'other.ckpt')], /'other'.*not a charlm/, 'a checkpoint of another model type'],
      [['eval', join(dir, 'missing.ckpt'), '--data', data], /missing\.ckpt.*no such file/, 'a missing checkpoint'],
      [[...train, '--data', data, '--hidden', '0'], /--hidden.*'0'/, '--hidden 0'],
      [[...train, '--data', data, '--lr', '-1'], /--lr.*'-1'/, '--lr -1'],
      [['frobnicate'], /unknown command 'frobnicate'/, 'unknown command'],
      [['sample', ckpt, '--top-p', '2'], /--top-p/, '--top-p 2'],
    ];
    const results = await inPairs(cases.map(([args]) => args));
    cases.forEach(([, pattern, what], k) => {
      expectOneLineError(results[k]!, pattern, what);
    });
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('Ctrl-C stops training, saves the checkpoint and exits 130', async () => {
    const out = join(dir, 'interrupted.ckpt');
    const child = spawn(process.execPath, ['--conditions=unroll-source', '--import', TSX, CLI,
      'train', 'charlm', '--data', data, '--minutes', '5', '--hidden', '16', '--seq', '16', '--batch', '4', '--sample-every', '1', '--out', out], {
      cwd: dir, env: { ...process.env, UNROLL_BACKEND: BACKEND }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // the handler is installed once the ready line is on stderr; the first step has run once its
    // sample (--sample-every 1) is on stdout. SIGINT goes after both, whatever the start-up time.
    const handlerReady = new Promise<void>((ready) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.split('\n').includes(SIGINT_READY_LINE)) ready();
      });
    });
    const firstStep = new Promise<void>((ready) => {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (stdout.includes('--- sample at step 1 ---')) ready();
      });
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
    const killer = setTimeout(() => child.kill('SIGKILL'), 50_000); // a failure bound only
    await Promise.race([Promise.all([handlerReady, firstStep]), exited]);
    child.kill('SIGINT');
    const { code, signal } = await exited;
    clearTimeout(killer);
    expect(signal, `stdout: ${stdout}\nstderr: ${stderr}`).toBeNull();
    expect(code, stderr).toBe(130);
    expect(stdout).toMatch(/^training a 1-layer LSTM/);
    expect(stdout.split('\n')[0]).toMatch(new RegExp(`, ${BACKEND} backend$`)); // the backend under test
    expect(stdout).toMatch(/interrupted: step \d+/);
    expect(stdout).toContain(`saved ${out}`);
    expect(existsSync(out)).toBe(true);
    const { meta } = readCharLMCheckpoint(new Uint8Array(readFileSync(out)));
    expect(meta.step).toBeGreaterThan(0);
    expect(stdout).toContain(`interrupted: step ${meta.step},`);
    expect(stderr).toBe(`${SIGINT_READY_LINE}\n`);
  }, 60_000);
});

/** Spawns the CLI with piped stdio; `ready` resolves once stderr has the ready line and stdout holds `until` (when given). */
function spawnUnroll(args: string[], until?: string) {
  const child = spawn(process.execPath, ['--conditions=unroll-source', '--import', TSX, CLI, ...args], {
    cwd: dir, env: { ...process.env, UNROLL_BACKEND: BACKEND, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen = { stdout: '', stderr: '' };
  const handler = new Promise<void>((ok) => child.stderr.setEncoding('utf8').on('data', (d: string) => {
    seen.stderr += d;
    if (seen.stderr.split('\n').includes(SIGINT_READY_LINE)) ok();
  }));
  const printed = new Promise<void>((ok) => child.stdout.setEncoding('utf8').on('data', (d: string) => {
    seen.stdout += d;
    if (until === undefined || seen.stdout.includes(until)) ok();
  }));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
  const killer = setTimeout(() => child.kill('SIGKILL'), 50_000); // a failure bound only
  void exited.then(() => clearTimeout(killer));
  const ready = Promise.race([Promise.all([handler, printed]).then(() => true), exited.then(() => false)]);
  return { child, seen, ready, exited };
}

/** Only the ready line and one `unroll:` error line on stderr, no stack trace. */
function expectReadyThenError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n').filter((l) => l !== SIGINT_READY_LINE);
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^unroll: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\bat .*\.[jt]s:\d+/);
}

/** Rewrites a safetensors file's header JSON text (the tensor bytes stay where they are). */
function rewriteHeader(bytes: Uint8Array, edit: (header: string) => string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = new TextEncoder().encode(edit(new TextDecoder().decode(bytes.subarray(8, 8 + n))));
  const out = new Uint8Array(8 + header.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(bytes.subarray(8 + n), 8 + header.length);
  return out;
}

/** A tiny seeded generator for the kill test's moments (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('unroll under faults (issue 16)', () => {
  const SMALL = ['train', 'charlm', '--hidden', '16', '--seq', '16', '--batch', '4', '--sample-every', '0'];

  it('a bad --out or --log is reported before any work (exit 2, one line)', async () => {
    const cases: [string[], RegExp][] = [
      [[...SMALL, '--data', data, '--steps', '2', '--out', join(dir, 'no-such-folder', 'x.st')], /--out .*no-such-folder.*does not exist/],
      [[...SMALL, '--data', data, '--steps', '2', '--out', dir], /--out .*is a directory/],
      [[...SMALL, '--data', data, '--steps', '2', '--out', join(dir, 'never.st'), '--log', join(dir, 'nope', 'log.jsonl')], /--log .*nope.*does not exist/],
      [[...SMALL, '--data', data, '--steps', '2', '--out', join(dir, 'notes.txt')], /--out .*notes\.txt.*already exists.*--force/],
      [[...SMALL, '--data', data, '--steps', '2', '--out', join(dir, 'never.st'), '--batch', '200', '--seq', '200'], /fox\.txt.*too few for --batch 200 x --seq 200/],
    ];
    const results = await inPairs(cases.map(([a]) => a));
    cases.forEach(([, pattern], k) => {
      expectOneLineError(results[k]!, pattern, cases[k]![0].join(' '));
      expect(results[k]!.code).toBe(2);
      expect(results[k]!.stderr).not.toMatch(/StreamBatcher|splitTrainVal/);
    });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('these are notes, not a checkpoint\n');
    expect(existsSync(join(dir, 'never.st'))).toBe(false);
  }, 60_000);

  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} saves and exits ${code}`, async () => {
      const out = join(dir, `${signal}.st`);
      const run = spawnUnroll([...SMALL, '--data', data, '--minutes', '5', '--sample-every', '1', '--out', out], '--- sample at step 1 ---');
      expect(await run.ready).toBe(true);
      run.child.kill(signal);
      const r = await run.exited;
      expect(r.code, run.seen.stderr).toBe(code);
      const { meta } = readCharLMCheckpoint(new Uint8Array(readFileSync(out)));
      expect(run.seen.stdout).toContain(`interrupted: step ${meta.step}, ${signal}`);
      expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    }, 60_000);
  }

  it('a second signal during the save does not lose the save', async () => {
    const out = join(dir, 'twice.st');
    const run = spawnUnroll([...SMALL, '--data', data, '--minutes', '5', '--sample-every', '1', '--out', out], '--- sample at step 1 ---');
    expect(await run.ready).toBe(true);
    run.child.kill('SIGINT');
    run.child.kill('SIGTERM');
    const r = await run.exited;
    expect(r.signal).toBeNull();
    // sent back to back, both are pending at once and the kernel may hand either over first: the
    // status is that of whichever the process saw first, and the save completes either way
    expect([130, 143]).toContain(r.code);
    expect(readCharLMCheckpoint(new Uint8Array(readFileSync(out))).meta.step).toBeGreaterThan(0);
  }, 60_000);

  it('a closed stdout (| head) ends train and sample quietly after the save, exit 141', async () => {
    const out = join(dir, 'piped.st');
    const train = spawnUnroll([...SMALL, '--data', data, '--minutes', '5', '--log-every', '1', '--out', out], 'step 1 ');
    expect(await train.ready).toBe(true);
    train.child.stdout.destroy();
    const t = await train.exited;
    expect(t.code).toBe(141);
    expect(train.seen.stderr).toBe(`${SIGINT_READY_LINE}\n`);
    expect(readCharLMCheckpoint(new Uint8Array(readFileSync(out))).meta.step).toBeGreaterThan(0);

    const sample = spawnUnroll(['sample', ckpt, '--length', '1000000']);
    await new Promise<void>((ok) => sample.child.stdout.once('data', () => ok()));
    sample.child.stdout.destroy();
    const s = await sample.exited;
    expect(s.code).toBe(141);
    expect(sample.seen.stderr).toBe('');
  }, 60_000);

  it('divergence (--lr 1e308 --clip 0) names the step, writes no NaN checkpoint and exits 1', async () => {
    const out = join(dir, 'diverged.st');
    const r = await unroll([...SMALL, '--data', data, '--steps', '300', '--lr', '1e308', '--clip', '0', '--out', out]);
    expect(r.code).toBe(1);
    expectReadyThenError(r.stderr, /training diverged at step \d+: the (loss|gradient norm) is (NaN|-?Infinity); nothing was saved to '.*diverged\.st'/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('every reader rejects non-finite weights and metadata that disagrees with the tensors, in one line', async () => {
    const bytes = new Uint8Array(readFileSync(ckpt));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))))) as Record<string, { data_offsets: number[] }>;
    const [begin] = header['model.head.bias']?.data_offsets ?? header['head.bias']!.data_offsets;
    const nan = bytes.slice();
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    new DataView(nan.buffer).setFloat32(8 + n + begin!, Number.NaN, true);
    writeFileSync(join(dir, 'nan.st'), nan);
    writeFileSync(join(dir, 'layers.st'), rewriteHeader(bytes, (h) => h.replace(/(\\?"layers\\?":)1\b/, '$13000')));
    writeFileSync(join(dir, 'hidden.st'), rewriteHeader(bytes, (h) => h.replace(/(\\?"hidden\\?":)16\b/, '$1100000000')));
    const cases: [string[], RegExp][] = [
      [['info', join(dir, 'nan.st')], /nan\.st.*not finite/],
      [['sample', join(dir, 'nan.st')], /nan\.st.*not finite/],
      [['eval', join(dir, 'nan.st'), '--data', data], /nan\.st.*not finite/],
      [['info', join(dir, 'layers.st')], /layers\.st.*3000 layers but the file holds weights for 1/],
      [['sample', join(dir, 'hidden.st')], /hidden\.st.*shape/],
    ];
    const results = await inPairs(cases.map(([a]) => a));
    cases.forEach(([args, pattern], k) => {
      expectOneLineError(results[k]!, pattern, args.join(' '));
    });
    const resumed = await unroll(['train', 'charlm', '--sample-every', '0', '--data', data, '--steps', '1', '--resume', join(dir, 'nan.st'), '--out', join(dir, 'nan.st')]);
    expect(resumed.code).toBe(1);
    expectOneLineError(resumed, /nan\.st.*not finite/, '--resume of a NaN checkpoint');
  }, 60_000);

  it('--resume refuses other data unless --force; the same command and seed give the same bytes; --log writes records', async () => {
    const other = join(dir, 'other.txt');
    writeFileSync(other, TEXT.replace(/fox/g, 'cat'));
    const a = join(dir, 'same-a.st');
    const b = join(dir, 'same-b.st');
    const log = join(dir, 'run.jsonl');
    const [ra, rb] = await Promise.all([
      unroll([...SMALL, '--data', data, '--steps', '6', '--eval-every', '3', '--out', a, '--log', log, '--log-every', '2']),
      unroll([...SMALL, '--data', data, '--steps', '6', '--eval-every', '3', '--out', b]),
    ]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
    const records = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { step: number; valLoss?: number });
    expect(records.map((r) => r.step)).toEqual([2, 3, 4, 6]);
    expect(records.filter((r) => r.valLoss !== undefined).map((r) => r.step)).toEqual([3, 6]);

    const RESUME = ['train', 'charlm', '--sample-every', '0'];
    const refused = await unroll([...RESUME, '--data', other, '--steps', '1', '--resume', a, '--out', a]);
    expect(refused.code).toBe(2);
    expectOneLineError(refused, /--resume .*same-a\.st.*other data.*--force/, 'resume on other data');
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0); // untouched
    const forced = await unroll([...RESUME, '--data', other, '--steps', '1', '--resume', a, '--out', a, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readCharLMCheckpoint(new Uint8Array(readFileSync(a))).meta.step).toBe(7);
  }, 60_000);

  it('sample: --temperature 0 points to --argmax, --argmax with --temperature is refused, an unknown prime warns', async () => {
    const [zero, both, prime] = await inPairs([
      ['sample', ckpt, '--temperature', '0'],
      ['sample', ckpt, '--argmax', '--temperature', '2'],
      ['sample', ckpt, '--prime', 'Zé ', '--length', '3'],
    ]);
    expectOneLineError(zero!, /--temperature.*--argmax/, '--temperature 0');
    expectOneLineError(both!, /--argmax.*--temperature/, '--argmax --temperature 2');
    expect(prime!.code).toBe(0);
    expect(prime!.stderr).toMatch(/^unroll: warning: 2 characters of --prime are not in the model's vocabulary/);
  }, 60_000);

  it('killed at random moments (seeded, 20 times), the next run finds a good checkpoint and leaves no temporary file', async () => {
    const out = join(dir, 'killed.st');
    const random = seeded(16);
    for (let k = 0; k < 20; k++) {
      const resume = existsSync(out) ? ['--resume', out] : [];
      const run = spawnUnroll([...SMALL, '--data', data, '--minutes', '5', '--save-every', '1', '--keep', '2', '--out', out, ...resume]);
      expect(await run.ready).toBe(true);
      await new Promise((ok) => setTimeout(ok, Math.floor(random() * 400))); // the random moment to kill at
      run.child.kill('SIGKILL');
      await run.exited;
      if (existsSync(out)) expect(() => readCharLMCheckpoint(new Uint8Array(readFileSync(out)))).not.toThrow();
    }
    const last = await unroll([...SMALL, '--data', data, '--steps', '1', '--save-every', '1', '--out', out, ...(existsSync(out) ? ['--resume', out] : [])]);
    expect(last.code, last.stderr).toBe(0);
    expect(readCharLMCheckpoint(new Uint8Array(readFileSync(out))).meta.step).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('killed.st.tmp-'))).toEqual([]);
  }, 120_000);
});
