import { type Backend, type BinaryKernel, type GemmArgs, jsBackend, type ReduceKernel, type TypedArray, type UnaryKernel } from '@unroll/tensor';
import { Arena, ArenaFullError } from './arena.js';
import type { KernelExports } from './kernels.js';

type FloatArray = Float32Array | Float64Array;

// Op codes: the same tables as assembly/elementwise.ts and assembly/reduce.ts.
const UNARY_CODES: Record<UnaryKernel, number> = {
  neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, tanh: 5, sigmoid: 6, relu: 7, sign: 8, square: 9,
  reciprocal: 10, pow: 11, clip: 12, sin: 13, cos: 14, floor: 15, copy: 16, step: 17,
};
const BINARY_CODES: Record<BinaryKernel, number> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6, eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
};
const FIRST_COMPARISON = 7;
const REDUCE_CODES: Record<ReduceKernel, number> = { sum: 0, max: 1, min: 2, argmax: 3, argmin: 4, logsumexp: 5 };
const ACTIVATION_CODES = { tanh: 0, relu: 1, sigmoid: 2 } as const;

/** Pure data movement below this many elements stays in JS (same result, no copy overhead). */
const SMALL_MOVE = 256;

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

/** @internal The backend state behind `wasmBackend()`: one kernel instance, one arena. */
export interface WasmBackendState {
  backend: Backend;
  arena: Arena;
  stats: WasmStats;
  setProfiling(on: boolean): void;
}

function isF32(a: TypedArray): a is Float32Array {
  return a instanceof Float32Array;
}

/** 0 when every array is a Float32Array, 1 when every one is a Float64Array, -1 otherwise. */
function floatKind(a: TypedArray, ...rest: TypedArray[]): 0 | 1 | -1 {
  const k = a instanceof Float32Array ? 0 : a instanceof Float64Array ? 1 : -1;
  if (k < 0) return -1;
  for (const r of rest) {
    if ((k === 0 ? !(r instanceof Float32Array) : !(r instanceof Float64Array))) return -1;
  }
  return k;
}

/** @internal Builds the Backend over a kernel instance. */
export function makeWasmBackend(K: KernelExports): WasmBackendState {
  const js = jsBackend();
  const arena = new Arena(K.memory, K.heapBase());
  const stats: WasmStats = { calls: 0, delegated: 0, bytesIn: 0, bytesOut: 0, copyMs: 0, totalMs: 0 };
  let profiling = false;
  const workBytes = [K.gemmWorkBytesF32(), K.gemmWorkBytesF64()] as const;
  const now = (): number => (profiling ? performance.now() : 0);

  /** Copies x[start, start + len) into the arena; returns its address. */
  function put(x: FloatArray, start: number, len: number): number {
    const f64 = !isF32(x);
    const p = arena.alloc(len * (f64 ? 8 : 4));
    if (len > 0) {
      const t0 = now();
      const src = start === 0 && len === x.length ? x : x.subarray(start, start + len);
      if (f64) arena.f64.set(src, p >>> 3);
      else arena.f32.set(src, p >>> 2);
      stats.bytesIn += src.byteLength;
      if (profiling) stats.copyMs += performance.now() - t0;
    }
    return p;
  }

  /** Copies len values at address p back into x at start. */
  function get(p: number, x: TypedArray, start: number, len: number): void {
    if (len <= 0) return;
    const t0 = now();
    if (x instanceof Float64Array) x.set(arena.f64.subarray(p >>> 3, (p >>> 3) + len), start);
    else if (x instanceof Float32Array) x.set(arena.f32.subarray(p >>> 2, (p >>> 2) + len), start);
    else x.set(arena.i32.subarray(p >>> 2, (p >>> 2) + len), start);
    stats.bytesOut += len * x.BYTES_PER_ELEMENT;
    if (profiling) stats.copyMs += performance.now() - t0;
  }

  /** Copies small i32 arrays (shape, strides) into the arena; returns the address of the first. */
  function putInts(...lists: (readonly number[])[]): number {
    let total = 0;
    for (const l of lists) total += l.length;
    const p = arena.alloc(Math.max(total, 1) * 4);
    let q = p >>> 2;
    const i32 = arena.i32;
    for (const l of lists) for (let i = 0; i < l.length; i++) i32[q++] = l[i]!;
    return p;
  }

  /**
   * Places the (rows x cols, row stride ld) matrix at offset: as one block when the padding
   * between rows is small (the stride is kept), else row by row (stride becomes cols).
   */
  function putMatrix(x: FloatArray, offset: number, ld: number, rows: number, cols: number): [number, number] {
    if (rows === 0 || cols === 0) return [arena.alloc(0), Math.max(cols, 1)];
    const at = pinned.get(x);
    if (at !== undefined) return [at + offset * x.BYTES_PER_ELEMENT, ld]; // already in linear memory
    const span = (rows - 1) * ld + cols;
    if (ld === cols || span <= rows * cols + (rows * cols >> 2) + 64) return [put(x, offset, span), ld];
    const S = isF32(x) ? 4 : 8;
    const p = arena.alloc(rows * cols * S);
    const t0 = now();
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(offset + r * ld, offset + r * ld + cols);
      if (S === 4) arena.f32.set(row, (p >>> 2) + r * cols);
      else arena.f64.set(row, (p >>> 3) + r * cols);
    }
    stats.bytesIn += rows * cols * S;
    if (profiling) stats.copyMs += performance.now() - t0;
    return [p, cols];
  }

  /** Arrays declared read-only by `withReadOnly`, and where their copies are. */
  const pinned = new Map<TypedArray, number>();

  function begin(): number {
    arena.reset();
    stats.calls++;
    return now();
  }

  function end(t0: number): void {
    if (profiling) stats.totalMs += performance.now() - t0;
  }

  const backend: Backend = {
    name: 'wasm',

    unary(op, x, out, p0 = 0, p1 = 0) {
      const k = floatKind(x, out);
      if (k < 0) {
        stats.delegated++;
        js.unary(op, x, out, p0, p1);
        return;
      }
      const t0 = begin();
      const n = x.length;
      const p = put(x as FloatArray, 0, n);
      if (k === 0) K.unaryF32(UNARY_CODES[op], p, p, n, p0, p1);
      else K.unaryF64(UNARY_CODES[op], p, p, n, p0, p1);
      get(p, out, 0, n);
      end(t0);
    },

    binary(op, a, aStrides, b, bStrides, out, outShape) {
      const code = BINARY_CODES[op];
      const k = floatKind(a, b);
      const outInt = code >= FIRST_COMPARISON && out instanceof Int32Array;
      if (k < 0 || !(outInt || floatKind(a, out) === k) || out.length < SMALL_MOVE) {
        stats.delegated++;
        js.binary(op, a, aStrides, b, bStrides, out, outShape);
        return;
      }
      const t0 = begin();
      const nd = outShape.length;
      const pa = put(a as FloatArray, 0, a.length);
      const pb = put(b as FloatArray, 0, b.length);
      const meta = putInts(outShape, aStrides, bStrides, outShape);
      const po = arena.alloc(out.length * out.BYTES_PER_ELEMENT);
      (k === 0 ? K.binaryF32 : K.binaryF64)(code, pa, pb, po, outInt ? 1 : 0, nd, meta, meta + 4 * nd, meta + 8 * nd, meta + 12 * nd);
      get(po, out, 0, out.length);
      end(t0);
    },

    where(cond, cStrides, a, aStrides, b, bStrides, out, outShape) {
      const k = floatKind(a, b, out);
      const condInt = cond instanceof Int32Array;
      if (k < 0 || !(condInt || floatKind(cond, a) === k) || out.length < SMALL_MOVE) {
        stats.delegated++;
        js.where(cond, cStrides, a, aStrides, b, bStrides, out, outShape);
        return;
      }
      const t0 = begin();
      const nd = outShape.length;
      let pc: number;
      if (condInt) {
        pc = arena.alloc(cond.length * 4);
        arena.i32.set(cond, pc >>> 2);
        stats.bytesIn += cond.byteLength;
      } else {
        pc = put(cond as FloatArray, 0, cond.length);
      }
      const pa = put(a as FloatArray, 0, a.length);
      const pb = put(b as FloatArray, 0, b.length);
      const meta = putInts(outShape, cStrides, aStrides, bStrides, outShape);
      const po = arena.alloc(out.length * out.BYTES_PER_ELEMENT);
      (k === 0 ? K.whereF32 : K.whereF64)(condInt ? 1 : 0, pc, pa, pb, po, nd, meta, meta + 4 * nd, meta + 8 * nd, meta + 12 * nd, meta + 16 * nd);
      get(po, out, 0, out.length);
      end(t0);
    },

    reduce(op, x, outer, n, inner, out) {
      const k = floatKind(x);
      const isArg = op === 'argmax' || op === 'argmin';
      if (k < 0 || !(isArg ? out instanceof Int32Array : floatKind(x, out) === k)) {
        stats.delegated++;
        js.reduce(op, x, outer, n, inner, out);
        return;
      }
      if (outer * inner === 0) {
        js.reduce(op, x, outer, n, inner, out);
        return;
      }
      const t0 = begin();
      const len = outer * n * inner;
      const px = put(x as FloatArray, 0, len);
      const po = arena.alloc(outer * inner * out.BYTES_PER_ELEMENT);
      const work = arena.alloc(inner * 8);
      (k === 0 ? K.reduceF32 : K.reduceF64)(REDUCE_CODES[op], px, outer, n, inner, po, work);
      get(po, out, 0, outer * inner);
      end(t0);
    },

    withReadOnly<R>(arrays: readonly TypedArray[], fn: () => R): R {
      if (pinned.size > 0) return fn(); // nested: the outer call's arrays stay pinned
      try {
        try {
          for (const x of arrays) {
            if (!(x instanceof Float32Array || x instanceof Float64Array) || pinned.has(x)) continue;
            const p = arena.pin(x.byteLength);
            if (x instanceof Float32Array) arena.f32.set(x, p >>> 2);
            else arena.f64.set(x, p >>> 3);
            stats.bytesIn += x.byteLength;
            pinned.set(x, p);
          }
        } catch (e) {
          if (!(e instanceof ArenaFullError)) throw e;
          // no room to keep them: every call copies what it reads, as without withReadOnly
          pinned.clear();
          arena.unpinAll();
        }
        return fn();
      } finally {
        pinned.clear();
        arena.unpinAll();
      }
    },

    gemm(g: GemmArgs) {
      const { a, b, c, m, n, k } = g;
      const kind = floatKind(a, b, c);
      if (kind < 0) {
        stats.delegated++;
        js.gemm(g);
        return;
      }
      if (m <= 0 || n <= 0) return;
      const t0 = begin();
      const S = kind === 0 ? 4 : 8;
      let pa = 0, lda = 1, pb = 0, ldb = 1;
      if (k > 0 && g.alpha !== 0) {
        [pa, lda] = g.transA ? putMatrix(a as FloatArray, g.aOffset, g.lda, k, m) : putMatrix(a as FloatArray, g.aOffset, g.lda, m, k);
        [pb, ldb] = g.transB ? putMatrix(b as FloatArray, g.bOffset, g.ldb, n, k) : putMatrix(b as FloatArray, g.bOffset, g.ldb, k, n);
      }
      // C compact (row stride n); its old contents only matter when beta != 0
      const pc = arena.alloc(m * n * S);
      const ldc = g.ldc;
      if (g.beta !== 0) {
        if (ldc === n) {
          if (S === 4) arena.f32.set((c as Float32Array).subarray(g.cOffset, g.cOffset + m * n), pc >>> 2);
          else arena.f64.set((c as Float64Array).subarray(g.cOffset, g.cOffset + m * n), pc >>> 3);
        } else {
          for (let r = 0; r < m; r++) {
            const row = (c as FloatArray).subarray(g.cOffset + r * ldc, g.cOffset + r * ldc + n);
            if (S === 4) arena.f32.set(row, (pc >>> 2) + r * n);
            else arena.f64.set(row, (pc >>> 3) + r * n);
          }
        }
        stats.bytesIn += m * n * S;
      }
      const work = arena.alloc(Math.max(kind === 0 ? workBytes[0] : workBytes[1], k * S));
      (kind === 0 ? K.gemmF32 : K.gemmF64)(g.transA ? 1 : 0, g.transB ? 1 : 0, m, n, k, g.alpha, pa, lda, pb, ldb, g.beta, pc, n, work);
      if (ldc === n) get(pc, c, g.cOffset, m * n);
      else for (let r = 0; r < m; r++) get(pc + r * n * S, c, g.cOffset + r * ldc, n);
      end(t0);
    },

    copyStrided(src, offset, strides, shape, dst, dstOffset) {
      const kind = floatKind(src, dst);
      let total = 1;
      let lo = offset;
      let hi = offset;
      for (let d = 0; d < shape.length; d++) {
        const dim = shape[d]!;
        total *= dim;
        const reach = strides[d]! * (dim - 1);
        if (reach < 0) lo += reach;
        else hi += reach;
      }
      if (kind < 0 || total < SMALL_MOVE || hi - lo + 1 > 4 * total) {
        stats.delegated++;
        js.copyStrided(src, offset, strides, shape, dst, dstOffset);
        return;
      }
      const t0 = begin();
      const S = kind === 0 ? 4 : 8;
      const base = put(src as FloatArray, lo, hi - lo + 1);
      const meta = putInts(shape, strides, shape);
      const nd = shape.length;
      const po = arena.alloc(total * S);
      (kind === 0 ? K.copyStridedF32 : K.copyStridedF64)(base + (offset - lo) * S, nd, meta, meta + 4 * nd, po, meta + 8 * nd);
      get(po, dst, dstOffset, total);
      end(t0);
    },

    softmax(x, rows, cols, out, log) {
      const k = floatKind(x, out);
      if (k < 0) {
        stats.delegated++;
        js.softmax(x, rows, cols, out, log);
        return;
      }
      const t0 = begin();
      const len = rows * cols;
      const p = put(x as FloatArray, 0, len);
      const po = arena.alloc(len * (k === 0 ? 4 : 8));
      (k === 0 ? K.softmaxF32 : K.softmaxF64)(p, rows, cols, po, log ? 1 : 0);
      get(po, out, 0, len);
      end(t0);
    },

    activationBackward(kind, y, dy, out) {
      const k = floatKind(y, dy, out);
      if (k < 0) {
        stats.delegated++;
        js.activationBackward(kind, y, dy, out);
        return;
      }
      const t0 = begin();
      const n = y.length;
      const py = put(y as FloatArray, 0, n);
      const pd = put(dy as FloatArray, 0, n);
      (k === 0 ? K.activationBackwardF32 : K.activationBackwardF64)(ACTIVATION_CODES[kind], py, pd, pd, n);
      get(pd, out, 0, n);
      end(t0);
    },

    lstmForward(B, H, gates, cPrev, c, h, tanhC) {
      const k = floatKind(gates, cPrev, c, h, tanhC);
      if (k < 0) {
        stats.delegated++;
        js.lstmForward(B, H, gates, cPrev, c, h, tanhC);
        return;
      }
      const t0 = begin();
      const G = 4 * B * H;
      const N = B * H;
      const pg = put(gates as FloatArray, 0, G);
      const pp = put(cPrev as FloatArray, 0, N);
      const S = k === 0 ? 4 : 8;
      const pc = arena.alloc(3 * N * S);
      const ph = pc + N * S;
      const pt = ph + N * S;
      (k === 0 ? K.lstmForwardF32 : K.lstmForwardF64)(B, H, pg, pp, pc, ph, pt);
      get(pg, gates, 0, G);
      get(pc, c, 0, N);
      get(ph, h, 0, N);
      get(pt, tanhC, 0, N);
      end(t0);
    },

    lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates) {
      const k = floatKind(gates, cPrev, tanhC, dh, dc, dGates);
      if (k < 0) {
        stats.delegated++;
        js.lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates);
        return;
      }
      const t0 = begin();
      const G = 4 * B * H;
      const N = B * H;
      const pg = put(gates as FloatArray, 0, G);
      const pp = put(cPrev as FloatArray, 0, N);
      const pt = put(tanhC as FloatArray, 0, N);
      const ph = put(dh as FloatArray, 0, N);
      const pc = put(dc as FloatArray, 0, N);
      const pd = arena.alloc(G * (k === 0 ? 4 : 8));
      (k === 0 ? K.lstmBackwardF32 : K.lstmBackwardF64)(B, H, pg, pp, pt, ph, pc, pd);
      get(pd, dGates, 0, G);
      get(pc, dc, 0, N);
      end(t0);
    },

    gruForward(B, H, gi, gh, hPrev, h) {
      const k = floatKind(gi, gh, hPrev, h);
      if (k < 0) {
        stats.delegated++;
        js.gruForward(B, H, gi, gh, hPrev, h);
        return;
      }
      const t0 = begin();
      const G = 3 * B * H;
      const N = B * H;
      const pi = put(gi as FloatArray, 0, G);
      const pg = put(gh as FloatArray, 0, G);
      const pp = put(hPrev as FloatArray, 0, N);
      const ph = arena.alloc(N * (k === 0 ? 4 : 8));
      (k === 0 ? K.gruForwardF32 : K.gruForwardF64)(B, H, pi, pg, pp, ph);
      get(pi, gi, 0, G);
      get(ph, h, 0, N);
      end(t0);
    },

    gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev) {
      const k = floatKind(gi, gh, hPrev, dh, dGi, dGh, dhPrev);
      if (k < 0) {
        stats.delegated++;
        js.gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev);
        return;
      }
      const t0 = begin();
      const G = 3 * B * H;
      const N = B * H;
      const S = k === 0 ? 4 : 8;
      const pi = put(gi as FloatArray, 0, G);
      const pg = put(gh as FloatArray, 0, G);
      const pp = put(hPrev as FloatArray, 0, N);
      const ph = put(dh as FloatArray, 0, N);
      const pdp = put(dhPrev as FloatArray, 0, N);
      const pdi = arena.alloc(2 * G * S);
      const pdg = pdi + G * S;
      (k === 0 ? K.gruBackwardF32 : K.gruBackwardF64)(B, H, pi, pg, pp, ph, pdi, pdg, pdp);
      get(pdi, dGi, 0, G);
      get(pdg, dGh, 0, G);
      get(pdp, dhPrev, 0, N);
      end(t0);
    },
  };

  // A call too large for WebAssembly memory (4 GiB at most) runs in the JS backend instead: every
  // method allocates all it needs before it writes any output, so nothing is half-written then.
  const guarded = { ...backend } as Backend & Record<string, unknown>;
  for (const key of Object.keys(backend) as (keyof Backend)[]) {
    const f = backend[key];
    if (typeof f !== 'function' || key === 'withReadOnly') continue;
    const fallback = js[key] as (...args: unknown[]) => void;
    const impl = f as (...args: unknown[]) => void;
    (guarded as Record<string, unknown>)[key] = (...args: unknown[]): void => {
      try {
        impl(...args);
      } catch (e) {
        if (!(e instanceof ArenaFullError)) throw e;
        stats.delegated++;
        fallback(...args);
      }
    };
  }

  return {
    backend: guarded,
    arena,
    stats,
    setProfiling(on: boolean) {
      profiling = on;
    },
  };
}
