// Entry point of the kernel module (compiled by scripts/build-wasm.mjs with AssemblyScript).
//
// Every kernel works on byte addresses in this module's linear memory. The module allocates
// nothing: the JS side (src/arena.ts) places inputs, outputs and workspaces in one growable
// arena above heapBase() and copies results out. Names ending in F32/F64 take float32/float64
// data; integer arguments are i32, booleans are i32 0/1.

import { gemm, gemmWorkBytes } from './gemm';
import { activationBackward, binary, copyStrided, unaryF32, unaryF64, where } from './elementwise';
import { reduce, softmax } from './reduce';
import { gruBackward, gruForwardF32, gruForwardF64, lstmBackward, lstmForwardF32, lstmForwardF64 } from './recurrent';

/** First free byte after the module's static data (16-byte aligned). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

export function gemmWorkBytesF32(): usize { return gemmWorkBytes<f32>(); }
export function gemmWorkBytesF64(): usize { return gemmWorkBytes<f64>(); }

export function gemmF32(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize): void {
  gemm<f32>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}
export function gemmF64(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f64, a: usize, lda: i32, b: usize, ldb: i32, beta: f64, c: usize, ldc: i32, work: usize): void {
  gemm<f64>(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work);
}

export { unaryF32, unaryF64 };

export function binaryF32(op: i32, a: usize, b: usize, out: usize, outInt: bool, nd: i32, shape: usize, aStrides: usize, bStrides: usize, idx: usize): void {
  binary<f32>(op, a, b, out, outInt, nd, shape, aStrides, bStrides, idx);
}
export function binaryF64(op: i32, a: usize, b: usize, out: usize, outInt: bool, nd: i32, shape: usize, aStrides: usize, bStrides: usize, idx: usize): void {
  binary<f64>(op, a, b, out, outInt, nd, shape, aStrides, bStrides, idx);
}

export function whereF32(condInt: bool, cond: usize, a: usize, b: usize, out: usize, nd: i32, shape: usize, cStrides: usize, aStrides: usize, bStrides: usize, idx: usize): void {
  where<f32>(condInt, cond, a, b, out, nd, shape, cStrides, aStrides, bStrides, idx);
}
export function whereF64(condInt: bool, cond: usize, a: usize, b: usize, out: usize, nd: i32, shape: usize, cStrides: usize, aStrides: usize, bStrides: usize, idx: usize): void {
  where<f64>(condInt, cond, a, b, out, nd, shape, cStrides, aStrides, bStrides, idx);
}

export function copyStridedF32(src: usize, nd: i32, shape: usize, strides: usize, dst: usize, idx: usize): void {
  copyStrided<f32>(src, nd, shape, strides, dst, idx);
}
export function copyStridedF64(src: usize, nd: i32, shape: usize, strides: usize, dst: usize, idx: usize): void {
  copyStrided<f64>(src, nd, shape, strides, dst, idx);
}

export function reduceF32(op: i32, x: usize, outer: i32, n: i32, inner: i32, out: usize, work: usize): void {
  reduce<f32>(op, x, outer, n, inner, out, work);
}
export function reduceF64(op: i32, x: usize, outer: i32, n: i32, inner: i32, out: usize, work: usize): void {
  reduce<f64>(op, x, outer, n, inner, out, work);
}

export function softmaxF32(x: usize, rows: i32, cols: i32, out: usize, log: bool): void {
  softmax<f32>(x, rows, cols, out, log);
}
export function softmaxF64(x: usize, rows: i32, cols: i32, out: usize, log: bool): void {
  softmax<f64>(x, rows, cols, out, log);
}

export function activationBackwardF32(kind: i32, y: usize, dy: usize, out: usize, n: i32): void {
  activationBackward<f32>(kind, y, dy, out, n);
}
export function activationBackwardF64(kind: i32, y: usize, dy: usize, out: usize, n: i32): void {
  activationBackward<f64>(kind, y, dy, out, n);
}

export { lstmForwardF32, lstmForwardF64, gruForwardF32, gruForwardF64 };

export function lstmBackwardF32(B: i32, H: i32, gates: usize, cPrev: usize, tanhC: usize, dh: usize, dc: usize, dGates: usize): void {
  lstmBackward<f32>(B, H, gates, cPrev, tanhC, dh, dc, dGates);
}
export function lstmBackwardF64(B: i32, H: i32, gates: usize, cPrev: usize, tanhC: usize, dh: usize, dc: usize, dGates: usize): void {
  lstmBackward<f64>(B, H, gates, cPrev, tanhC, dh, dc, dGates);
}

export function gruBackwardF32(B: i32, H: i32, gi: usize, gh: usize, hPrev: usize, dh: usize, dGi: usize, dGh: usize, dhPrev: usize): void {
  gruBackward<f32>(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev);
}
export function gruBackwardF64(B: i32, H: i32, gi: usize, gh: usize, hPrev: usize, dh: usize, dGi: usize, dGh: usize, dhPrev: usize): void {
  gruBackward<f64>(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev);
}
