import { ArgumentError, ShapeError, tensor } from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import { wordTokenizer } from './tokenizers.js';
import { Vocabulary } from './vocabulary.js';

const v = Vocabulary.build(['a b c', 'a b', 'a'], { tokenizer: wordTokenizer() }); // a 4, b 5, c 6

describe('encodeBatch', () => {
  it('pads with pad, reports lengths and a mask (batch-first by default)', () => {
    const { ids, lengths, mask, layout, truncated } = v.encodeBatch(['a b', 'c', 'a z b c'], { addBos: true, addEos: true });
    expect(layout).toBe('batch-first');
    expect(ids.dtype).toBe('int32');
    expect(ids.shape).toEqual([3, 6]);
    expect(ids.toArray()).toEqual([
      [1, 4, 5, 2, 0, 0],
      [1, 6, 2, 0, 0, 0],
      [1, 4, 3, 5, 6, 2],
    ]);
    expect(Array.from(lengths)).toEqual([4, 3, 6]);
    expect(mask.dtype).toBe('float32');
    expect(mask.toArray()).toEqual([
      [1, 1, 1, 1, 0, 0],
      [1, 1, 1, 0, 0, 0],
      [1, 1, 1, 1, 1, 1],
    ]);
    expect(truncated).toBe(0);
  });

  it('time-major is the transpose of batch-first', () => {
    const seqs = [['a', 'b', 'c'], ['b'], []];
    const bf = v.encodeBatch(seqs, { addEos: true });
    const tm = v.encodeBatch(seqs, { addEos: true, layout: 'time-major' });
    expect(tm.ids.shape).toEqual([4, 3]);
    const T = bf.ids.shape[1]!;
    for (let b = 0; b < 3; b++) {
      for (let t = 0; t < T; t++) {
        expect(tm.ids.data[t * 3 + b]).toBe(bf.ids.data[b * T + t]);
        expect(tm.mask.data[t * 3 + b]).toBe(bf.mask.data[b * T + t]);
      }
    }
    expect(Array.from(tm.lengths)).toEqual([4, 2, 1]);
    expect(v.decodeBatch(tm.ids, { layout: 'time-major', lengths: tm.lengths })).toEqual([['a', 'b', 'c', '<eos>'], ['b', '<eos>'], ['<eos>']]);
  });

  it('cuts to maxLength and counts the rows it cut', () => {
    const r = v.encodeBatch([['a', 'b', 'c'], ['a']], { addBos: true, addEos: true, maxLength: 3 });
    expect(r.ids.toArray()).toEqual([[1, 4, 5], [1, 4, 2]]);
    expect(r.truncated).toBe(1);
  });

  it('rejects what it cannot encode', () => {
    expect(() => v.encodeBatch([])).toThrow(/empty/);
    expect(() => v.encodeBatch([['a']], { maxLength: 0 })).toThrow(ArgumentError);
    expect(() => v.encodeBatch([['a']], { layout: 'rows' as never })).toThrow(/layout/);
    const noPad = Vocabulary.build([['a']], { specials: { unk: '<unk>' } });
    expect(() => noPad.encodeBatch([['a']])).toThrow(/no pad token/);
    expect(() => noPad.encodeBatch([['a']], { addEos: true })).toThrow(ArgumentError);
  });
});

describe('decodeBatch', () => {
  it('inverts encodeBatch (specials dropped, stop at eos)', () => {
    const seqs = [['a', 'b'], ['c'], ['a', 'a', 'a']];
    const { ids, lengths } = v.encodeBatch(seqs, { addBos: true, addEos: true });
    expect(v.decodeBatch(ids, { skipSpecials: true })).toEqual(seqs);
    expect(v.decodeBatch(ids, { lengths })).toEqual(seqs.map((s) => ['<bos>', ...s, '<eos>']));
    // model output: tokens after eos are ignored with stopAtEos
    expect(v.decodeBatch(tensor(new Int32Array([4, 2, 5, 6, 6, 2]), [2, 3]), { stopAtEos: true })).toEqual([['a'], ['c', 'c']]);
  });

  it('checks shapes and lengths', () => {
    expect(() => v.decodeBatch(tensor(new Int32Array([4, 5])))).toThrow(ShapeError);
    expect(() => v.decodeBatch(tensor(new Int32Array([4, 5]), [1, 2]), { lengths: [1, 1] })).toThrow(ShapeError);
    expect(() => v.decodeBatch(tensor(new Int32Array([4, 5]), [1, 2]), { lengths: [3] })).toThrow(/outside \[0, 2\]/);
  });
});
