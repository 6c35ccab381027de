/**
 * Reading and writing the safetensors format (https://github.com/huggingface/safetensors), in
 * memory. Browser-safe: no Node imports. See `./node/safetensors-file.ts` for files on disk.
 *
 * Layout of a file:
 *
 * ```text
 * [8 bytes]  N, the header length, an unsigned 64-bit little-endian integer
 * [N bytes]  UTF-8 JSON header, starting with `{`, padded with spaces:
 *            {"__metadata__": {"key": "value"},
 *             "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * [rest]     the data buffer; offsets are relative to its start, little-endian values,
 *            tensors tile it exactly (no gaps, no overlap)
 * ```
 */
import type { TypedArray } from './dtype.js';
import { ArgumentError, FormatError, formatShape } from './errors.js';
import { Tensor } from './tensor.js';

/** The largest header accepted when decoding, as in the reference implementation (100 MB). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** What `decodeSafetensors` returns. */
export interface SafetensorsContents {
  /** The tensors by name (an empty object when the file has none). */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` string map (an empty object when the file has none). */
  metadata: Record<string, string>;
}

type Kind = 'f32' | 'f64' | 'i32' | 'f16' | 'bf16' | 'i64' | 'u64' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8' | 'bool';

/** Safetensors dtypes this module reads: element size in bytes and how to convert. */
const READ_DTYPES: Readonly<Record<string, { bytes: number; kind: Kind }>> = {
  F64: { bytes: 8, kind: 'f64' },
  F32: { bytes: 4, kind: 'f32' },
  F16: { bytes: 2, kind: 'f16' },
  BF16: { bytes: 2, kind: 'bf16' },
  I64: { bytes: 8, kind: 'i64' },
  U64: { bytes: 8, kind: 'u64' },
  I32: { bytes: 4, kind: 'i32' },
  U32: { bytes: 4, kind: 'u32' },
  I16: { bytes: 2, kind: 'i16' },
  U16: { bytes: 2, kind: 'u16' },
  I8: { bytes: 1, kind: 'i8' },
  U8: { bytes: 1, kind: 'u8' },
  BOOL: { bytes: 1, kind: 'bool' },
};

/** Safetensors dtype written for each Unroll dtype, and its rank in the reference's sort order. */
const WRITE_DTYPES = {
  float64: { name: 'F64', rank: 0 },
  float32: { name: 'F32', rank: 1 },
  int32: { name: 'I32', rank: 2 },
} as const;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A tensor name for messages: JSON-quoted, shortened if huge. */
function q(name: string): string {
  const s = JSON.stringify(name);
  return s.length > 120 ? `${s.slice(0, 100)}..."` : s;
}

/** A header value for messages: JSON, shortened if long. */
function show(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Compares strings by Unicode code point, which is UTF-8 byte order (the reference's order). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++; // both are the same surrogate pair
  }
  return a.length - b.length;
}

/** Defines an own enumerable property (safe for names such as `__proto__`). */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Little-endian bytes of a typed array (a view when the platform is little-endian). */
function littleEndianBytes(data: TypedArray): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(i * 8, data[i]!, true);
  else if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  else for (let i = 0; i < data.length; i++) view.setInt32(i * 4, data[i]!, true);
  return out;
}

/**
 * Serializes tensors (and an optional string-to-string metadata map) to safetensors bytes.
 *
 * Tensors are stored as F32, F64 or I32 and laid out like the reference implementation: by
 * descending dtype alignment (F64, then F32, then I32), then by name, so every tensor's data
 * is aligned to its element size. The header is padded with spaces to a multiple of 8 bytes.
 * Throws an `ArgumentError` for a value that is not a Tensor, a tensor named `__metadata__`,
 * or a metadata value that is not a string.
 *
 * @example
 * ```ts
 * import { Tensor, encodeSafetensors, decodeSafetensors } from '@unroll/tensor';
 * const w = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * const bytes = encodeSafetensors({ 'layer.weight': w }, { format: 'pt' });
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * console.log(tensors['layer.weight']!.shape, metadata.format); // [ 2, 3 ] pt
 * ```
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (!isPlainObject(tensors)) throw new ArgumentError('safetensors: tensors must be an object mapping names to tensors');
  const entries: { name: string; tensor: Tensor; dtype: 'F64' | 'F32' | 'I32'; rank: number }[] = [];
  for (const name of Object.keys(tensors)) {
    const tensor = tensors[name];
    if (!(tensor instanceof Tensor)) throw new ArgumentError(`safetensors: value for tensor ${q(name)} is not a Tensor`);
    if (name === '__metadata__') throw new ArgumentError('safetensors: a tensor cannot be named "__metadata__"');
    const w = WRITE_DTYPES[tensor.dtype];
    if (w === undefined) throw new ArgumentError(`safetensors: tensor ${q(name)} has unsupported dtype '${String(tensor.dtype)}'`);
    entries.push({ name, tensor, dtype: w.name, rank: w.rank });
  }
  entries.sort((a, b) => a.rank - b.rank || compareCodePoints(a.name, b.name));

  // The header is assembled by hand so its keys keep this order (a JS object would move
  // integer-like names first): __metadata__, then tensors in layout order, as the reference does.
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) throw new ArgumentError('safetensors: metadata must be an object mapping strings to strings');
    const meta: Record<string, string> = {};
    for (const key of Object.keys(metadata)) {
      const value = metadata[key];
      if (typeof value !== 'string') {
        throw new ArgumentError(`safetensors: metadata value for key ${q(key)} must be a string, got ${typeof value}`);
      }
      setOwn(meta, key, value);
    }
    parts.push(`"__metadata__":${JSON.stringify(meta)}`);
  }
  let offset = 0;
  for (const e of entries) {
    const begin = offset;
    offset += e.tensor.data.byteLength;
    const info = { dtype: e.dtype, shape: [...e.tensor.shape], data_offsets: [begin, offset] };
    parts.push(`${JSON.stringify(e.name)}:${JSON.stringify(info)}`);
  }

  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let pos = 8 + headerLength;
  for (const e of entries) {
    out.set(littleEndianBytes(e.tensor.data), pos);
    pos += e.tensor.data.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: string;
  bytes: number;
  kind: Kind;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/** Validates one header entry (without touching the data). */
function parseEntry(name: string, info: unknown, dataLength: number): Entry {
  const where = `tensor ${q(name)}`;
  if (!isPlainObject(info)) throw new FormatError(`safetensors: ${where}: header entry must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string' || !Object.hasOwn(READ_DTYPES, dtype)) {
    throw new FormatError(
      `safetensors: ${where}: unknown dtype ${show(dtype)} (supported: ${Object.keys(READ_DTYPES).join(', ')})`,
    );
  }
  const { bytes, kind } = READ_DTYPES[dtype]!;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FormatError(
      `safetensors: ${where}: shape must be an array of non-negative integers, got ${show(shape)}`,
    );
  }
  const dims = shape as number[];
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  ) {
    throw new FormatError(
      `safetensors: ${where}: data_offsets must be [begin, end] with non-negative integers, got ${show(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) throw new FormatError(`safetensors: ${where}: data_offsets [${begin}, ${end}] has begin after end`);
  if (end > dataLength) {
    throw new FormatError(
      `safetensors: ${where}: data_offsets [${begin}, ${end}] run past the end of the ${dataLength}-byte data buffer`,
    );
  }
  // Like the reference, refuse shapes whose element count overflows (here: past 2^53), even
  // when a zero dimension makes the tensor empty. Nothing huge is ever allocated.
  let nonZero = 1;
  for (const d of dims) {
    if (d !== 0) nonZero *= d;
    if (nonZero > Number.MAX_SAFE_INTEGER) {
      throw new FormatError(`safetensors: ${where}: shape ${show(dims)} has too many elements`);
    }
  }
  const count = dims.includes(0) ? 0 : nonZero;
  const expected = count * bytes;
  if (expected !== end - begin) {
    throw new FormatError(
      `safetensors: ${where}: shape ${formatShape(dims)} of ${dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype, bytes, kind, shape: dims, count, begin, end };
}

/** Converts one tensor's little-endian bytes into a freshly allocated, aligned typed array. */
function readData(e: Entry, src: Uint8Array): TypedArray {
  const n = e.count;
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const at = e.begin;
  switch (e.kind) {
    case 'f32': {
      const out = new Float32Array(n);
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(src.subarray(at, e.end));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + i * 4, true);
      return out;
    }
    case 'f64': {
      const out = new Float64Array(n);
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(src.subarray(at, e.end));
      else for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + i * 8, true);
      return out;
    }
    case 'i32': {
      const out = new Int32Array(n);
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(src.subarray(at, e.end));
      else for (let i = 0; i < n; i++) out[i] = view.getInt32(at + i * 4, true);
      return out;
    }
    case 'f16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(at + i * 2, true));
      return out;
    }
    case 'bf16': {
      const out = new Float32Array(n);
      const bits = new Uint32Array(out.buffer); // same platform order as `out`, so endian-neutral
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(at + i * 2, true) << 16;
      return out;
    }
    case 'i64':
    case 'u64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = view.getUint32(at + i * 8, true);
        const hi = view.getInt32(at + i * 8 + 4, true);
        const fits = (hi === 0 && lo < 2 ** 31) || (e.kind === 'i64' && hi === -1 && lo >= 2 ** 31);
        if (!fits) {
          const value = e.kind === 'i64' ? view.getBigInt64(at + i * 8, true) : view.getBigUint64(at + i * 8, true);
          throw new FormatError(
            `safetensors: tensor ${q(e.name)}: ${e.dtype} value ${value} at flat index ${i} does not fit in int32`,
          );
        }
        out[i] = lo | 0;
      }
      return out;
    }
    case 'u32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getUint32(at + i * 4, true);
        if (v >= 2 ** 31) {
          throw new FormatError(`safetensors: tensor ${q(e.name)}: U32 value ${v} at flat index ${i} does not fit in int32`);
        }
        out[i] = v;
      }
      return out;
    }
    case 'i16': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(at + i * 2, true);
      return out;
    }
    case 'u16': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint16(at + i * 2, true);
      return out;
    }
    case 'i8': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt8(at + i);
      return out;
    }
    case 'u8': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[at + i]!;
      return out;
    }
    case 'bool': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = src[at + i]! !== 0 ? 1 : 0;
      return out;
    }
  }
}

/** IEEE 754 half precision bits to a number (exact). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Parses safetensors bytes into tensors and metadata. The input need not be aligned; every
 * tensor gets its own freshly allocated typed array (nothing aliases `bytes`).
 *
 * F32, F64 and I32 are read as float32, float64 and int32. Also accepted: F16 and BF16 (read
 * as float32, exactly), I64, U64 and U32 (as int32 when every value fits, else a FormatError),
 * and I16, U16, I8, U8 and BOOL (as int32).
 *
 * Every malformed input raises a `FormatError` whose message starts with `safetensors:` and
 * names the problem (and the tensor): a file under 8 bytes, a header over 100,000,000 bytes
 * or past the end of the file, a header that is not UTF-8 JSON object starting with `{`, a
 * `__metadata__` that is not a string-to-string map, an unknown dtype, a bad shape or
 * data_offsets, a size mismatch between shape and offsets, and tensors that overlap or leave
 * gaps in the data buffer. Sizes in the header are checked against the actual byte length
 * before anything is allocated.
 *
 * @example
 * ```ts
 * import { Tensor, encodeSafetensors, decodeSafetensors } from '@unroll/tensor';
 * const bytes = encodeSafetensors({ step: new Tensor(new Int32Array([7]), []) });
 * const { tensors } = decodeSafetensors(bytes);
 * console.log(tensors.step!.dtype, tensors.step!.item()); // int32 7
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError('safetensors: expected a Uint8Array of file bytes');
  const total = bytes.length;
  if (total < 8) throw new FormatError(`safetensors: file is ${total} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLengthBig = view.getBigUint64(0, true);
  if (headerLengthBig > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new FormatError(
      `safetensors: header length ${headerLengthBig} exceeds the limit of ${SAFETENSORS_MAX_HEADER_BYTES} bytes`,
    );
  }
  const headerLength = Number(headerLengthBig);
  if (8 + headerLength > total) {
    throw new FormatError(
      `safetensors: header length ${headerLength} runs past the end of the file (${total} bytes, so at most ${total - 8} for the header)`,
    );
  }
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b) throw new FormatError('safetensors: header must be a JSON object starting with "{"');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new FormatError('safetensors: header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw new FormatError(`safetensors: header is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(header)) throw new FormatError('safetensors: header must be a JSON object');

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  const dataStart = 8 + headerLength;
  const dataLength = total - dataStart;
  for (const name of Object.keys(header)) {
    const info = header[name];
    if (name === '__metadata__') {
      if (!isPlainObject(info)) throw new FormatError('safetensors: __metadata__ must be an object mapping strings to strings');
      for (const key of Object.keys(info)) {
        const value = info[key];
        if (typeof value !== 'string') {
          throw new FormatError(
            `safetensors: __metadata__ value for key ${q(key)} must be a string, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`,
          );
        }
        setOwn(metadata, key, value);
      }
      continue;
    }
    entries.push(parseEntry(name, info, dataLength));
  }

  // The tensors must tile the data buffer exactly: sorted by offsets, each begins where the
  // previous one ended, and the last ends at the end of the file.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < covered) {
      throw new FormatError(
        `safetensors: tensor ${q(e.name)} (data_offsets [${e.begin}, ${e.end}]) overlaps tensor ${q(previous!.name)} (data_offsets [${previous!.begin}, ${previous!.end}])`,
      );
    }
    if (e.begin > covered) {
      throw new FormatError(
        `safetensors: gap in the data buffer: bytes [${covered}, ${e.begin}) before tensor ${q(e.name)} belong to no tensor`,
      );
    }
    covered = e.end;
    previous = e;
  }
  if (covered !== dataLength) {
    throw new FormatError(
      `safetensors: bytes [${covered}, ${dataLength}) at the end of the data buffer belong to no tensor` +
        (previous ? ` (last tensor ${q(previous.name)} ends at ${covered})` : ' (the file has no tensors)'),
    );
  }

  const data = bytes.subarray(dataStart);
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) setOwn(tensors, e.name, new Tensor(readData(e, data), e.shape));
  return { tensors, metadata };
}
