import { ArgumentError, decodeSafetensors, encodeSafetensors, FormatError, Generator, randn, Tensor, zeros } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, restoreCheckpoint } from './checkpoint.js';
import { StateDictError } from './errors.js';
import { Buffer, Module, Parameter } from './module.js';
import { Adam, AdamW, CosineAnnealingLR, LinearWarmup, type Optimizer, type Scheduler, SGD } from './optim/index.js';

class M extends Module {
  w: Parameter;
  b = new Parameter(zeros([2]));
  stats = new Buffer(zeros([2]));
  constructor(seed: number) {
    super();
    this.w = new Parameter(randn([3, 2], { generator: new Generator(seed) }));
  }
}

/** Deterministic fake gradients that depend on the parameters (no autodiff needed). */
function fakeBackward(m: M, k: number): void {
  for (const p of m.parameters()) {
    const g = new Tensor(new Float32Array(p.size), p.shape);
    for (let j = 0; j < p.size; j++) g.data[j] = Math.tanh(p.data[j]! * 2 + j) - 0.1 * k;
    p.grad = g;
  }
  m.stats.data[0] = k; // a buffer that changes too
}

function setup(seed: number): { model: M; optimizer: Optimizer; scheduler: Scheduler } {
  const model = new M(seed);
  const optimizer = new AdamW(model.parameters(), { lr: 0.01, amsgrad: true });
  const scheduler = new LinearWarmup(optimizer, { warmupSteps: 2, after: new CosineAnnealingLR(optimizer, { tMax: 10 }) });
  return { model, optimizer, scheduler };
}

function train(parts: { model: M; optimizer: Optimizer; scheduler: Scheduler }, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    fakeBackward(parts.model, k);
    parts.optimizer.step();
    parts.scheduler.step();
    parts.optimizer.zeroGrad();
  }
}

const bits = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));

describe('encodeCheckpoint / decodeCheckpoint / restoreCheckpoint', () => {
  it('resumes training bitwise from a checkpoint', () => {
    const straight = setup(1);
    train(straight, 0, 8);

    const first = setup(1);
    train(first, 0, 3);
    const bytes = encodeCheckpoint({ ...first, metadata: { epoch: 3, note: 'warm' } });
    const resumed = setup(99); // other weights, lr and schedule position
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.metadata).toEqual({ epoch: 3, note: 'warm' });
    restoreCheckpoint(decoded, resumed);
    expect(resumed.optimizer.lr).toBe(first.optimizer.lr);
    train(resumed, 3, 8);

    for (const [name, t] of Object.entries(straight.model.stateDict())) expect(bits(resumed.model.stateDict()[name]!)).toEqual(bits(t));
    expect(resumed.optimizer.lr).toBe(straight.optimizer.lr);
    expect(resumed.scheduler.stateDict()).toEqual(straight.scheduler.stateDict());
  });

  it('lays the file out as documented', () => {
    const parts = setup(1);
    train(parts, 0, 2);
    const { tensors, metadata } = decodeSafetensors(encodeCheckpoint({ ...parts, metadata: [1, 'two'] }));
    expect(Object.keys(tensors).sort()).toEqual([
      'model.b', 'model.stats', 'model.w',
      'optimizer.0.expAvg', 'optimizer.0.expAvgSq', 'optimizer.0.maxExpAvgSq', 'optimizer.0.step',
      'optimizer.1.expAvg', 'optimizer.1.expAvgSq', 'optimizer.1.maxExpAvgSq', 'optimizer.1.step',
    ]);
    expect(metadata.format).toBe('unroll-checkpoint');
    expect(metadata.version).toBe('1');
    const opt = JSON.parse(metadata.optimizer!);
    expect(opt).toEqual({ type: 'AdamW', hyper: parts.optimizer.hyperparameters(), stepCount: 2, numParams: 2 });
    expect(JSON.parse(metadata.scheduler!)).toEqual(parts.scheduler.stateDict());
    expect(JSON.parse(metadata.metadata!)).toEqual([1, 'two']);
  });

  it('round-trips a model alone, with no metadata', () => {
    const model = new M(5);
    const decoded = decodeCheckpoint(encodeCheckpoint({ model }));
    expect(decoded.optimizerState).toBeUndefined();
    expect(decoded.schedulerState).toBeUndefined();
    expect(decoded.metadata).toBeUndefined();
    const other = new M(6);
    restoreCheckpoint(decoded, { model: other });
    expect(bits(other.w)).toEqual(bits(model.w));
    const empty = decodeCheckpoint(encodeCheckpoint({}));
    expect(empty.modelState).toEqual({});
  });

  it('rejects parts and metadata it cannot encode with an ArgumentError', () => {
    expect(() => encodeCheckpoint({ model: {} as Module })).toThrow(ArgumentError);
    expect(() => encodeCheckpoint({ model: {} as Module })).toThrow(/encodeCheckpoint: model must be a Module/);
    expect(() => encodeCheckpoint({ optimizer: {} as Optimizer })).toThrow(/encodeCheckpoint: optimizer must be an Optimizer/);
    expect(() => encodeCheckpoint({ metadata: { n: 1n } })).toThrow(/encodeCheckpoint: metadata is not JSON-serialisable/);
    expect(() => encodeCheckpoint({ metadata: () => 1 })).toThrow('encodeCheckpoint: metadata is not JSON-serialisable (a function)');
  });

  it('throws a FormatError for bytes that are not an unroll checkpoint', () => {
    const expectFormat = (bytes: Uint8Array, part: string) => {
      expect(() => decodeCheckpoint(bytes)).toThrow(FormatError);
      expect(() => decodeCheckpoint(bytes)).toThrow(part);
    };
    expectFormat(new Uint8Array([1, 2, 3]), 'decodeCheckpoint: not an unroll checkpoint: safetensors:');
    expectFormat(new TextEncoder().encode('hello world, definitely not safetensors'), 'decodeCheckpoint: not an unroll checkpoint');
    expectFormat(encodeSafetensors({ w: zeros([2]) }), '__metadata__.format is null');
    expectFormat(encodeSafetensors({ w: zeros([2]) }, { format: 'pt' }), '__metadata__.format is "pt"');
    expectFormat(encodeSafetensors({}, { format: 'unroll-checkpoint', version: '2' }), 'unsupported checkpoint version "2"');
    expectFormat(encodeSafetensors({ w: zeros([2]) }, { format: 'unroll-checkpoint', version: '1' }), 'tensor "w" belongs to no part');
    expectFormat(encodeSafetensors({}, { format: 'unroll-checkpoint', version: '1', optimizer: '{oops' }), '__metadata__.optimizer is not valid JSON');
    expectFormat(encodeSafetensors({}, { format: 'unroll-checkpoint', version: '1', optimizer: '{"type":"SGD"}' }), '__metadata__.optimizer: stepCount');
    expectFormat(encodeSafetensors({ 'optimizer.0.step': zeros([]) }, { format: 'unroll-checkpoint', version: '1' }), 'optimizer tensors without');
    expectFormat(encodeSafetensors({}, { format: 'unroll-checkpoint', version: '1', scheduler: '{"lastEpoch":"x"}' }), 'lastEpoch must be a number');
    expect(() => decodeCheckpoint('nope' as unknown as Uint8Array)).toThrow(ArgumentError);
  });

  it('restores strictly and validates every part before changing any', () => {
    const parts = setup(1);
    train(parts, 0, 2);
    const decoded = decodeCheckpoint(encodeCheckpoint(parts));
    const target = setup(2);
    const before = bits(target.model.w);

    // an optimizer over other parameters: the model must not be touched
    const wrongOpt = new Adam([zeros([3, 2])]);
    expect(() => restoreCheckpoint(decoded, { model: target.model, optimizer: wrongOpt })).toThrow(StateDictError);
    expect(bits(target.model.w)).toEqual(before);

    // a model with other keys
    class N extends Module { w = new Parameter(zeros([3, 2])); }
    expect(() => restoreCheckpoint(decoded, { model: new N(), optimizer: target.optimizer })).toThrow(/loadStateDict: missing keys|unexpected keys/);
    expect(target.optimizer.stepCount).toBe(0);

    // parts the checkpoint does not have
    const modelOnly = decodeCheckpoint(encodeCheckpoint({ model: target.model }));
    expect(() => restoreCheckpoint(modelOnly, { optimizer: new SGD([zeros([1])], { lr: 1 }) })).toThrow('restoreCheckpoint: the checkpoint has no optimizer state');
    expect(() => restoreCheckpoint(modelOnly, { scheduler: target.scheduler })).toThrow('restoreCheckpoint: the checkpoint has no scheduler state');
    expect(() => restoreCheckpoint(decodeCheckpoint(encodeCheckpoint({})), { model: target.model })).toThrow(/missing keys: w, b, stats/);
  });
});
