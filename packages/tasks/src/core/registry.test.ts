import { encodeCheckpoint } from '@unroll/autograd';
import { ArgumentError, FormatError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope, getTask, registerTask, taskFor, taskNames } from './index.js';
import { toyLoop } from './test-helpers.js';

describe('task registry', () => {
  it('finds a checkpoint\'s task by its type and calls its load and describe', () => {
    registerTask('toy-a', { load: (b) => ({ n: b.length }), describe: () => ({ kind: 'toy-a' }) });
    registerTask('toy-b', { load: () => 'b', describe: () => ({ kind: 'toy-b' }) });
    expect(taskNames()).toEqual(expect.arrayContaining(['toy-a', 'toy-b']));
    const bytes = encodeEnvelope(toyLoop(), { type: 'toy-b', version: 1, config: {} });
    const { name, entry } = taskFor(bytes);
    expect(name).toBe('toy-b');
    expect(entry.load(bytes)).toBe('b');
    expect(entry.describe(bytes)).toEqual({ kind: 'toy-b' });
    expect(getTask('toy-a').load(new Uint8Array(3))).toEqual({ n: 3 });
  });

  it('names unknown tasks and checkpoints without a type', () => {
    expect(() => getTask('nope')).toThrow(ArgumentError);
    expect(() => getTask('nope')).toThrow(/unknown task 'nope' \(registered: .*\)/);
    expect(() => taskFor(encodeEnvelope(toyLoop(), { type: 'elsewhere', version: 1, config: {} }))).toThrow(/holds a 'elsewhere' model, and no such task is registered/);
    expect(() => taskFor(encodeCheckpoint({ metadata: {} }))).toThrow(FormatError);
  });

  it('rejects bad names and entries', () => {
    expect(() => registerTask('Bad Name', { load: () => 0, describe: () => ({}) })).toThrow(ArgumentError);
    expect(() => registerTask('ok', { load: () => 0 } as never)).toThrow("registerTask: 'ok' needs load and describe functions");
  });
});
