import * as datasets from '@unroll/datasets';
import { describe, expect, it } from 'vitest';
import { loadMobyDick, readTextCorpus } from './index.js';

describe('@unroll/tasks/node', () => {
  it('re-exports the corpus readers of @unroll/datasets', () => {
    expect(loadMobyDick).toBe(datasets.loadMobyDick);
    expect(readTextCorpus).toBe(datasets.readTextCorpus);
  });
});
