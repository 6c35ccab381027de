import { ArgumentError } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { StreamBatcher, splitTrainVal } from './batches.js';

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('StreamBatcher', () => {
  it('lays out chunk j of stream b as ids[b*L + j*T + t], with y = x shifted by one', () => {
    const ids = range(103).map((v) => (v * 7) % 101); // distinct-ish values, not equal to their index
    const B = 4;
    const T = 5;
    const batcher = new StreamBatcher(ids, { batch: B, seq: T });
    const L = Math.floor((ids.length - 1) / B);
    expect(batcher.streamLength).toBe(L);
    expect(batcher.chunksPerEpoch).toBe(Math.floor(L / T));
    for (let j = 0; j < batcher.chunksPerEpoch; j++) {
      const { x, y, index } = batcher.chunk(j);
      expect(index).toBe(j);
      expect(x.shape).toEqual([T, B]);
      expect(y.shape).toEqual([T, B]);
      expect(x.dtype).toBe('int32');
      expect(y.dtype).toBe('int32');
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          expect(x.data[t * B + b]).toBe(ids[b * L + j * T + t]);
          expect(y.data[t * B + b]).toBe(ids[b * L + j * T + t + 1]);
        }
      }
    }
  });

  it('continues each stream from one chunk to the next (state can carry over)', () => {
    const ids = range(201);
    const batcher = new StreamBatcher(ids, { batch: 2, seq: 10 });
    const c0 = batcher.chunk(0);
    const c1 = batcher.chunk(1);
    for (let b = 0; b < 2; b++) {
      // last input of stream b in chunk 0 is followed by the first input of stream b in chunk 1
      expect(c1.x.data[0 * 2 + b]).toBe(c0.x.data[9 * 2 + b]! + 1);
      // the last target of chunk 0 is the first input of chunk 1
      expect(c1.x.data[b]).toBe(c0.y.data[9 * 2 + b]);
    }
  });

  it('never reads past the end of the text and every target is defined', () => {
    for (const n of [17, 33, 64, 65, 100]) {
      const ids = range(n);
      const batcher = new StreamBatcher(ids, { batch: 4, seq: 4 });
      for (let j = 0; j < batcher.chunksPerEpoch; j++) {
        const { x, y } = batcher.chunk(j);
        for (let i = 0; i < y.size; i++) {
          expect(y.data[i]).toBe(x.data[i]! + 1);
          expect(y.data[i]).toBeLessThan(n);
        }
      }
    }
  });

  it('wraps around at the end of an epoch', () => {
    const batcher = new StreamBatcher(range(100), { batch: 3, seq: 4 });
    const E = batcher.chunksPerEpoch;
    expect(E).toBe(Math.floor(Math.floor(99 / 3) / 4));
    for (const j of [0, 1, E - 1]) {
      const a = batcher.chunk(j);
      const b = batcher.chunk(j + E);
      const c = batcher.chunk(j + 3 * E);
      expect(b.index).toBe(j);
      expect(c.index).toBe(j);
      expect(Array.from(b.x.data)).toEqual(Array.from(a.x.data));
      expect(Array.from(c.y.data)).toEqual(Array.from(a.y.data));
    }
  });

  it('accepts the minimum length batch*seq + 1 and rejects one less', () => {
    const ok = new StreamBatcher(range(4 * 8 + 1), { batch: 4, seq: 8 });
    expect(ok.chunksPerEpoch).toBe(1);
    expect(() => new StreamBatcher(range(4 * 8), { batch: 4, seq: 8 })).toThrow(ArgumentError);
    expect(() => new StreamBatcher(range(4 * 8), { batch: 4, seq: 8 })).toThrow(/too few/);
    expect(() => new StreamBatcher(range(0), { batch: 1, seq: 1 })).toThrow(ArgumentError);
    expect(() => new StreamBatcher(range(1), { batch: 1, seq: 1 })).toThrow(ArgumentError);
  });

  it('rejects bad batch and seq values', () => {
    const ids = range(1000);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new StreamBatcher(ids, { batch: bad, seq: 4 })).toThrow(ArgumentError);
      expect(() => new StreamBatcher(ids, { batch: 4, seq: bad })).toThrow(ArgumentError);
    }
  });
});

describe('splitTrainVal', () => {
  it('keeps the last fraction for validation, without overlap or loss', () => {
    const ids = range(1000);
    const { train, val } = splitTrainVal(ids, 0.1);
    expect(train.length).toBe(900);
    expect(val.length).toBe(100);
    expect(train[0]).toBe(0);
    expect(train[899]).toBe(899);
    expect(val[0]).toBe(900);
    expect(val[99]).toBe(999);
  });

  it('defaults to 5% and keeps at least two validation characters', () => {
    expect(splitTrainVal(range(1000)).val.length).toBe(50);
    const { train, val } = splitTrainVal(range(10), 0.05);
    expect(val.length).toBe(2);
    expect(train.length).toBe(8);
  });

  it('rejects texts too short to split and fractions outside (0, 1)', () => {
    expect(() => splitTrainVal(range(3), 0.05)).toThrow(ArgumentError);
    expect(() => splitTrainVal(range(0), 0.05)).toThrow(ArgumentError);
    expect(splitTrainVal(range(4), 0.05).train.length).toBe(2);
    for (const f of [0, 1, -0.1, 1.5, Number.NaN]) expect(() => splitTrainVal(range(100), f)).toThrow(ArgumentError);
  });
});
