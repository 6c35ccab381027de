import {
  ACTIVATION_KERNELS, type Backend, BINARY_KERNELS, FIRST_COMPARISON, type GemmArgs, jsBackend, kernelCodes, REDUCE_KERNELS,
  type TypedArray, UNARY_KERNELS,
} from '@unroll/tensor';
import { Arena, ArenaFullError } from './arena.js';
import type { KernelExports } from './kernels.js';
import { type FloatArray, type FloatKind, inout, input, ints, Marshal, output, scratch, type WasmStats } from './marshal.js';

export type { WasmStats } from './marshal.js';

// Op codes: each kernel's index in its list of @unroll/tensor, as in assembly/elementwise.ts and
// assembly/reduce.ts (src/vocabulary.test.ts checks them).
const UNARY_CODES = kernelCodes(UNARY_KERNELS);
const BINARY_CODES = kernelCodes(BINARY_KERNELS);
const REDUCE_CODES = kernelCodes(REDUCE_KERNELS);
const ACTIVATION_CODES = kernelCodes(ACTIVATION_KERNELS);

/** Pure data movement below this many elements stays in JS (same result, no copy overhead). */
const SMALL_MOVE = 256;

/** @internal The backend state behind `wasmBackend()`: one kernel instance, one arena. */
export interface WasmBackendState {
  backend: Backend;
  arena: Arena;
  stats: WasmStats;
  setProfiling(on: boolean): void;
}

/** 0 when every array is a Float32Array, 1 when every one is a Float64Array, -1 otherwise. */
function floatKind(a: TypedArray, ...rest: TypedArray[]): FloatKind | -1 {
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
  const marshal = new Marshal(K, arena, stats);
  const wasmCall = marshal.call.bind(marshal);
  const workBytes = [K.gemmWorkBytesF32(), K.gemmWorkBytesF64()] as const;
  /** Hands a call to the reference backend (int32, mixed dtypes, small movements). */
  const delegate = (run: () => void): void => {
    stats.delegated++;
    run();
  };

  const backend: Backend = {
    name: 'wasm',

    unary(op, x, out, p0 = 0, p1 = 0) {
      const kind = floatKind(x, out);
      if (kind === -1) return delegate(() => js.unary(op, x, out, p0, p1));
      const p = inout(x, x.length, out); // in place in linear memory
      wasmCall({ kernel: 'unary', kind, args: [UNARY_CODES[op], p, p, x.length, p0, p1] });
    },

    binary(op, a, aStrides, b, bStrides, out, outShape) {
      const code = BINARY_CODES[op];
      const kind = floatKind(a, b);
      const outInt = code >= FIRST_COMPARISON && out instanceof Int32Array;
      if (kind === -1 || !(outInt || floatKind(a, out) === kind) || out.length < SMALL_MOVE) {
        return delegate(() => js.binary(op, a, aStrides, b, bStrides, out, outShape));
      }
      // the last list is the kernel's index workspace
      const meta = ints(outShape, aStrides, bStrides, outShape);
      wasmCall({ kernel: 'binary', kind, args: [code, input(a), input(b), output(out), outInt ? 1 : 0, outShape.length, meta] });
    },

    where(cond, cStrides, a, aStrides, b, bStrides, out, outShape) {
      const kind = floatKind(a, b, out);
      const condInt = cond instanceof Int32Array;
      if (kind === -1 || !(condInt || floatKind(cond, a) === kind) || out.length < SMALL_MOVE) {
        return delegate(() => js.where(cond, cStrides, a, aStrides, b, bStrides, out, outShape));
      }
      const meta = ints(outShape, cStrides, aStrides, bStrides, outShape);
      wasmCall({ kernel: 'where', kind, args: [condInt ? 1 : 0, input(cond), input(a), input(b), output(out), outShape.length, meta] });
    },

    reduce(op, x, outer, n, inner, out) {
      const kind = floatKind(x);
      const isArg = op === 'argmax' || op === 'argmin';
      if (kind === -1 || !(isArg ? out instanceof Int32Array : floatKind(x, out) === kind)) {
        return delegate(() => js.reduce(op, x, outer, n, inner, out));
      }
      if (outer * inner === 0) return js.reduce(op, x, outer, n, inner, out);
      const args = [REDUCE_CODES[op], input(x, 0, outer * n * inner), outer, n, inner, output(out, outer * inner), scratch(inner * 8)];
      wasmCall({ kernel: 'reduce', kind, args });
    },

    withReadOnly<R>(arrays: readonly TypedArray[], fn: () => R): R {
      if (marshal.pinned.size > 0) return fn(); // nested: the outer call's arrays stay pinned
      try {
        try {
          marshal.pin(arrays);
        } catch (e) {
          if (!(e instanceof ArenaFullError)) throw e;
          // no room to keep them: every call copies what it reads, as without withReadOnly
          marshal.unpinAll();
        }
        return fn();
      } finally {
        marshal.unpinAll();
      }
    },

    gemm(g: GemmArgs) {
      const { a, b, c, m, n, k } = g;
      const kind = floatKind(a, b, c);
      if (kind === -1) return delegate(() => js.gemm(g));
      if (m <= 0 || n <= 0) return;
      const A = a as FloatArray, B = b as FloatArray;
      // op(A) (m,k) and op(B) (k,n) as stored: (k,m) / (n,k) when transposed; unread when k = 0 or alpha = 0
      const reads = k > 0 && g.alpha !== 0;
      const pa = reads ? [{ matrix: A, offset: g.aOffset, ld: g.lda, rows: g.transA ? k : m, cols: g.transA ? m : k }] : [0, 1];
      const pb = reads ? [{ matrix: B, offset: g.bOffset, ld: g.ldb, rows: g.transB ? n : k, cols: g.transB ? k : n }] : [0, 1];
      // C compact (row stride n); its old contents only matter when beta != 0
      const pc = { block: c as FloatArray, offset: g.cOffset, ld: g.ldc, rows: m, cols: n, load: g.beta !== 0 };
      const work = scratch(Math.max(workBytes[kind], k * c.BYTES_PER_ELEMENT));
      wasmCall({ kernel: 'gemm', kind, args: [g.transA ? 1 : 0, g.transB ? 1 : 0, m, n, k, g.alpha, ...pa, ...pb, g.beta, pc, n, work] });
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
      if (kind === -1 || total < SMALL_MOVE || hi - lo + 1 > 4 * total) {
        return delegate(() => js.copyStrided(src, offset, strides, shape, dst, dstOffset));
      }
      // only the span the view reaches is copied in; the view starts offset - lo into it
      const view = input(src, lo, hi - lo + 1, offset - lo);
      wasmCall({ kernel: 'copyStrided', kind, args: [view, shape.length, ints(shape, strides), output(dst, total, dstOffset), ints(shape)] });
    },

    softmax(x, rows, cols, out, log) {
      const kind = floatKind(x, out);
      if (kind === -1) return delegate(() => js.softmax(x, rows, cols, out, log));
      wasmCall({ kernel: 'softmax', kind, args: [input(x, 0, rows * cols), rows, cols, output(out, rows * cols), log ? 1 : 0] });
    },

    activationBackward(act, y, dy, out) {
      const kind = floatKind(y, dy, out);
      if (kind === -1) return delegate(() => js.activationBackward(act, y, dy, out));
      const d = inout(dy, y.length, out); // out may alias dy
      wasmCall({ kernel: 'activationBackward', kind, args: [ACTIVATION_CODES[act], input(y), d, d, y.length] });
    },

    lstmForward(B, H, gates, cPrev, c, h, tanhC) {
      const kind = floatKind(gates, cPrev, c, h, tanhC);
      if (kind === -1) return delegate(() => js.lstmForward(B, H, gates, cPrev, c, h, tanhC));
      const N = B * H;
      const args = [B, H, inout(gates, 4 * N), input(cPrev, 0, N), output(c, N), output(h, N), output(tanhC, N)];
      wasmCall({ kernel: 'lstmForward', kind, args });
    },

    lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates) {
      const kind = floatKind(gates, cPrev, tanhC, dh, dc, dGates);
      if (kind === -1) return delegate(() => js.lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates));
      const N = B * H;
      const args = [B, H, input(gates, 0, 4 * N), input(cPrev, 0, N), input(tanhC, 0, N), input(dh, 0, N), inout(dc, N), output(dGates, 4 * N)];
      wasmCall({ kernel: 'lstmBackward', kind, args });
    },

    gruForward(B, H, gi, gh, hPrev, h) {
      const kind = floatKind(gi, gh, hPrev, h);
      if (kind === -1) return delegate(() => js.gruForward(B, H, gi, gh, hPrev, h));
      const N = B * H;
      wasmCall({ kernel: 'gruForward', kind, args: [B, H, inout(gi, 3 * N), input(gh, 0, 3 * N), input(hPrev, 0, N), output(h, N)] });
    },

    gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev) {
      const kind = floatKind(gi, gh, hPrev, dh, dGi, dGh, dhPrev);
      if (kind === -1) return delegate(() => js.gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev));
      const N = B * H;
      const args = [B, H, input(gi, 0, 3 * N), input(gh, 0, 3 * N), input(hPrev, 0, N), input(dh, 0, N), output(dGi, 3 * N), output(dGh, 3 * N), inout(dhPrev, N)];
      wasmCall({ kernel: 'gruBackward', kind, args });
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
      marshal.profiling = on;
    },
  };
}
