/**
 * End-to-end tests of the `unroll` CLI: each case spawns the CLI from its sources (tsx loader,
 * `unroll-source` condition), so no build is needed. Spawns cost about a second each: the cases
 * share one trained checkpoint and run independent spawns two at a time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
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

  it('Ctrl-C stops training, saves the checkpoint and exits 0', async () => {
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
    expect(code, stderr).toBe(0);
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
