import { ArgumentError, ShapeError, Tensor } from '@unroll/tensor';
import type { Vocabulary } from './vocabulary.js';

/** Options of `Vocabulary.decode` / `decodeBatch`. @example `vocab.decode(ids, { skipSpecials: true, stopAtEos: true })` */
export interface DecodeOptions {
  /** Drop pad, bos and eos (unk stays: it stands for a real token). Default false. */
  skipSpecials?: boolean;
  /** End each sequence before its first eos. Default false. */
  stopAtEos?: boolean;
}

/** Options of `Vocabulary.encodeBatch`. @example `vocab.encodeBatch(lines, { addBos: true, addEos: true, maxLength: 50, layout: 'time-major' })` */
export interface EncodeBatchOptions {
  /** Put bos before each sequence (default false). */
  addBos?: boolean;
  /** Put eos after each sequence (default false). */
  addEos?: boolean;
  /** Cut each sequence (bos and eos included) to at most this many tokens; `truncated` counts the rows cut. */
  maxLength?: number;
  /** 'batch-first' (default): ids and mask are (B,T), as cells layers with `batchFirst: true` take them; 'time-major': (T,B). */
  layout?: 'batch-first' | 'time-major';
}

/** A padded batch of sequences. @example `const { ids, lengths, mask } = vocab.encodeBatch(lines) // (B,T), (B), (B,T)` */
export interface EncodedBatch {
  /** (B,T) or (T,B) int32 token ids, padded with the pad id. */
  ids: Tensor;
  /** (B) the real length of each row (bos and eos included). */
  lengths: Int32Array;
  /** Same shape as ids, float32: 1 on real tokens, 0 on padding. */
  mask: Tensor;
  layout: 'batch-first' | 'time-major';
  /** How many sequences `maxLength` cut short. */
  truncated: number;
}

/**
 * Encodes and pads a batch (the vocabulary needs a pad token; T is the longest row). Unknown
 * tokens follow `encode`. See `Vocabulary.encodeBatch`.
 *
 * @example
 * ```ts
 * import { Vocabulary } from '@unroll/seq2seq';
 * const v = Vocabulary.build([['a', 'b', 'c']]);
 * const { ids, lengths, mask } = v.encodeBatch([['a', 'b'], ['c']], { addEos: true });
 * ids.toArray();   // [[4, 5, 2], [6, 2, 0]]   (B,T) int32
 * lengths;         // Int32Array [3, 2]
 * mask.toArray();  // [[1, 1, 1], [1, 1, 0]]
 * ```
 */
export function encodeBatch(vocab: Vocabulary, seqs: readonly (string | readonly string[])[], opts: EncodeBatchOptions = {}): EncodedBatch {
  const layout = opts.layout ?? 'batch-first';
  if (layout !== 'batch-first' && layout !== 'time-major') throw new ArgumentError(`encodeBatch: layout must be 'batch-first' or 'time-major', got ${JSON.stringify(layout)}`);
  const max = opts.maxLength ?? Number.POSITIVE_INFINITY;
  if (max !== Number.POSITIVE_INFINITY && (!Number.isInteger(max) || max < 1)) throw new ArgumentError(`encodeBatch: maxLength must be an integer >= 1, got ${max}`);
  if (seqs.length === 0) throw new ArgumentError('encodeBatch: the batch is empty');
  const pad = vocab.padId;
  const bos = opts.addBos ? [vocab.bosId] : [];
  const eos = opts.addEos ? [vocab.eosId] : [];
  let truncated = 0;
  const rows = seqs.map((s) => {
    const row = [...bos, ...vocab.encode(s), ...eos];
    if (row.length <= max) return row;
    truncated++;
    return row.slice(0, max);
  });
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.length));
  const ids = new Int32Array(B * T).fill(pad);
  const mask = new Float32Array(B * T);
  const lengths = Int32Array.from(rows, (r) => r.length);
  const timeMajor = layout === 'time-major';
  rows.forEach((row, b) => {
    row.forEach((id, t) => {
      const k = timeMajor ? t * B + b : b * T + t;
      ids[k] = id;
      mask[k] = 1;
    });
  });
  const shape = timeMajor ? [T, B] : [B, T];
  return { ids: new Tensor(ids, shape), lengths, mask: new Tensor(mask, shape), layout, truncated };
}

/**
 * Token lists of a batch of ids (`layout` as in encodeBatch), each cut at `lengths[b]` when given;
 * `decode`'s options apply to each row.
 *
 * @example
 * ```ts
 * import { Vocabulary } from '@unroll/seq2seq';
 * const v = Vocabulary.build([['a', 'b']]);
 * const { ids } = v.encodeBatch([['a', 'b'], ['b']], { addEos: true });
 * v.decodeBatch(ids, { skipSpecials: true });   // [['a', 'b'], ['b']]
 * ```
 */
export function decodeBatch(
  vocab: Vocabulary,
  ids: Tensor,
  opts: DecodeOptions & { layout?: 'batch-first' | 'time-major'; lengths?: ArrayLike<number> } = {},
): string[][] {
  if (ids.shape.length !== 2) throw new ShapeError(`decodeBatch: ids must be 2-d (B,T) or (T,B), got shape [${ids.shape.join(', ')}]`);
  const timeMajor = opts.layout === 'time-major';
  const [B, T] = timeMajor ? [ids.shape[1]!, ids.shape[0]!] : [ids.shape[0]!, ids.shape[1]!];
  if (opts.lengths && opts.lengths.length !== B) throw new ShapeError(`decodeBatch: ${opts.lengths.length} lengths for a batch of ${B}`);
  const data = ids.data;
  const out: string[][] = [];
  for (let b = 0; b < B; b++) {
    const n = opts.lengths ? opts.lengths[b]! : T;
    if (!Number.isInteger(n) || n < 0 || n > T) throw new ArgumentError(`decodeBatch: length ${n} of row ${b} is outside [0, ${T}]`);
    const row = new Array<number>(n);
    for (let t = 0; t < n; t++) row[t] = data[timeMajor ? t * B + b : b * T + t]!;
    out.push(vocab.decode(row, opts));
  }
  return out;
}
