import { encodeCheckpoint, Linear } from '@unroll/autograd';
import { ArgumentError, FormatError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { checkpointType, decodeEnvelope, encodeEnvelope } from './index.js';
import { toyLoop } from './test-helpers.js';

describe('checkpoint envelope', () => {
  it('holds type, version, config, the training state and the extra keys, and no timings', () => {
    const loop = toyLoop();
    loop.runStep();
    loop.runStep();
    const bytes = encodeEnvelope(loop, { type: 'toy', version: 3, config: { width: 8 }, extra: { vocab: ['a', 'b'] } });
    const { envelope, decoded } = decodeEnvelope<{ width: number }>(bytes, 'toy');
    expect(envelope.type).toBe('toy');
    expect(envelope.version).toBe(3);
    expect(envelope.config).toEqual({ width: 8 });
    expect(envelope.vocab).toEqual(['a', 'b']);
    expect(envelope.training).toEqual({ step: 2, tokens: 16, rng: loop.parts.generator!.getState().map((v, i) => (i < 4 ? v >>> 0 : Number.isNaN(v) ? null : v)), carried: null, data: { position: 2 } });
    expect(decoded.schedulerState).toEqual(loop.parts.scheduler!.stateDict());
    expect(decoded.optimizerState!.stepCount).toBe(2);
    expect(Object.keys(decoded.modelState).sort()).toEqual(Object.keys(loop.parts.model.stateDict()).sort());
    expect(JSON.stringify(decoded.metadata)).not.toMatch(/second|time|date/i);
    expect(checkpointType(bytes).type).toBe('toy');
    expect(envelope.training.rng!.slice(0, 4).every((w) => Number.isInteger(w) && w! >= 0 && w! < 2 ** 32)).toBe(true);
  });

  it('writes equal generator states as equal bytes, whether its words are held signed or not', () => {
    const a = toyLoop();
    const b = toyLoop();
    const g = a.parts.generator!;
    for (let i = 0; i < 1000 && g.getState().slice(0, 4).every((w) => w >= 0); i++) g.random();
    expect(g.getState().slice(0, 4).some((w) => w < 0)).toBe(true); // the generator holds a word signed now
    b.parts.generator!.setState(g.getState()); // the same state, words stored unsigned
    const head = { type: 'toy', version: 1, config: {} };
    expect(encodeEnvelope(a, head)).toEqual(encodeEnvelope(b, head));
  });

  it('rejects a checkpoint of another task, one without a type or training state, and bad heads', () => {
    const loop = toyLoop();
    const bytes = encodeEnvelope(loop, { type: 'toy', version: 1, config: {} });
    expect(() => decodeEnvelope(bytes, 'charlm')).toThrow(FormatError);
    expect(() => decodeEnvelope(bytes, 'charlm')).toThrow("charlm: the checkpoint holds a 'toy' model, not a charlm");
    expect(() => decodeEnvelope(encodeCheckpoint({ model: new Linear(1, 1) }), 'toy')).toThrow('toy: the checkpoint has no task type in its metadata');
    expect(() => decodeEnvelope(encodeCheckpoint({ metadata: { type: 'toy', version: 1 } }), 'toy')).toThrow('toy: the checkpoint has no training state');
    expect(() => decodeEnvelope(encodeCheckpoint({ metadata: { type: 'toy', training: { step: 1 } } }), 'toy')).toThrow(/no envelope version/);
    expect(() => decodeEnvelope(new Uint8Array(12), 'toy')).toThrow(FormatError);
    expect(checkpointType(encodeCheckpoint({ metadata: [1] })).type).toBeUndefined();
    expect(() => encodeEnvelope(loop, { type: '', version: 1, config: {} })).toThrow(ArgumentError);
    expect(() => encodeEnvelope(loop, { type: 'toy', version: 0, config: {} })).toThrow(/version must be a positive integer/);
    expect(() => encodeEnvelope(loop, { type: 'toy', version: 1, config: {}, extra: { training: 1 } })).toThrow("encodeEnvelope: extra must not set the envelope's own key 'training'");
  });
});
