import { describe, expect, it } from 'vitest';
import { ArgumentError, FormatError } from './errors.js';
import { decodeSafetensors, encodeSafetensors, SAFETENSORS_MAX_HEADER_BYTES } from './safetensors.js';
import { Tensor } from './tensor.js';

const f32 = (values: number[], shape: number[]) => new Tensor(new Float32Array(values), shape);
const f64 = (values: number[], shape: number[]) => new Tensor(new Float64Array(values), shape);
const i32 = (values: number[], shape: number[]) => new Tensor(new Int32Array(values), shape);

/**
 * Builds a safetensors file by hand, straight from the spec (not with encodeSafetensors):
 * u64 LE header length, the header text padded with spaces, then `data`.
 */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), opts: { pad?: boolean; declaredLength?: number } = {}): Uint8Array {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  let json = new TextEncoder().encode(text);
  if (opts.pad !== false) {
    while (json.length % 8 !== 0) {
      text += ' ';
      json = new TextEncoder().encode(text);
    }
  }
  const out = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(out.buffer);
  const n = opts.declaredLength ?? json.length;
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** `n` bytes of data (contents irrelevant). */
const bytesOf = (n: number) => new Uint8Array(n);

/** Asserts that decoding throws a FormatError whose message starts with `safetensors:` and contains each part. */
function expectFormatError(bytes: Uint8Array, ...parts: string[]): FormatError {
  let caught: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(FormatError);
  const err = caught as FormatError;
  expect(err.message.startsWith('safetensors: ')).toBe(true);
  for (const p of parts) expect(err.message).toContain(p);
  return err;
}

function expectSameTensor(actual: Tensor | undefined, expected: Tensor): void {
  expect(actual).toBeInstanceOf(Tensor);
  expect(actual!.dtype).toBe(expected.dtype);
  expect([...actual!.shape]).toEqual([...expected.shape]);
  expect(Array.from(actual!.data)).toEqual(Array.from(expected.data));
}

describe('encodeSafetensors / decodeSafetensors round trip', () => {
  it('round-trips float32, float64 and int32 tensors, scalars and empty tensors', () => {
    const tensors = {
      w: f32([1.5, -2, 3.25, 1e-30, 3.4e38, -0], [2, 3]),
      d: f64([Math.PI, -1e300, 5e-324, 0.1], [4]),
      idx: i32([0, -1, 2147483647, -2147483648], [2, 1, 2]),
      scalarF32: f32([42.5], []),
      scalarF64: f64([-7.125], []),
      scalarI32: i32([9], []),
      empty: f32([], [0, 3]),
      emptyI: i32([], [0]),
      emptyD: f64([], [2, 0, 5]),
    };
    const { tensors: out, metadata } = decodeSafetensors(encodeSafetensors(tensors));
    expect(Object.keys(out).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) expectSameTensor(out[name], t);
    expect(Object.is(out.w!.data[5], -0)).toBe(true);
    expect(metadata).toEqual({});
  });

  it('keeps NaN and infinities', () => {
    const t = f32([NaN, Infinity, -Infinity], [3]);
    const out = decodeSafetensors(encodeSafetensors({ t })).tensors.t!;
    expect(Number.isNaN(out.data[0])).toBe(true);
    expect(out.data[1]).toBe(Infinity);
    expect(out.data[2]).toBe(-Infinity);
  });

  it('round-trips metadata', () => {
    const meta = { format: 'pt', note: 'ünïcødé ✓ "quoted"\nline', empty: '' };
    const { metadata, tensors } = decodeSafetensors(encodeSafetensors({ a: f32([1], [1]) }, meta));
    expect(metadata).toEqual(meta);
    expectSameTensor(tensors.a, f32([1], [1]));
  });

  it('round-trips an empty file (no tensors), with and without metadata', () => {
    expect(decodeSafetensors(encodeSafetensors({}))).toEqual({ tensors: {}, metadata: {} });
    expect(decodeSafetensors(encodeSafetensors({}, { k: 'v' }))).toEqual({ tensors: {}, metadata: { k: 'v' } });
  });

  it('handles unusual names, including __proto__ and non-ASCII', () => {
    const tensors: Record<string, Tensor> = {};
    Object.defineProperty(tensors, '__proto__', { value: i32([1], [1]), enumerable: true });
    tensors['名前.weight'] = f32([2], [1]);
    tensors['emoji 🙂'] = f32([3], [1]);
    tensors['10'] = f32([4], [1]);
    const out = decodeSafetensors(encodeSafetensors(tensors)).tensors;
    expect(Object.keys(out).sort()).toEqual(Object.keys(tensors).sort());
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expectSameTensor(Object.getOwnPropertyDescriptor(out, '__proto__')!.value as Tensor, i32([1], [1]));
    expectSameTensor(out['名前.weight'], f32([2], [1]));
    expectSameTensor(out['emoji 🙂'], f32([3], [1]));
  });

  it('does not alias the input bytes, and reads unaligned input', () => {
    const bytes = encodeSafetensors({ a: f64([1, 2], [2]), b: f32([3], [1]) });
    // Shift by one byte so nothing is aligned.
    const backing = new Uint8Array(bytes.length + 1);
    backing.set(bytes, 1);
    const unaligned = backing.subarray(1);
    const { tensors } = decodeSafetensors(unaligned);
    expectSameTensor(tensors.a, f64([1, 2], [2]));
    expectSameTensor(tensors.b, f32([3], [1]));
    expect(tensors.a!.data.buffer).not.toBe(backing.buffer);
    backing.fill(0);
    expect(Array.from(tensors.a!.data)).toEqual([1, 2]);
  });

  it('copies tensors that are views into a larger buffer', () => {
    const big = new Float32Array([9, 9, 1, 2, 3, 9]);
    const t = new Tensor(big.subarray(2, 5), [3]);
    expectSameTensor(decodeSafetensors(encodeSafetensors({ t })).tensors.t, f32([1, 2, 3], [3]));
  });
});

describe('encodeSafetensors layout', () => {
  it('writes a spec-conformant file: u64 LE length, space-padded header, sorted contiguous data', () => {
    const bytes = encodeSafetensors(
      { b: f32([1, 2], [2]), a: i32([7], []), c: f64([0.5], [1]), a2: f32([3], [1]) },
      { format: 'pt' },
    );
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.startsWith('{')).toBe(true);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(/^[^ ]* *$/.test(text)).toBe(true); // only trailing spaces as padding
    const header = JSON.parse(text);
    // Reference order: descending dtype alignment (F64, F32, I32), then name.
    expect(Object.keys(header)).toEqual(['__metadata__', 'c', 'a2', 'b', 'a']);
    expect(header).toEqual({
      __metadata__: { format: 'pt' },
      c: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
      a2: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
      b: { dtype: 'F32', shape: [2], data_offsets: [12, 20] },
      a: { dtype: 'I32', shape: [], data_offsets: [20, 24] },
    });
    expect(bytes.length).toBe(8 + n + 24);
    const data = new DataView(bytes.buffer, bytes.byteOffset + 8 + n);
    expect(data.getFloat64(0, true)).toBe(0.5);
    expect(data.getFloat32(8, true)).toBe(3);
    expect(data.getFloat32(12, true)).toBe(1);
    expect(data.getFloat32(16, true)).toBe(2);
    expect(data.getInt32(20, true)).toBe(7);
  });

  it('matches the byte layout of the reference implementation for a small file', () => {
    // The reference (huggingface/safetensors) serializes {"test": I32 (2,2) zeros} with the
    // 60-byte header `{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}` padded to 64.
    const bytes = encodeSafetensors({ test: i32([0, 0, 0, 0], [2, 2]) });
    const json = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';
    const expected = build(json, bytesOf(16));
    expect(Array.from(bytes)).toEqual(Array.from(expected));
  });

  it('rejects invalid arguments with ArgumentError', () => {
    expect(() => encodeSafetensors({ a: [1, 2] as unknown as Tensor })).toThrow(ArgumentError);
    expect(() => encodeSafetensors({ __metadata__: f32([1], [1]) })).toThrow(ArgumentError);
    expect(() => encodeSafetensors({}, { a: 1 as unknown as string })).toThrow(/metadata value for key "a" must be a string/);
    expect(() => encodeSafetensors(null as unknown as Record<string, Tensor>)).toThrow(ArgumentError);
  });
});

describe('decodeSafetensors on hand-built files', () => {
  it('decodes a file written by hand from the spec', () => {
    // Data laid out in an order different from the header's key order, and an empty tensor.
    const data = new Uint8Array(8 + 12 + 8 + 4);
    const dv = new DataView(data.buffer);
    dv.setFloat64(0, -0.25, true); // "z": F64 scalar at [0, 8)
    dv.setInt32(8, -3, true); // "m": I32 (3,) at [8, 20)
    dv.setInt32(12, 0x7fffffff, true);
    dv.setInt32(16, 5, true);
    dv.setFloat32(20, 1.5, true); // "a": F32 (2,1) at [20, 28)
    dv.setFloat32(24, -2.75, true);
    dv.setFloat32(28, 0.125, true); // "b": F32 (1,1,1) at [28, 32)
    const header = {
      a: { dtype: 'F32', shape: [2, 1], data_offsets: [20, 28] },
      __metadata__: { source: 'hand-written' },
      b: { dtype: 'F32', shape: [1, 1, 1], data_offsets: [28, 32] },
      m: { dtype: 'I32', shape: [3], data_offsets: [8, 20] },
      e: { dtype: 'F64', shape: [0, 4], data_offsets: [8, 8] },
      z: { dtype: 'F64', shape: [], data_offsets: [0, 8] },
    };
    const { tensors, metadata } = decodeSafetensors(build(header, data));
    expect(metadata).toEqual({ source: 'hand-written' });
    expectSameTensor(tensors.a, f32([1.5, -2.75], [2, 1]));
    expectSameTensor(tensors.b, f32([0.125], [1, 1, 1]));
    expectSameTensor(tensors.m, i32([-3, 0x7fffffff, 5], [3]));
    expectSameTensor(tensors.e, f64([], [0, 4]));
    expectSameTensor(tensors.z, f64([-0.25], []));
    expect(tensors.z!.item()).toBe(-0.25);
  });

  it('accepts an unpadded header and other JSON whitespace', () => {
    const json = '{ "x" : { "dtype" : "I32", "shape" : [ 1 ], "data_offsets" : [ 0, 4 ] } }\n\t';
    const data = new Uint8Array([1, 0, 0, 0]);
    expectSameTensor(decodeSafetensors(build(json, data, { pad: false })).tensors.x, i32([1], [1]));
  });

  it('converts F16 and BF16 to float32', () => {
    const data = new Uint8Array(12);
    const dv = new DataView(data.buffer);
    // F16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal)
    [0x3c00, 0xc000, 0x7bff, 0x0001].forEach((h, i) => {
      dv.setUint16(i * 2, h, true);
    });
    // BF16: 1.0, -3.140625
    [0x3f80, 0xc049].forEach((h, i) => {
      dv.setUint16(8 + i * 2, h, true);
    });
    const header = {
      h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] },
    };
    const { tensors } = decodeSafetensors(build(header, data));
    expectSameTensor(tensors.h, f32([1, -2, 65504, 2 ** -24], [4]));
    expectSameTensor(tensors.b, f32([1, -3.140625], [2]));
  });

  it('decodes F16 infinities and NaN', () => {
    const data = new Uint8Array(6);
    const dv = new DataView(data.buffer);
    [0x7c00, 0xfc00, 0x7e00].forEach((h, i) => {
      dv.setUint16(i * 2, h, true);
    });
    const t = decodeSafetensors(build({ h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] } }, data)).tensors.h!;
    expect(t.data[0]).toBe(Infinity);
    expect(t.data[1]).toBe(-Infinity);
    expect(Number.isNaN(t.data[2])).toBe(true);
  });

  it('converts I64, I16, U16, I8, U8 and BOOL to int32', () => {
    const data = new Uint8Array(24 + 4 + 4 + 2 + 2 + 3);
    const dv = new DataView(data.buffer);
    dv.setBigInt64(0, -5n, true);
    dv.setBigInt64(8, 2147483647n, true);
    dv.setBigInt64(16, -2147483648n, true);
    dv.setInt16(24, -32768, true);
    dv.setInt16(26, 12, true);
    dv.setUint16(28, 65535, true);
    dv.setUint16(30, 1, true);
    dv.setInt8(32, -128);
    dv.setInt8(33, 127);
    dv.setUint8(34, 255);
    dv.setUint8(35, 0);
    data.set([1, 0, 2], 36);
    const header = {
      l: { dtype: 'I64', shape: [3], data_offsets: [0, 24] },
      s: { dtype: 'I16', shape: [2], data_offsets: [24, 28] },
      us: { dtype: 'U16', shape: [2], data_offsets: [28, 32] },
      b: { dtype: 'I8', shape: [2], data_offsets: [32, 34] },
      ub: { dtype: 'U8', shape: [2], data_offsets: [34, 36] },
      m: { dtype: 'BOOL', shape: [3], data_offsets: [36, 39] },
    };
    const { tensors } = decodeSafetensors(build(header, data));
    expectSameTensor(tensors.l, i32([-5, 2147483647, -2147483648], [3]));
    expectSameTensor(tensors.s, i32([-32768, 12], [2]));
    expectSameTensor(tensors.us, i32([65535, 1], [2]));
    expectSameTensor(tensors.b, i32([-128, 127], [2]));
    expectSameTensor(tensors.ub, i32([255, 0], [2]));
    expectSameTensor(tensors.m, i32([1, 0, 1], [3]));
  });

  it('rejects I64 values outside int32', () => {
    for (const v of [2147483648n, -2147483649n, 2n ** 62n]) {
      const data = new Uint8Array(16);
      new DataView(data.buffer).setBigInt64(8, v, true);
      const bytes = build({ big: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data);
      expectFormatError(bytes, '"big"', `${v}`, 'flat index 1', 'int32');
    }
  });
});

describe('decodeSafetensors validation', () => {
  const ok = { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

  it('rejects a file shorter than 8 bytes', () => {
    expectFormatError(new Uint8Array(0), '0 bytes', 'too short');
    expectFormatError(new Uint8Array(7), '7 bytes', 'too short');
  });

  it('rejects a header length past the end of the file', () => {
    expectFormatError(build(ok, bytesOf(8), { declaredLength: 1000 }), 'header length 1000', 'past the end');
    const justHeaderLength = new Uint8Array(8);
    new DataView(justHeaderLength.buffer).setUint32(0, 1, true);
    expectFormatError(justHeaderLength, 'past the end');
  });

  it('rejects a header longer than 100,000,000 bytes before reading it', () => {
    expectFormatError(build(ok, bytesOf(8), { declaredLength: SAFETENSORS_MAX_HEADER_BYTES + 1 }), '100000001', 'exceeds the limit');
  });

  it('rejects a claimed header length of 2^40 without allocating', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 40n, true);
    expectFormatError(bytes, `${2n ** 40n}`, 'exceeds the limit');
    // And the largest u64 value.
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 64n - 1n, true);
    expectFormatError(bytes, '18446744073709551615', 'exceeds the limit');
  });

  it('rejects headers that are not a UTF-8 JSON object', () => {
    expectFormatError(build('{"t": ', bytesOf(0)), 'not valid JSON');
    expectFormatError(build('{not json}'), 'not valid JSON');
    expectFormatError(build('[1, 2, 3]'), 'JSON object');
    expectFormatError(build('"string"'), 'JSON object');
    expectFormatError(build(' {}'), 'JSON object'); // must start with "{"
    expectFormatError(build(''), 'JSON object');
    const bad = build('{"a":1}   ');
    bad[10] = 0xff; // invalid UTF-8 inside the header
    expectFormatError(bad, 'UTF-8');
    expectFormatError(build('{"t": 1}\0\0\0\0\0\0\0\0', bytesOf(0), { pad: false }), 'not valid JSON');
  });

  it('rejects a __metadata__ that is not a string-to-string map', () => {
    expectFormatError(build({ __metadata__: 'x' }), '__metadata__', 'object');
    expectFormatError(build({ __metadata__: null }), '__metadata__');
    expectFormatError(build({ __metadata__: ['a'] }), '__metadata__');
    expectFormatError(build({ __metadata__: { a: 'b', n: 1 } }), '__metadata__', '"n"', 'must be a string', 'number');
    expectFormatError(build({ __metadata__: { o: { x: 'y' } } }), '"o"', 'object');
  });

  it('rejects an unknown or missing dtype, naming the tensor', () => {
    expectFormatError(build({ w: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } }, bytesOf(8)), '"w"', 'unknown dtype', 'F8_E4M3');
    expectFormatError(build({ w: { dtype: 'f32', shape: [2], data_offsets: [0, 8] } }, bytesOf(8)), '"w"', 'unknown dtype');
    expectFormatError(build({ w: { shape: [2], data_offsets: [0, 8] } }, bytesOf(8)), '"w"', 'unknown dtype');
    expectFormatError(build({ w: { dtype: 'toString', shape: [2], data_offsets: [0, 8] } }, bytesOf(8)), 'unknown dtype');
  });

  it('rejects an entry that is not an object', () => {
    expectFormatError(build({ w: 3 }), '"w"', 'object');
    expectFormatError(build({ w: null }), '"w"');
    expectFormatError(build({ w: [] }), '"w"');
  });

  it('rejects a shape that is not an array of non-negative integers', () => {
    for (const shape of [[-1], [1.5], ['2'], [null], 2, null, undefined, [2 ** 53]]) {
      const header = { w: { dtype: 'F32', shape, data_offsets: [0, 8] } };
      expectFormatError(build(header, bytesOf(8)), '"w"', 'shape');
    }
  });

  it('rejects malformed data_offsets', () => {
    for (const offsets of [[0], [0, 8, 16], [-8, 0], [0, 8.5], ['0', '8'], null, undefined, [0, 1e30]]) {
      const header = { w: { dtype: 'F32', shape: [2], data_offsets: offsets } };
      expectFormatError(build(header, bytesOf(8)), '"w"', 'data_offsets');
    }
    expectFormatError(build({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, bytesOf(8)), '"w"', 'begin after end');
  });

  it('rejects data_offsets past the end of the data buffer', () => {
    expectFormatError(build({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, bytesOf(8)), '"w"', 'past the end', '8-byte data buffer');
    // Huge claimed sizes are compared against the real length, never allocated.
    const huge = { w: { dtype: 'F64', shape: [2 ** 30, 2 ** 20], data_offsets: [0, 2 ** 52] } };
    expectFormatError(build(huge, bytesOf(8)), '"w"', 'past the end');
  });

  it("rejects a shape whose byte size differs from the offsets' span", () => {
    expectFormatError(build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, bytesOf(8)), '"w"', '(3)', 'needs 12 bytes', 'hold 8');
    expectFormatError(build({ w: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }, bytesOf(8)), '"w"', 'needs 16 bytes');
    expectFormatError(build({ w: { dtype: 'F32', shape: [], data_offsets: [0, 8] } }, bytesOf(8)), '"w"', '()', 'needs 4 bytes');
    // A zero dimension makes a tensor empty, whatever the others...
    const empty = decodeSafetensors(build({ w: { dtype: 'F32', shape: [2 ** 20, 0, 2 ** 20], data_offsets: [0, 0] } }));
    expect(empty.tensors.w!.size).toBe(0);
    expect([...empty.tensors.w!.shape]).toEqual([2 ** 20, 0, 2 ** 20]);
    // ...but an element count past 2^53 is refused, as the reference refuses overflow.
    const dims = new Array(30).fill(2 ** 40);
    expectFormatError(build({ w: { dtype: 'F32', shape: dims, data_offsets: [0, 8] } }, bytesOf(8)), '"w"', 'too many elements');
    expectFormatError(build({ w: { dtype: 'F32', shape: [...dims, 0], data_offsets: [0, 0] } }), '"w"', 'too many elements');
  });

  it('rejects overlapping tensors, naming both', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    expectFormatError(build(header, bytesOf(12)), 'overlaps', '"a"', '"b"');
    const same = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'I32', shape: [2], data_offsets: [0, 8] },
    };
    expectFormatError(build(same, bytesOf(8)), 'overlaps');
    const emptyInside = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
    };
    expectFormatError(build(emptyInside, bytesOf(8)), 'overlaps', '"e"');
  });

  it('rejects gaps in the data buffer', () => {
    const leading = { a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    expectFormatError(build(leading, bytesOf(8)), 'gap', '[0, 4)', '"a"');
    const middle = {
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    };
    expectFormatError(build(middle, bytesOf(12)), 'gap', '[4, 8)', '"b"');
    const trailing = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } };
    expectFormatError(build(trailing, bytesOf(8)), '[4, 8)', 'belong to no tensor', '"a"');
    expectFormatError(build({}, bytesOf(3)), '[0, 3)', 'no tensors');
  });

  it('accepts empty tensors at tensor boundaries', () => {
    const header = {
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      e1: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
      e2: { dtype: 'I32', shape: [0, 2], data_offsets: [4, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      e3: { dtype: 'F64', shape: [0], data_offsets: [8, 8] },
    };
    const { tensors } = decodeSafetensors(build(header, bytesOf(8)));
    expect(Object.keys(tensors).sort()).toEqual(['a', 'b', 'e1', 'e2', 'e3']);
  });

  it('never crashes with anything but FormatError on corrupted files', () => {
    const good = encodeSafetensors({ a: f32([1, 2, 3], [3]), b: i32([4], []), c: f64([5], [1]) }, { k: 'v' });
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 500; trial++) {
      const bytes = good.slice(0, rand() < 0.2 ? Math.floor(rand() * good.length) : good.length);
      const flips = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < flips && bytes.length > 0; f++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        decodeSafetensors(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(FormatError);
        expect((err as Error).message.startsWith('safetensors: ')).toBe(true);
      }
    }
  });

  it('rejects a non-Uint8Array argument with ArgumentError', () => {
    expect(() => decodeSafetensors('abc' as unknown as Uint8Array)).toThrow(ArgumentError);
  });
});
