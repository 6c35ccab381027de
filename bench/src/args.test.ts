import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

describe('parseArgs', () => {
  it('defaults to 5 runs, a 12 s time box and writing BENCHMARKS.md', () => {
    expect(parseArgs([])).toMatchObject({ quick: false, runs: 5, budgetS: 12, write: true, only: [], skip: [], install: true });
    expect(parseArgs(['--no-install']).install).toBe(false);
  });

  it('--quick means 1 run and a short time box unless given', () => {
    expect(parseArgs(['--quick'])).toMatchObject({ quick: true, runs: 1, budgetS: 3 });
    expect(parseArgs(['--quick', '--runs', '2'])).toMatchObject({ runs: 2, budgetS: 3 });
  });

  it('ignores the "--" that pnpm may pass through, and splits lists', () => {
    expect(parseArgs(['--', '--only', 'matmul,train-lstm1', '--skip', 'torch'])).toMatchObject({
      only: ['matmul', 'train-lstm1'],
      skip: ['torch'],
    });
  });

  it('rejects unknown options and bad numbers', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option '--fast'/);
    expect(() => parseArgs(['--runs', '0'])).toThrow(/--runs must be a positive number/);
    expect(() => parseArgs(['--runs', '2.5'])).toThrow(/integer/);
    expect(() => parseArgs(['--budget'])).toThrow(/needs a value/);
  });
});
