import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { arange, ones, scalar, tensor, zeros } from './creation.js';
import { type OpAttrs, setTapeHook, type TapeHook } from './dispatch.js';
import type { DType } from './dtype.js';
import { ArgumentError, ShapeError } from './errors.js';
import * as ops from './ops/index.js';
import { empty, Tensor } from './tensor.js';
import { broadcastIndex, broadcastPair, forEachIndex, prod } from './testing/conformance.js';
import { expectClose } from './testing/expect-close.js';

const RUNS = { numRuns: 50 };
const EXACT = { atol: 0, rtol: 0 };

describe('Tensor construction', () => {
  it('wraps the typed array without copying; shape is frozen; dtype, size and ndim follow', () => {
    for (const [data, dtype] of [[new Float32Array(6), 'float32'], [new Float64Array(6), 'float64'], [new Int32Array(6), 'int32']] as const) {
      const t = new Tensor(data, [2, 3]);
      expect(t.data).toBe(data);
      expect(t.dtype).toBe(dtype as DType);
      expect(t.size).toBe(6);
      expect(t.ndim).toBe(2);
      expect(Object.isFrozen(t.shape)).toBe(true);
    }
    const shape = [2, 3];
    const t = new Tensor(new Float32Array(6), shape);
    shape[0] = 9;
    expect(t.shape).toEqual([2, 3]);
    expect(empty([2, 2], 'float64').dtype).toBe('float64');
  });

  it('errors: unsupported arrays, size mismatch, invalid shapes', () => {
    expect(() => new Tensor(new Uint8Array(2) as unknown as Float32Array, [2])).toThrow(
      new ArgumentError('Tensor: data must be a Float32Array, Float64Array or Int32Array'),
    );
    const err = (() => { try { new Tensor(new Float32Array(3), [2, 2]); } catch (e) { return e as Error; } return undefined; })();
    expect(err).toBeInstanceOf(ShapeError);
    expect(err?.message).toBe('Tensor: shape (2,2) needs 4 elements, data has 3');
    expect(() => new Tensor(new Float32Array(2), [-2])).toThrow(new ShapeError('Tensor: invalid shape (-2): dimensions must be non-negative integers'));
  });

  it('item, toArray, toString', () => {
    expect(scalar(2.5).item()).toBe(2.5);
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => tensor([1, 2]).item()).toThrow(new ShapeError('item: tensor of shape (2) has 2 elements, expected 1'));
    expect(scalar(3).toArray()).toBe(3);
    expect(tensor([[1, 2], [3, 4]]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe('tensor([[1., 2.],\n        [3., 4.]], shape=(2,2), dtype=float32)');
    expect(String(tensor([1, 2], undefined, 'int32'))).toBe('tensor([1, 2], shape=(2), dtype=int32)');
    expect(arange(10).toString()).toBe('tensor([0., 1., 2., ..., 7., 8., 9.], shape=(10), dtype=float32)');
    expect(scalar(0.5).toString()).toBe('tensor(0.5, shape=(), dtype=float32)');
  });

  it('clone copies the data; detach shares it and drops the graph', () => {
    const x = tensor([1, 2, 3]).requiresGrad_();
    expect(x.requiresGrad).toBe(true);
    x.gradNode = { some: 'node' };
    const c = x.clone();
    expect(c.data).not.toBe(x.data);
    expect(c.data).toEqual(x.data);
    c.data[0] = 9;
    expect(x.data[0]).toBe(1);
    const d = x.detach();
    expect(d.data).toBe(x.data);
    expect(d.requiresGrad).toBe(false);
    expect(d.gradNode).toBeUndefined();
    expect(x.requiresGrad_(false).requiresGrad).toBe(false);
  });
});

describe('methods agree with the functional ops (property)', () => {
  const arb = fc
    .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
    .chain((s) => fc.tuple(fc.constant(s), fc.array(fc.integer({ min: -500, max: 500 }).map((v) => v / 100), { minLength: prod(s), maxLength: prod(s) })));

  it('every method returns exactly what its function returns', () => {
    fc.assert(
      fc.property(arb, ([s, vals]) => {
        const x = tensor(vals, s, 'float64');
        const y = ops.add(x, 0.5);
        const pairs: readonly [Tensor, Tensor][] = [
          [x.add(y), ops.add(x, y)], [x.sub(2), ops.sub(x, 2)], [x.mul(y), ops.mul(x, y)], [x.div(y), ops.div(x, y)],
          [x.maximum(0), ops.maximum(x, 0)], [x.minimum(y), ops.minimum(x, y)], [x.eq(y), ops.eq(x, y)], [x.ne(0), ops.ne(x, 0)],
          [x.lt(0), ops.lt(x, 0)], [x.le(0), ops.le(x, 0)], [x.gt(0), ops.gt(x, 0)], [x.ge(0), ops.ge(x, 0)],
          [x.neg(), ops.neg(x)], [x.abs(), ops.abs(x)], [x.exp(), ops.exp(x)], [x.abs().log(), ops.log(ops.abs(x))],
          [x.abs().sqrt(), ops.sqrt(ops.abs(x))], [x.square(), ops.square(x)], [x.tanh(), ops.tanh(x)], [x.sigmoid(), ops.sigmoid(x)],
          [x.relu(), ops.relu(x)], [x.pow(3), ops.pow(x, 3)], [x.clip(-1, 1), ops.clip(x, -1, 1)],
          [x.sum(), ops.sum(x)], [x.sum(0, true), ops.sum(x, 0, true)], [x.mean(-1), ops.mean(x, -1)], [x.max(0), ops.max(x, 0)],
          [x.min(), ops.min(x)], [x.argmax(0), ops.argmax(x, 0)], [x.argmin(), ops.argmin(x)], [x.logsumexp(-1, true), ops.logsumexp(x, -1, true)],
          [x.variance(0, false, 1), ops.variance(x, 0, false, 1)], [x.softmax(0), ops.softmax(x, 0)], [x.logSoftmax(), ops.logSoftmax(x)],
          [x.reshape([-1]), ops.reshape(x, [-1])], [x.flatten(), ops.reshape(x, [x.size])], [x.unsqueeze(0).squeeze(0), x],
          [x.T, ops.permute(x, s.map((_, i) => s.length - 1 - i))], [x.slice([null, null, -1]), ops.slice(x, [[null, null, -1]])],
          [x.pad([[1, 1]]), ops.pad(x, [[1, 1]])], [x.broadcastTo([2, ...s]), ops.broadcastTo(x, [2, ...s])],
          [x.astype('float32'), ops.astype(x, 'float32')], [x.indexSelect(0, [0, 0]), ops.indexSelect(x, 0, [0, 0])],
        ];
        for (const [m, f] of pairs) {
          expect(m.shape).toEqual(f.shape);
          expect(m.dtype).toBe(f.dtype);
          expectClose(m.data, f.data, EXACT);
        }
        if (s.length >= 2) {
          expectClose(x.transpose().data, ops.transpose(x).data, EXACT);
          expectClose(x.permute([1, 0, ...s.slice(2).map((_, i) => i + 2)]).data, ops.transpose(x, 0, 1).data, EXACT);
        }
        if (s.length === 2) expectClose(x.matmul(x.T).data, ops.matmul(x, x.T).data, EXACT);
        expect(x.split(1).map((t) => t.shape)).toEqual(ops.split(x, 1).map((t) => t.shape));
        expect(x.chunk(2).length).toBe(ops.chunk(x, 2).length);
      }),
      RUNS,
    );
  });
});

describe('in-place methods', () => {
  it('addInPlace_ adds alpha * other broadcast into this shape (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          target: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }), drop: fc.nat(3),
          ones_: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), alpha: fc.constantFrom(1, -2, 0.5),
        }),
        ({ target, drop, ones_, alpha }) => {
          const os = target.slice(Math.min(drop, target.length)).map((d, i) => (ones_[i] ? 1 : d));
          const t = tensor(Array.from({ length: prod(target) }, (_, i) => i), target, 'float64');
          const o = tensor(Array.from({ length: prod(os) }, (_, i) => 10 * i + 1), os, 'float64');
          const before = Array.from(t.data);
          const data = t.data;
          expect(t.addInPlace_(o, alpha)).toBe(t);
          expect(t.data).toBe(data);
          const ref: number[] = [];
          forEachIndex(target, (idx, flat) => ref.push(before[flat]! + alpha * o.data[broadcastIndex(os, idx)]!));
          expect(broadcastPair(target, os)).toEqual(target);
          expectClose(t.data, ref, { atol: 1e-12, rtol: 1e-12 });
        },
      ),
      RUNS,
    );
  });

  it('addInPlace_ with a number, mulInPlace_, fill_, copy_', () => {
    const t = tensor([1, 2, 3]);
    t.addInPlace_(1, 2);
    expect(Array.from(t.data)).toEqual([3, 4, 5]);
    expect(Array.from(t.mulInPlace_(2).data)).toEqual([6, 8, 10]);
    expect(Array.from(t.fill_(7).data)).toEqual([7, 7, 7]);
    expect(Array.from(t.copy_(tensor([1, 2, 3], undefined, 'float64')).data)).toEqual([1, 2, 3]);
    const m = zeros([2, 2]).copy_(arange(4));
    expect(m.toArray()).toEqual([[0, 1], [2, 3]]);
  });

  it('errors: shapes that do not fit, tensors autograd recorded', () => {
    expect(() => zeros([2]).addInPlace_(ones([2, 1]))).toThrow(new ShapeError('addInPlace_: cannot add (2,1) into (2)'));
    expect(() => zeros([2, 2]).addInPlace_(ones([3]))).toThrow(new ShapeError('addInPlace_: cannot broadcast (2,2) with (3): dimension -1 is 2 vs 3'));
    expect(() => zeros([2, 2]).copy_(ones([3]))).toThrow(new ShapeError('copy_: cannot copy (3) into (2,2)'));
    const tracked = zeros([2]);
    tracked.gradNode = {};
    expect(() => tracked.addInPlace_(1)).toThrow(new ArgumentError('addInPlace_: cannot modify in place a tensor that autograd recorded as an op output'));
    expect(() => tracked.mulInPlace_(2)).toThrow(ArgumentError);
    expect(() => tracked.copy_(ones([2]))).toThrow(ArgumentError);
  });
});

describe('dispatch and the tape hook', () => {
  afterEach(() => setTapeHook(undefined));

  function recordingHook(enabled = true): { hook: TapeHook; records: { op: string; inputs: readonly Tensor[]; output: Tensor; attrs: OpAttrs }[]; roots: Tensor[] } {
    const records: { op: string; inputs: readonly Tensor[]; output: Tensor; attrs: OpAttrs }[] = [];
    const roots: Tensor[] = [];
    const hook: TapeHook = {
      record: (op, inputs, output, attrs) => {
        records.push({ op, inputs, output, attrs });
        output.requiresGrad = true; // as an engine does, so later ops see a tracked input
      },
      backward: (root) => { roots.push(root); },
      isEnabled: () => enabled,
    };
    return { hook, records, roots };
  }

  it('records ops whose inputs require grad, with their attributes, once per op', () => {
    const { hook, records } = recordingHook();
    setTapeHook(hook);
    const x = tensor([[1, 2], [3, 4]]).requiresGrad_();
    const c = tensor([1, 1]);
    const y = ops.sum(ops.mul(x, c), 1);
    const p = ops.softmax(x, 0); // computed through internal permutes, recorded as one node
    ops.add(c, c); // no input requires grad: not recorded
    expect(records.map((r) => r.op)).toEqual(['mul', 'sum', 'softmax']);
    expect(records[0]!.inputs[0]).toBe(x);
    expect(records[1]!.attrs).toEqual({ axes: [1], keepDims: false });
    expect(records[1]!.output).toBe(y);
    expect(records[2]!.attrs).toEqual({ axis: 0 });
    expect(records[2]!.output).toBe(p);
  });

  it('records nothing while the hook is disabled; backward goes to the hook', () => {
    const { hook, records, roots } = recordingHook(false);
    setTapeHook(hook);
    const x = tensor([1, 2]).requiresGrad_();
    const y = ops.exp(x).sum();
    expect(records).toHaveLength(0);
    y.backward();
    expect(roots).toEqual([y]);
  });

  it('backward without an engine is an ArgumentError', () => {
    expect(() => scalar(1).backward()).toThrow(new ArgumentError('backward: no autodiff engine is installed (import @unroll/autograd)'));
  });
});
