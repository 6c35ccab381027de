/**
 * End-to-end tests of `unroll train translate`, `unroll translate` and `unroll eval` on a
 * translate checkpoint: each case spawns the CLI from its sources, as cli.test.ts does, on a
 * tiny synthetic TSV data set (number words, English -> French).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CharLMTrainer, corpusBleu, loadTranslate, translateTexts } from '@unroll/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, '../cli.ts');
const TSX = resolve(here, '../../node_modules/tsx/dist/loader.mjs');
const BACKEND = process.env.UNROLL_TEST_BACKEND || 'js';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function unroll(args: string[]): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=unroll-source', '--import', TSX, CLI, ...args], {
      cwd: dir, env: { ...process.env, UNROLL_BACKEND: BACKEND, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function expectOneLineError(r: Result, pattern: RegExp): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^unroll: /);
  expect(r.stderr).toMatch(pattern);
}

const EN = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];
const FR = ['un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit'];

/** 400 distinct sentences of 4 to 6 number words and their word-for-word French. */
function numberPairs(): string {
  let s = 7;
  const next = (n: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
  const lines = new Map<string, string>();
  while (lines.size < 400) {
    const idx = Array.from({ length: 4 + next(3) }, () => next(8));
    lines.set(idx.map((i) => EN[i]).join(' '), idx.map((i) => FR[i]).join(' '));
  }
  return [...lines].map(([a, b]) => `${a}\t${b}`).join('\n');
}

let dir: string;
let ckpt: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unroll-translate-'));
  ckpt = join(dir, 'm.safetensors');
  writeFileSync(join(dir, 'pairs.tsv'), numberPairs());
  writeFileSync(join(dir, 'bad.tsv'), 'one\tun\ntwo deux\n');
  writeFileSync(join(dir, 'char.ckpt'), CharLMTrainer.create('abc abc abc '.repeat(20), { seq: 4, batch: 2, model: { hidden: 4 } }).checkpoint());
  const r = await unroll(['train', 'translate', '--data', join(dir, 'pairs.tsv'), '--steps', '150', '--hidden', '32', '--embedding', '16', '--batch', '16', '--lr', '0.01', '--eval-every', '50', '--out', ckpt, '--json']);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('unroll train translate / translate / eval', () => {
  it('train writes a translate checkpoint that learned the task', () => {
    const m = loadTranslate(new Uint8Array(readFileSync(ckpt)));
    expect(m.step).toBe(150);
    expect(m.config).toMatchObject({ hiddenSize: 32, embeddingSize: 16, batch: 16, attention: 'additive', source: 'word', target: 'word', metric: 'bleu' });
    expect(translateTexts(m, ['one two three four five'])[0]!.text).toBe('un deux trois quatre cinq');
  });

  it('translate prints what the library translates, names unknown words, and draws the attention', async () => {
    const m = loadTranslate(new Uint8Array(readFileSync(ckpt)));
    const r = await unroll(['translate', ckpt, 'six seven zebra eight', '--beam', '3', '--show-attention']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('unroll: note: not in the training vocabulary, read as unknown: "zebra"\n');
    const [t] = translateTexts(m, ['six seven zebra eight'], { beam: 3 });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(t!.text);
    expect(lines[1]!.trim().split(/\s+/)).toEqual(['six', 'seven', 'zebra', 'eight']);
    expect(lines.slice(2).map((l) => l.split(' ')[0])).toEqual([...t!.tokens, '<eos>']);
    expect(lines.slice(2).join('')).toMatch(/[.:\-=+*#%@]/);
  }, 60_000);

  it('eval prints BLEU that the printed outputs give again', async () => {
    const m = loadTranslate(new Uint8Array(readFileSync(ckpt)));
    const r = await unroll(['eval', ckpt, '--split', 'test', '--beam', '2', '--print', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const result = JSON.parse(lines.pop()!) as { bleu: number; count: number; split: string; decoding: string };
    expect(result).toMatchObject({ split: 'test', decoding: 'beam 2' });
    expect(lines).toHaveLength(result.count);
    const rows = lines.map((l) => l.split('\t'));
    const refs = rows.map((c) => c[2]!.split(' | ').map((x) => [...m.target.tokenize(x)]));
    const outs = rows.map((c) => (c[1] === '' ? [] : c[1]!.split(' ')));
    expect(result.bleu).toBe(corpusBleu(refs, outs).bleu);
    expect(result.bleu).toBeGreaterThan(0.5);
  }, 60_000);

  it('info describes the checkpoint; --resume continues its run on its data', async () => {
    const ckpt2 = join(dir, 'resumed.safetensors');
    const [info, resumed] = await Promise.all([
      unroll(['info', ckpt, '--json']),
      unroll(['train', 'translate', '--resume', ckpt, '--steps', '10', '--out', ckpt2, '--json']),
    ]);
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ type: 'translate', steps: 150, config: { hiddenSize: 32 } });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ steps: 160 });
    const m = loadTranslate(new Uint8Array(readFileSync(ckpt2)));
    expect(m.step).toBe(160);
    expect(m.config).toEqual(loadTranslate(new Uint8Array(readFileSync(ckpt))).config);
  }, 60_000);

  it('bad input: one unroll: line naming the flag, the text or the file', async () => {
    const [beam0, empty, badTsv, other, evalOther] = await Promise.all([
      unroll(['translate', ckpt, 'one', '--beam', '0']),
      unroll(['translate', ckpt, '  ']),
      unroll(['train', 'translate', '--data', join(dir, 'bad.tsv'), '--steps', '1']),
      unroll(['translate', join(dir, 'char.ckpt'), 'one']),
      unroll(['eval', join(dir, 'missing.safetensors')]),
    ]);
    expectOneLineError(beam0!, /--beam.*expected a positive integer, got '0'/);
    expectOneLineError(empty!, /the text " {2}" is empty/);
    expectOneLineError(badTsv!, /bad\.tsv' line 2: no tab/);
    expectOneLineError(other!, /char\.ckpt' is not a usable checkpoint: translate: the checkpoint holds a 'charlm' model/);
    expectOneLineError(evalOther!, /cannot read checkpoint '.*missing\.safetensors'/);
  }, 60_000);
});
