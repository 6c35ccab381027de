/**
 * @internal Test support for simd-dispatch.test.ts: one fixed, seeded set of kernel calls (gemm
 * on every path including the threaded and few-row ones, the vectorised float32 exp/tanh/sigmoid,
 * LSTM/GRU gates forward and backward, the recurrent time loop, softmax, reductions), run on any
 * backend. The test runs it on the native backend in child processes started with
 * UNROLL_NATIVE_SIMD=avx512|avx2|scalar and on the JS backend in its own process, and compares.
 * Odd sizes leave a tail after every vector width (16, 8, 4 lanes).
 *
 * @example
 * ```ts
 * import { jsBackend } from '@unroll/tensor';
 * import { runKernelCases } from './simd-cases.js';
 * const results = runKernelCases(jsBackend()); // { 'float32 gemm 37x45x70 NN': { values, tol }, ... }
 * ```
 */
import { type Backend, Generator, recurrentForwardLoop, type TypedArray } from '@unroll/tensor';
import { CONFORMANCE_TOLERANCES } from '@unroll/tensor/testing';

type FloatDType = 'float32' | 'float64';

/** One case's output (flattened) and the tolerance of a comparison with the reference backend. */
export interface KernelCaseResult {
  values: number[];
  tol: { atol: number; rtol: number };
}

function uniform(dtype: FloatDType, n: number, g: Generator, lo = -1, hi = 1): Float32Array | Float64Array {
  const a = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * g.random();
  return a;
}

/**
 * Runs every case on `be` (inputs from fixed seeds, so every process builds the same ones) and
 * returns the outputs by case name.
 */
export function runKernelCases(be: Backend): Record<string, KernelCaseResult> {
  const out: Record<string, KernelCaseResult> = {};
  const put = (name: string, tol: { atol: number; rtol: number }, ...arrays: TypedArray[]) => {
    out[name] = { values: arrays.flatMap((a) => Array.from(a)), tol: { atol: tol.atol, rtol: tol.rtol } };
  };
  for (const dtype of ['float32', 'float64'] as const) {
    const g = new Generator(dtype === 'float32' ? 41 : 42);
    const alloc = (n: number) => (dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
    const elementwise = CONFORMANCE_TOLERANCES.elementwise[dtype];
    const u = CONFORMANCE_TOLERANCES.gemmUnitRoundoff[dtype];

    // gemm: register-blocked tiles with ragged edges, the few-rows transposed-B path, the batch-1
    // split over threads (1 x 1030 x 256) and the threaded large product (150 x 300 x 70 > 2^21).
    // Entries are in [-1, 1], so sum |a b| <= k: the classic bound 2 (k + 4) u k on each element.
    for (const [m, n, k, transA, transB] of [
      [37, 45, 70, false, false], [37, 45, 70, true, false], [37, 45, 70, false, true], [37, 45, 70, true, true],
      [3, 300, 64, false, true], [1, 1030, 256, false, true], [150, 300, 70, false, false],
    ] as const) {
      const a = uniform(dtype, m * k, g), b = uniform(dtype, k * n, g), c = uniform(dtype, m * n, g);
      be.gemm({ transA, transB, m, n, k, alpha: 0.75, a, aOffset: 0, lda: transA ? m : k, b, bOffset: 0, ldb: transB ? k : n, beta: 0.5, c, cOffset: 0, ldc: n });
      put(`${dtype} gemm ${m}x${n}x${k} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`, { atol: 2 * (k + 4) * u * (k + 1), rtol: 0 }, c);
    }

    // elementwise over 1001 values (a tail after every vector width), covering exp's overflow and
    // underflow range and tanh/sigmoid saturation
    const x = uniform(dtype, 1001, g, -12, 12);
    for (const op of ['exp', 'tanh', 'sigmoid', 'relu', 'abs', 'square'] as const) {
      const o = alloc(x.length);
      be.unary(op, x, o);
      put(`${dtype} unary ${op}`, elementwise, o);
    }
    const pos = uniform(dtype, 1001, g, 1e-3, 50);
    for (const op of ['log', 'sqrt'] as const) {
      const o = alloc(pos.length);
      be.unary(op, pos, o);
      put(`${dtype} unary ${op}`, elementwise, o);
    }
    const row = uniform(dtype, 143, g, -3, 3), mat = uniform(dtype, 7 * 143, g, -3, 3);
    for (const op of ['add', 'mul', 'div', 'maximum'] as const) {
      const o = alloc(mat.length);
      be.binary(op, mat, [143, 1], row, [0, 1], o, [7, 143]);
      put(`${dtype} binary ${op} (row broadcast)`, elementwise, o);
    }
    for (const kind of ['tanh', 'sigmoid', 'relu'] as const) {
      const o = alloc(x.length);
      be.activationBackward(kind, x, uniform(dtype, x.length, g), o);
      put(`${dtype} activationBackward ${kind}`, elementwise, o);
    }
    for (const log of [false, true]) {
      const o = alloc(mat.length);
      be.softmax(mat, 7, 143, o, log);
      put(`${dtype} softmax log=${log}`, CONFORMANCE_TOLERANCES.softmax[dtype], o);
    }
    const reduceTol = CONFORMANCE_TOLERANCES.reduce[dtype];
    for (const op of ['sum', 'max', 'logsumexp'] as const) {
      const o = alloc(7);
      be.reduce(op, mat, 7, 143, 1, o);
      put(`${dtype} reduce ${op}`, op === 'max' ? { atol: 0, rtol: 0 } : { atol: reduceTol.perElement * 143 * 3, rtol: reduceTol.rtol }, o);
    }

    // LSTM and GRU gates at B = 3, H = 37, forward and backward
    const B = 3, H = 37;
    const gates = uniform(dtype, 4 * B * H, g, -4, 4), cPrev = uniform(dtype, B * H, g, -2, 2);
    const c = alloc(B * H), h = alloc(B * H), tanhC = alloc(B * H);
    be.lstmForward(B, H, gates, cPrev, c, h, tanhC);
    const dh = uniform(dtype, B * H, g), dc = uniform(dtype, B * H, g), dGates = alloc(4 * B * H);
    be.lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates);
    put(`${dtype} lstm gates forward and backward`, elementwise, gates, c, h, tanhC, dc, dGates);
    const gi = uniform(dtype, 3 * B * H, g, -3, 3), gh = uniform(dtype, 3 * B * H, g, -3, 3), hPrev = uniform(dtype, B * H, g);
    const hNew = alloc(B * H);
    be.gruForward(B, H, gi, gh, hPrev, hNew);
    const dGi = alloc(3 * B * H), dGh = alloc(3 * B * H), dhPrev = uniform(dtype, B * H, g), dhGru = uniform(dtype, B * H, g);
    be.gruBackward(B, H, gi, gh, hPrev, dhGru, dGi, dGh, dhPrev);
    put(`${dtype} gru gates forward and backward`, elementwise, gi, hNew, dGi, dGh, dhPrev);

    // the recurrent time loop (in one call where the backend has it): T = 6 steps of an LSTM;
    // float32 rounding accumulates over the steps (the tolerance of native.test.ts's loop test)
    const T = 6, G = 4 * H;
    const args = {
      kind: 'lstm' as const, T, B, H, reverse: false, gates: uniform(dtype, T * B * G, g, -2, 2),
      wHh: uniform(dtype, G * H, g, -0.3, 0.3), bHh: uniform(dtype, G, g), gh: null, ghStride: 0,
      h: uniform(dtype, B * H, g), c: uniform(dtype, B * H, g), y: alloc(T * B * H),
      hPrev: alloc(T * B * H), cPrev: alloc(T * B * H), tanhC: alloc(T * B * H), tanhStride: B * H,
    };
    if (be.recurrentForward) be.recurrentForward(args);
    else recurrentForwardLoop(be, args);
    put(`${dtype} recurrentForward lstm T=${T}`, dtype === 'float64' ? elementwise : { atol: 1e-4, rtol: 1e-3 }, args.y, args.h, args.c);
  }
  return out;
}
