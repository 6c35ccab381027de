import { describe, expect, it } from 'vitest';
import { fmt, resultsTable } from './report.js';
import type { Impl, Measurement, Row } from './types.js';

const m = (unit: Measurement['unit'], samples: number[]): Measurement => ({
  unit, higherIsBetter: unit !== 'ms/tok', samples, threads: 1, note: '',
});
const row = (group: string, impl: Impl, result: Measurement): Row => ({ group, impl, result });
const cellsOf = (table: string, impl: string): string[] =>
  table.split('\n').find((l) => l.includes(`| ${impl} `))!.split('|').map((c) => c.trim()).slice(1, -1);

describe('resultsTable', () => {
  it('gives throughput ratios as value / best tfjs peer', () => {
    const t = resultsTable([
      row('train', 'tfjs-cpu', m('tok/s', [100])),
      row('train', 'unroll-js', m('tok/s', [300, 500, 400])),
      row('train', 'tfjs-wasm', m('tok/s', [200])),
    ]);
    expect(cellsOf(t, 'unroll-js')).toEqual(['train', 'unroll-js', '1', '400', '300–500', 'tok/s', '3', '2.00× tfjs-wasm']);
    expect(cellsOf(t, 'tfjs-cpu')[7]).toBe('0.50× tfjs-wasm');
  });

  it('inverts latencies, so that above 1 still means faster', () => {
    const t = resultsTable([
      row('sample', 'unroll-js', m('ms/tok', [0.5])),
      row('sample', 'tfjs-wasm', m('ms/tok', [1])),
      row('sample', 'torch', m('ms/tok', [0.25])),
    ]);
    const u = cellsOf(t, 'unroll-js');
    expect(u[7]).toBe('2.00× tfjs-wasm');
    expect(u[8]).toBe('0.50×'); // vs torch
    expect(cellsOf(t, 'torch')[8]).toBe('—');
  });

  it('shows no tfjs ratio where tfjs did not run, and no torch column without torch', () => {
    const t = resultsTable([row('x', 'unroll-js', m('GFLOP/s', [3]))]);
    expect(t).not.toContain('vs torch');
    expect(cellsOf(t, 'unroll-js')[7]).toBe('—');
  });
});

describe('fmt', () => {
  it('rounds by magnitude', () => {
    expect([fmt(12345.6), fmt(123.4), fmt(12.34), fmt(1.234), fmt(0.01234)]).toEqual(['12,346', '123', '12.3', '1.23', '0.0123']);
  });
});
