/**
 * The results table (printed, and written to BENCHMARKS.md): median, min–max and speed ratios.
 * A ratio is a speed ratio, > 1 meaning faster than the peer: value / peer for throughputs
 * (GFLOP/s, tok/s), peer / value for latencies (ms/tok, ms/word).
 */
import type { Environment } from './env.js';
import { median } from './timing.js';
import { type Impl, type Measurement, type Row, TFJS_IMPLS } from './types.js';

const IMPL_ORDER: readonly Impl[] = ['unroll-js', 'unroll-wasm', 'unroll-native', 'unroll-native-1t', 'tfjs-cpu', 'tfjs-wasm', 'torch', 'torch-1t'];

/** A configuration that produced no figure, and why. */
export interface Missing {
  id: string;
  why: string;
}

/** Higher is faster, whatever the unit. */
function speed(m: Measurement): number {
  const v = median(m.samples);
  return m.higherIsBetter ? v : 1 / v;
}

/** Formats a figure with sensible precision for its size. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

const ratio = (r: number): string => `${r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;

/** Rows grouped in first-seen order, implementations in a fixed order inside a group. */
function grouped(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return [...groups.values()].map((g) => g.sort((a, b) => IMPL_ORDER.indexOf(a.impl) - IMPL_ORDER.indexOf(b.impl)));
}

/** The table as aligned Markdown (readable in a terminal as it is). */
export function resultsTable(rows: readonly Row[]): string {
  const hasTorch = rows.some((r) => r.impl === 'torch');
  const header = ['benchmark', 'implementation', 'threads', 'median', 'min–max', 'unit', 'n', 'vs best tfjs'];
  if (hasTorch) header.push('vs torch');
  const body: string[][] = [];
  for (const g of grouped(rows)) {
    const tfjs = g.filter((r) => TFJS_IMPLS.includes(r.impl));
    const best = tfjs.reduce<Row | undefined>((b, r) => (b === undefined || speed(r.result) > speed(b.result) ? r : b), undefined);
    const torch = g.find((r) => r.impl === 'torch');
    g.forEach((r, i) => {
      const m = r.result;
      const cells = [
        i === 0 ? r.group : '',
        r.impl,
        String(m.threads),
        fmt(median(m.samples)),
        `${fmt(Math.min(...m.samples))}–${fmt(Math.max(...m.samples))}`,
        m.unit,
        String(m.samples.length),
        best ? `${ratio(speed(m) / speed(best.result))} ${best.impl}` : '—',
      ];
      if (hasTorch) cells.push(torch && r !== torch ? ratio(speed(m) / speed(torch.result)) : '—');
      body.push(cells);
    });
  }
  return markdownTable(header, body);
}

function markdownTable(header: string[], body: string[][]): string {
  const width = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const numeric = (c: number): boolean => c >= 2 && header[c] !== 'unit'; // right-align the figures
  const line = (cells: string[]): string =>
    `| ${cells.map((x, c) => (numeric(c) ? x.padStart(width[c]!) : x.padEnd(width[c]!))).join(' | ')} |`;
  const rule = `|${width.map((w, c) => (numeric(c) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** What each case times, from the notes the children sent (one line per group and impl). */
export function methodNotes(rows: readonly Row[]): string {
  return grouped(rows).map((g) => `- ${g[0]!.group}: ${g.map((r) => `${r.impl}: ${r.result.note}`).join('; ')}`).join('\n');
}

export interface ReportInput {
  env: Environment;
  command: string;
  mode: string;
  rows: readonly Row[];
  missing: readonly Missing[];
}

/** The whole BENCHMARKS.md. */
export function benchmarksMarkdown(r: ReportInput): string {
  const { env } = r;
  const missing = r.missing.length
    ? `\nNot measured:\n\n${r.missing.map((m) => `- ${m.id}: ${m.why}`).join('\n')}\n`
    : '';
  return `# Benchmarks

Written by \`pnpm bench\` (bench/src/main.ts); rerun it rather than editing this file. How to run and
what is measured: [bench/README.md](bench/README.md).

- Date: ${env.date}
- Command: \`${r.command}\` (${r.mode})
- CPU: ${env.cpu}, ${env.logicalCores} logical cores; load average at start ${env.loadAverage}
- Node.js ${env.node}; TensorFlow.js ${env.tfjs} (tfjs-backend-cpu; tfjs-backend-wasm, SIMD, one thread in Node)
- Unroll native backend: ${env.native}
- PyTorch: ${env.torch}
- Source: ${env.git}

Each configuration ran in its own process. "n" is the number of timed samples (after warm-up);
"median" and "min–max" are over those samples. Ratios are speed ratios, above 1 meaning faster than
the peer named: value / peer for GFLOP/s and tok/s, peer / value for ms/tok and ms/word. "vs best tfjs" compares
with the faster of tfjs-cpu and tfjs-wasm for that benchmark.

${resultsTable(r.rows)}
${missing}
## What was timed

${methodNotes(r.rows)}
`;
}
