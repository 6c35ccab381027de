/**
 * Marshalling between typed arrays and the kernel module's linear memory: one `call(spec)` places
 * a kernel's arrays in the arena, runs the F32 or F64 export and copies its results back.
 */
import type { TypedArray } from '@unroll/tensor';
import type { Arena } from './arena.js';
import type { KernelExports } from './kernels.js';

/** Copy and call counters of the backend; times only while profiling is on. */
export interface WasmStats {
  /** Backend calls that ran in WebAssembly. */
  calls: number;
  /** Calls handed to the reference JS backend (int32 or mixed dtypes, small movements). */
  delegated: number;
  /** Bytes copied from typed arrays into linear memory. */
  bytesIn: number;
  /** Bytes copied from linear memory back into typed arrays. */
  bytesOut: number;
  /** Milliseconds spent in those copies (profiling only). */
  copyMs: number;
  /** Milliseconds spent in WebAssembly backend calls, copies included (profiling only). */
  totalMs: number;
}

export type FloatArray = Float32Array | Float64Array;

/** 0 float32 kernels, 1 float64 kernels. */
export type FloatKind = 0 | 1;

/** Kernels exported as an F32/F64 pair: `unary` for `unaryF32` and `unaryF64`. */
export type KernelName = Exclude<{ [K in keyof KernelExports]: K extends `${infer S}F32` ? S : never }[keyof KernelExports], 'gemmWorkBytes'>;

/**
 * One argument of a kernel. A number passes as it is; each array argument becomes the address
 * of its place in linear memory (a `matrix` also its row stride; `ints` one address per list).
 * An argument object listed twice is placed once (both get the same address).
 */
export type Arg =
  | number
  /** x[start, start + len) copied in; the address points `shift` elements past start. */
  | { readonly in: TypedArray; readonly start: number; readonly len: number; readonly shift: number }
  /** len elements of room, copied to x[start...] after the kernel ran. */
  | { readonly out: TypedArray; readonly start: number; readonly len: number }
  /** x[0, len) copied in, and back out into `to` (x itself, or an output x may alias). */
  | { readonly inout: TypedArray; readonly to: TypedArray; readonly len: number }
  /** A (rows, cols) matrix with row stride ld: the address and the stride the kernel should use. */
  | { readonly matrix: FloatArray; readonly offset: number; readonly ld: number; readonly rows: number; readonly cols: number }
  /**
   * A (rows, cols) block with row stride ld, placed compact (stride cols): copied in when `load`,
   * copied back into the rows it came from after the kernel ran.
   */
  | { readonly block: FloatArray; readonly offset: number; readonly ld: number; readonly rows: number; readonly cols: number; readonly load: boolean }
  /** Small integer lists (shapes, strides) as consecutive int32 lists. */
  | { readonly ints: readonly (readonly number[])[] }
  /** Workspace of this many bytes. */
  | { readonly scratch: number };

/** x[start, start + len) copied in (len defaults to the rest of x). */
export const input = (x: TypedArray, start = 0, len = x.length - start, shift = 0): Arg => ({ in: x, start, len, shift });
/** Room for len values, copied into x at start afterwards. */
export const output = (x: TypedArray, len = x.length, start = 0): Arg => ({ out: x, start, len });
/** x[0, len) copied in and the kernel's result copied to `to` (default x). */
export const inout = (x: TypedArray, len = x.length, to: TypedArray = x): Arg => ({ inout: x, to, len });
/** Shape/stride lists, one address each. */
export const ints = (...lists: (readonly number[])[]): Arg => ({ ints: lists });
/** Workspace bytes. */
export const scratch = (bytes: number): Arg => ({ scratch: bytes });

/** What a kernel call needs: which kernel pair, float32 or float64, and its arguments in order. */
export interface WasmCallSpec {
  kernel: KernelName;
  kind: FloatKind;
  args: readonly Arg[];
}

type Placed = { kind: 'copyBack'; p: number; to: TypedArray; start: number; len: number } | { kind: 'rows'; p: number; to: FloatArray; offset: number; ld: number; rows: number; cols: number };

/**
 * Places arrays in the arena and calls kernels; keeps the arrays pinned by `withReadOnly`.
 *
 * @example
 * ```ts
 * // inside makeWasmBackend: unary `op` on x, in place in linear memory, result into out
 * const p = inout(x, x.length, out);
 * marshal.call({ kernel: 'unary', kind: 0, args: [code, p, p, x.length, p0, p1] });
 * ```
 */
export class Marshal {
  /** Arrays declared read-only by `withReadOnly`, and where their copies are. */
  readonly pinned = new Map<TypedArray, number>();
  profiling = false;

  constructor(
    private readonly K: KernelExports,
    private readonly arena: Arena,
    readonly stats: WasmStats,
  ) {}

  /**
   * Runs one kernel: resets the arena, places every argument (all allocation happens before
   * any output is written, so an ArenaFullError leaves the outputs untouched), calls the F32 or
   * F64 export and copies the results back in argument order.
   */
  call(spec: WasmCallSpec): void {
    const t0 = this.now();
    this.arena.reset();
    this.stats.calls++;
    const placed = new Map<Arg, number[]>();
    const after: Placed[] = [];
    const values: number[] = [];
    for (const a of spec.args) {
      let v = placed.get(a);
      if (v === undefined) {
        v = this.place(a, after);
        placed.set(a, v);
      }
      values.push(...v);
    }
    const fn = this.K[`${spec.kernel}${spec.kind === 0 ? 'F32' : 'F64'}`] as (...args: number[]) => void;
    fn(...values);
    for (const w of after) {
      if (w.kind === 'copyBack') this.get(w.p, w.to, w.start, w.len);
      else if (w.ld === w.cols) this.get(w.p, w.to, w.offset, w.rows * w.cols);
      else for (let r = 0; r < w.rows; r++) this.get(w.p + r * w.cols * w.to.BYTES_PER_ELEMENT, w.to, w.offset + r * w.ld, w.cols);
    }
    if (this.profiling) this.stats.totalMs += performance.now() - t0;
  }

  /** Copies each float array into memory that survives calls, until `unpinAll` (withReadOnly). */
  pin(arrays: readonly TypedArray[]): void {
    for (const x of arrays) {
      if (!(x instanceof Float32Array || x instanceof Float64Array) || this.pinned.has(x)) continue;
      this.pinned.set(x, this.arena.pin(x.byteLength));
      this.copyIn(x, this.pinned.get(x)!);
    }
  }

  unpinAll(): void {
    this.pinned.clear();
    this.arena.unpinAll();
  }

  private now(): number {
    return this.profiling ? performance.now() : 0;
  }

  /** The argument's values (addresses, strides), noting what to copy back after the call. */
  private place(a: Arg, after: Placed[]): number[] {
    if (typeof a === 'number') return [a];
    if ('in' in a) return [this.put(a.in, a.start, a.len) + a.shift * a.in.BYTES_PER_ELEMENT];
    if ('out' in a) {
      const p = this.arena.alloc(a.len * a.out.BYTES_PER_ELEMENT);
      after.push({ kind: 'copyBack', p, to: a.out, start: a.start, len: a.len });
      return [p];
    }
    if ('inout' in a) {
      const p = this.put(a.inout, 0, a.len);
      after.push({ kind: 'copyBack', p, to: a.to, start: 0, len: a.len });
      return [p];
    }
    if ('matrix' in a) return this.putMatrix(a.matrix, a.offset, a.ld, a.rows, a.cols);
    if ('block' in a) {
      const { block: x, offset, ld, rows, cols } = a;
      const S = x.BYTES_PER_ELEMENT;
      const p = this.arena.alloc(rows * cols * S);
      if (a.load) this.copyRows(x, offset, ld, rows, cols, p);
      after.push({ kind: 'rows', p, to: x, offset, ld, rows, cols });
      return [p];
    }
    if ('ints' in a) return this.putInts(a.ints);
    return [this.arena.alloc(a.scratch)];
  }

  /** Copies x[start, start + len) into the arena; returns its address. */
  private put(x: TypedArray, start: number, len: number): number {
    const p = this.arena.alloc(len * x.BYTES_PER_ELEMENT);
    if (len > 0) this.copyIn(start === 0 && len === x.length ? x : x.subarray(start, start + len), p);
    return p;
  }

  private copyIn(src: TypedArray, p: number): void {
    const t0 = this.now();
    if (src instanceof Float64Array) this.arena.f64.set(src, p >>> 3);
    else if (src instanceof Float32Array) this.arena.f32.set(src, p >>> 2);
    else this.arena.i32.set(src, p >>> 2);
    this.stats.bytesIn += src.byteLength;
    if (this.profiling) this.stats.copyMs += performance.now() - t0;
  }

  /** Copies a (rows, cols) block of x (row stride ld) to p, compact. */
  private copyRows(x: FloatArray, offset: number, ld: number, rows: number, cols: number, p: number): void {
    if (ld === cols) {
      this.copyIn(x.subarray(offset, offset + rows * cols), p);
      return;
    }
    for (let r = 0; r < rows; r++) this.copyIn(x.subarray(offset + r * ld, offset + r * ld + cols), p + r * cols * x.BYTES_PER_ELEMENT);
  }

  /** Copies len values at address p back into x at start. */
  private get(p: number, x: TypedArray, start: number, len: number): void {
    if (len <= 0) return;
    const t0 = this.now();
    if (x instanceof Float64Array) x.set(this.arena.f64.subarray(p >>> 3, (p >>> 3) + len), start);
    else if (x instanceof Float32Array) x.set(this.arena.f32.subarray(p >>> 2, (p >>> 2) + len), start);
    else x.set(this.arena.i32.subarray(p >>> 2, (p >>> 2) + len), start);
    this.stats.bytesOut += len * x.BYTES_PER_ELEMENT;
    if (this.profiling) this.stats.copyMs += performance.now() - t0;
  }

  /** Copies small int lists (shape, strides) into the arena, one after another; their addresses. */
  private putInts(lists: readonly (readonly number[])[]): number[] {
    let total = 0;
    for (const l of lists) total += l.length;
    const p = this.arena.alloc(Math.max(total, 1) * 4);
    const addresses: number[] = [];
    let q = p >>> 2;
    const i32 = this.arena.i32;
    for (const l of lists) {
      addresses.push(q * 4);
      for (let i = 0; i < l.length; i++) i32[q++] = l[i]!;
    }
    return addresses;
  }

  /**
   * Places the (rows x cols, row stride ld) matrix at offset: where withReadOnly pinned it, as
   * one block when the padding between rows is small (the stride is kept), else row by row (the
   * stride becomes cols). Returns [address, stride].
   */
  private putMatrix(x: FloatArray, offset: number, ld: number, rows: number, cols: number): number[] {
    if (rows === 0 || cols === 0) return [this.arena.alloc(0), Math.max(cols, 1)];
    const at = this.pinned.get(x);
    if (at !== undefined) return [at + offset * x.BYTES_PER_ELEMENT, ld]; // already in linear memory
    const span = (rows - 1) * ld + cols;
    if (ld === cols || span <= rows * cols + (rows * cols >> 2) + 64) return [this.put(x, offset, span), ld];
    const p = this.arena.alloc(rows * cols * x.BYTES_PER_ELEMENT);
    this.copyRows(x, offset, ld, rows, cols, p);
    return [p, cols];
  }
}
