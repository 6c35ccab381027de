import {
  type Backend, type GemmArgs, jsBackend, type RecurrentBackwardArgs, type RecurrentForwardArgs, recurrentBackwardLoop, recurrentForwardLoop,
  type TypedArray,
} from '@unroll/tensor';
import { type FloatArray, type NativeAddon, requireAddon } from './addon.js';
import { ACTIVATION_CODES, BINARY_CODES, CELL_CODES, FIRST_COMPARISON, MAX_DIMS, REDUCE_CODES, UNARY_CODES } from './ops.js';

/** True when a and b are both Float32Array or both Float64Array. */
function sameFloat(a: TypedArray, b: TypedArray): boolean {
  return a instanceof Float32Array ? b instanceof Float32Array : a instanceof Float64Array && b instanceof Float64Array;
}

function isFloat(a: TypedArray): a is FloatArray {
  return a instanceof Float32Array || a instanceof Float64Array;
}

/** @internal Builds the Backend object over a loaded addon. */
export function makeNativeBackend(N: NativeAddon = requireAddon()): Backend {
  const js = jsBackend();
  // shape and strides travel in one reused Float64Array (no allocation per call)
  const meta = new Float64Array(4 * MAX_DIMS);

  const backend: Backend = {
    name: 'native',

    unary(op, x, out, p0 = 0, p1 = 0) {
      if (sameFloat(x, out)) N.unary(UNARY_CODES[op], x as FloatArray, out as FloatArray, p0, p1);
      else js.unary(op, x, out, p0, p1);
    },

    binary(op, a, aStrides, b, bStrides, out, outShape) {
      const code = BINARY_CODES[op];
      const nd = outShape.length;
      if (sameFloat(a, b) && (sameFloat(a, out) || (code >= FIRST_COMPARISON && out instanceof Int32Array)) && nd <= MAX_DIMS) {
        for (let d = 0; d < nd; d++) {
          meta[d] = outShape[d]!;
          meta[nd + d] = aStrides[d]!;
          meta[2 * nd + d] = bStrides[d]!;
        }
        N.binary(code, a as FloatArray, b as FloatArray, out, nd, meta);
      } else {
        js.binary(op, a, aStrides, b, bStrides, out, outShape);
      }
    },

    where(cond, cStrides, a, aStrides, b, bStrides, out, outShape) {
      const nd = outShape.length;
      if (sameFloat(a, b) && sameFloat(a, out) && nd <= MAX_DIMS) {
        for (let d = 0; d < nd; d++) {
          meta[d] = outShape[d]!;
          meta[nd + d] = cStrides[d]!;
          meta[2 * nd + d] = aStrides[d]!;
          meta[3 * nd + d] = bStrides[d]!;
        }
        N.where(cond, a as FloatArray, b as FloatArray, out as FloatArray, nd, meta);
      } else {
        js.where(cond, cStrides, a, aStrides, b, bStrides, out, outShape);
      }
    },

    reduce(op, x, outer, n, inner, out) {
      if (isFloat(x) && (sameFloat(x, out) || ((op === 'argmax' || op === 'argmin') && out instanceof Int32Array))) {
        N.reduce(REDUCE_CODES[op], x, outer, n, inner, out);
      } else {
        js.reduce(op, x, outer, n, inner, out);
      }
    },

    gemm(g: GemmArgs) {
      const { a, b, c } = g;
      if (sameFloat(a, b) && sameFloat(a, c)) {
        N.gemm((g.transA ? 1 : 0) | (g.transB ? 2 : 0), g.m, g.n, g.k, g.alpha, a as FloatArray, g.aOffset, g.lda,
          b as FloatArray, g.bOffset, g.ldb, g.beta, c as FloatArray, g.cOffset, g.ldc);
      } else {
        js.gemm(g);
      }
    },

    copyStrided(src, offset, strides, shape, dst, dstOffset) {
      const nd = shape.length;
      if (sameFloat(src, dst) && nd <= MAX_DIMS) {
        for (let d = 0; d < nd; d++) {
          meta[d] = shape[d]!;
          meta[nd + d] = strides[d]!;
        }
        N.copyStrided(src as FloatArray, offset, nd, meta, dst as FloatArray, dstOffset);
      } else {
        js.copyStrided(src, offset, strides, shape, dst, dstOffset);
      }
    },

    softmax(x, rows, cols, out, log) {
      if (sameFloat(x, out)) N.softmax(x as FloatArray, rows, cols, out as FloatArray, log);
      else js.softmax(x, rows, cols, out, log);
    },

    activationBackward(kind, y, dy, out) {
      if (sameFloat(y, dy) && sameFloat(y, out)) N.activationBackward(ACTIVATION_CODES[kind], y as FloatArray, dy as FloatArray, out as FloatArray);
      else js.activationBackward(kind, y, dy, out);
    },

    lstmForward(B, H, gates, cPrev, c, h, tanhC) {
      if (sameFloat(gates, cPrev) && sameFloat(gates, c) && sameFloat(gates, h) && sameFloat(gates, tanhC)) {
        N.lstmForward(B, H, gates as FloatArray, cPrev as FloatArray, c as FloatArray, h as FloatArray, tanhC as FloatArray);
      } else {
        js.lstmForward(B, H, gates, cPrev, c, h, tanhC);
      }
    },

    lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates) {
      if (sameFloat(gates, cPrev) && sameFloat(gates, tanhC) && sameFloat(gates, dh) && sameFloat(gates, dc) && sameFloat(gates, dGates)) {
        N.lstmBackward(B, H, gates as FloatArray, cPrev as FloatArray, tanhC as FloatArray, dh as FloatArray, dc as FloatArray, dGates as FloatArray);
      } else {
        js.lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates);
      }
    },

    gruForward(B, H, gi, gh, hPrev, h) {
      if (sameFloat(gi, gh) && sameFloat(gi, hPrev) && sameFloat(gi, h)) {
        N.gruForward(B, H, gi as FloatArray, gh as FloatArray, hPrev as FloatArray, h as FloatArray);
      } else {
        js.gruForward(B, H, gi, gh, hPrev, h);
      }
    },

    gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev) {
      if (sameFloat(gi, gh) && sameFloat(gi, hPrev) && sameFloat(gi, dh) && sameFloat(gi, dGi) && sameFloat(gi, dGh) && sameFloat(gi, dhPrev)) {
        N.gruBackward(B, H, gi as FloatArray, gh as FloatArray, hPrev as FloatArray, dh as FloatArray, dGi as FloatArray, dGh as FloatArray, dhPrev as FloatArray);
      } else {
        js.gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev);
      }
    },

    recurrentForward(a: RecurrentForwardArgs) {
      // mixed dtypes take the step-by-step loop over these kernels
      const g = a.gates;
      const same = (x: TypedArray | null): boolean => x === null || sameFloat(g, x);
      if (!(same(a.wHh) && same(a.bHh) && same(a.gh) && same(a.h) && same(a.c) && same(a.y) && same(a.hPrev) && same(a.cPrev) && same(a.tanhC))) {
        recurrentForwardLoop(backend, a);
        return;
      }
      N.recurrentForward(CELL_CODES[a.kind], a.T, a.B, a.H, a.reverse ? 1 : 0, a.gates as FloatArray, a.wHh as FloatArray,
        a.bHh as FloatArray, a.gh as FloatArray | null, a.ghStride, a.h as FloatArray, a.c as FloatArray, a.y as FloatArray,
        a.hPrev as FloatArray | null, a.cPrev as FloatArray | null, a.tanhC as FloatArray | null, a.tanhStride, a.lengths ?? null);
    },

    recurrentBackward(a: RecurrentBackwardArgs) {
      const g = a.gates;
      const same = (x: TypedArray | null): boolean => x === null || sameFloat(g, x);
      if (!(same(a.gh) && same(a.hPrev) && same(a.cPrev) && same(a.tanhC) && same(a.wHh) && same(a.dy) && same(a.dh) && same(a.dc) && same(a.dGates) && same(a.dGh))) {
        recurrentBackwardLoop(backend, a);
        return;
      }
      N.recurrentBackward(CELL_CODES[a.kind], a.T, a.B, a.H, a.reverse ? 1 : 0, a.gates as FloatArray, a.gh as FloatArray | null,
        a.hPrev as FloatArray, a.cPrev as FloatArray | null, a.tanhC as FloatArray | null, a.wHh as FloatArray, a.dy as FloatArray | null,
        a.dh as FloatArray, a.dc as FloatArray | null, a.dGates as FloatArray, a.dGh as FloatArray | null, a.dhNorms ?? null, a.lengths ?? null);
    },
  };
  return backend;
}
