import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Backend, type BinaryKernel, type GemmArgs, getBackend, jsBackend, listBackends, setBackend, type TypedArray } from '@unroll/tensor';
import { describeBackendConformance, expectClose } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { Arena, ArenaFullError } from './arena.js';
import { initWasmBackend, isWasmAvailable, registerWasmBackend, resetWasmStats, wasmBackend, wasmMemoryBytes, wasmStats } from './index.js';

describeBackendConformance('wasm', wasmBackend);

const js = jsBackend();

/** Deterministic uniform values in [lo, hi). */
type FloatArray = Float32Array | Float64Array;
type FloatCtor = new (n: number) => FloatArray;

function uniform(Ctor: FloatCtor, n: number, seed: number, lo = -1, hi = 1): FloatArray {
  const a = new Ctor(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = lo + ((s >>> 0) / 2 ** 32) * (hi - lo);
  }
  return a;
}

describe('wasm backend: loading and registration', () => {
  it('is available in this runtime and has a name', () => {
    expect(isWasmAvailable()).toBe(true);
    expect(wasmBackend().name).toBe('wasm');
  });

  it('initWasmBackend() resolves to the same shared backend as wasmBackend()', async () => {
    expect(await initWasmBackend()).toBe(wasmBackend());
  });

  it("registerWasmBackend() registers 'wasm' without selecting it", () => {
    const before = getBackend();
    expect(registerWasmBackend()).toBe(true);
    expect(listBackends()).toContain('wasm');
    expect(getBackend()).toBe(before);
    const be = setBackend('wasm');
    expect(be).toBe(wasmBackend());
    setBackend(before);
  });
});

describe('wasm backend: kernels beyond the conformance suite', () => {
  const be = wasmBackend();

  it('float32 exp, tanh and sigmoid are accurate to 1e-6 relative over their whole range', () => {
    const xs: number[] = [0, -0, 1e-30, -1e-30, 1e-7, -3e-5, Number.NaN, Infinity, -Infinity, 88.7, -87.3, 200, -200];
    for (let i = 0; i <= 20000; i++) xs.push(-90 + (180 * i) / 20000);
    for (let i = 0; i <= 2000; i++) xs.push(-1 + i / 1000); // around the tanh switch at 0.625
    const x = Float32Array.from(xs);
    for (const op of ['exp', 'tanh', 'sigmoid'] as const) {
      const out = new Float32Array(x.length);
      be.unary(op, x, out);
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        const ref = op === 'exp' ? Math.exp(v) : op === 'tanh' ? Math.tanh(v) : 1 / (1 + Math.exp(-v));
        const got = out[i]!;
        if (Number.isNaN(ref)) {
          expect(got, `${op}(${v})`).toBeNaN();
        } else if (!Number.isFinite(ref) || Math.abs(ref) > 3.4e38) {
          expect(got, `${op}(${v})`).toBe(Infinity);
        } else if (Math.abs(ref) < 1e-37) {
          // below float32's normal range: only absolute accuracy is meaningful
          expect(Math.abs(got - ref), `${op}(${v})`).toBeLessThan(1e-37);
        } else {
          expect(Math.abs(got - ref) / Math.abs(ref), `${op}(${v}) = ${got}, expected ${ref}`).toBeLessThan(1e-6);
        }
        if (Object.is(v, -0) && op === 'tanh') expect(Object.is(got, -0)).toBe(true);
      }
    }
  });

  const gemmCase = (dtype: 'f32' | 'f64', transA: boolean, transB: boolean, m: number, n: number, k: number, pad = 0, alpha = 1, beta = 0.5): void => {
    const Ctor: FloatCtor = dtype === 'f32' ? Float32Array : Float64Array;
    const [aRows, aCols] = transA ? [k, m] : [m, k];
    const [bRows, bCols] = transB ? [n, k] : [k, n];
    const lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
    const a = uniform(Ctor, aRows * lda + 3, 1 + m);
    const b = uniform(Ctor, bRows * ldb + 5, 2 + n);
    const c0 = uniform(Ctor, m * ldc + 7, 3 + k);
    const args = (c: TypedArray): GemmArgs => ({ transA, transB, m, n, k, alpha, a, aOffset: 3, lda, b, bOffset: 5, ldb, beta, c, cOffset: 7, ldc });
    const cw = new Ctor(m * ldc + 7);
    cw.set(c0);
    const cj = new Ctor(m * ldc + 7);
    cj.set(c0);
    // the reference reads past the logical end: give it the same arrays
    be.gemm(args(cw));
    js.gemm(args(cj));
    const u = dtype === 'f32' ? 2 ** -24 : 2 ** -53;
    // both results are within the forward error bound of the exact product: twice it apart at most
    const bound = 4 * (k + 4) * u * (Math.abs(alpha) * k + Math.abs(beta)) + 1e-30;
    let worst = 0;
    let at = -1;
    for (let i = 0; i < cw.length; i++) {
      const d = Math.abs(cw[i]! - cj[i]!);
      if (!(d <= worst)) { worst = d; at = i; }
    }
    expect(worst, `gemm ${dtype} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}x${n}x${k} pad=${pad}: worst at ${at}`).toBeLessThanOrEqual(bound);
  };

  it('gemm: in-place B (m <= 64), register-tile edges, blocked k and n, all transposes', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          gemmCase(dtype, transA, transB, 32, 1024 + 3, 256, 0);
          gemmCase(dtype, transA, transB, 64, 77, 300, 2);
          gemmCase(dtype, transA, transB, 65, 9, 513, 0);
          gemmCase(dtype, transA, transB, 3, 1100, 70, 1);
          gemmCase(dtype, transA, transB, 131, 530, 33, 0, -0.5, 0);
        }
      }
    }
  });

  it('gemm: m <= 2 without packing, k beyond the packing workspace, widely padded rows', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        gemmCase('f32', transA, transB, 1, 37, 300_001, 0);
        gemmCase('f64', transA, transB, 2, 5, 1000, 0);
        gemmCase('f32', transA, transB, 40, 20, 30, 500); // stride 500 + width: copied row by row
      }
    }
  });

  it('binary, where and copyStrided on arrays large enough to run in WebAssembly match the reference exactly', () => {
    const ops: BinaryKernel[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
    const cases: [number[], number[], number[], number[], number[]][] = [
      // [outShape, a shape strides..., b strides] with a/b sizes implied
      [[40, 33], [33, 1], [40 * 33], [33, 1], [40 * 33]],
      [[40, 33], [33, 1], [40 * 33], [0, 1], [33]],
      [[40, 33], [0, 1], [33], [33, 1], [40 * 33]],
      [[8, 5, 17], [85, 17, 1], [8 * 85], [0, 1, 0], [5]],
      [[3, 300], [0, 0], [1], [300, 1], [900]],
    ];
    for (const dtype of ['f32', 'f64'] as const) {
      const Ctor: FloatCtor = dtype === 'f32' ? Float32Array : Float64Array;
      for (const [outShape, aStrides, [aLen], bStrides, [bLen]] of cases) {
        const total = outShape.reduce((p, v) => p * v, 1);
        const a = uniform(Ctor, aLen!, 7, -3, 3);
        const b = uniform(Ctor, bLen!, 8, -3, 3);
        for (let i = 0; i < a.length; i += 7) a[i] = Math.round(a[i]!); // ties for comparisons
        for (let i = 0; i < b.length; i += 5) b[i] = Math.round(b[i]!);
        a[3] = Number.NaN;
        for (const op of ops) {
          const cmp = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op);
          const aa = op === 'pow' ? a.map((v) => Math.abs(v)) : a;
          const outW = cmp ? new Int32Array(total) : new Ctor(total);
          const outJ = cmp ? new Int32Array(total) : new Ctor(total);
          be.binary(op, aa, aStrides, b, bStrides, outW, outShape);
          js.binary(op, aa, aStrides, b, bStrides, outJ, outShape);
          if (op === 'pow') expectClose(outW, outJ, { atol: 0, rtol: dtype === 'f32' ? 1e-7 : 1e-15, label: `pow ${dtype}` });
          else expect(Array.from(outW), `${op} ${dtype} (${outShape})`).toEqual(Array.from(outJ));
        }
        const cond = new Int32Array(total).map((_, i) => (i * 7) % 3);
        const outW = new Ctor(total);
        const outJ = new Ctor(total);
        const cStrides = outShape.map((_, d) => outShape.slice(d + 1).reduce((p, v) => p * v, 1));
        be.where(cond, cStrides, a, aStrides, b, bStrides, outW, outShape);
        js.where(cond, cStrides, a, aStrides, b, bStrides, outJ, outShape);
        expect(Array.from(outW)).toEqual(Array.from(outJ));
      }
      // copyStrided: a transpose (the 4x4 register path for float32), a reversed and a stepped view
      const src = uniform(Ctor, 301 * 257, 9);
      for (const [offset, strides, shape] of [
        [0, [1, 301], [301, 257]], [0, [1, 301], [299, 255]], [301 * 257 - 1, [-301, -1], [257, 301]], [5, [602, 2], [100, 250]],
      ] as const) {
        const total = shape[0] * shape[1];
        const outW = new Ctor(total + 4).fill(-1);
        const outJ = new Ctor(total + 4).fill(-1);
        be.copyStrided(src, offset, strides, shape, outW, 2);
        js.copyStrided(src, offset, strides, shape, outJ, 2);
        expect(Array.from(outW), `copyStrided (${shape}) strides (${strides})`).toEqual(Array.from(outJ));
      }
    }
  });

  it('int32 and mixed-dtype calls go to the reference backend', () => {
    resetWasmStats();
    const a = new Int32Array(300).map((_, i) => i - 150);
    const out = new Int32Array(300);
    be.unary('abs', a, out);
    expect(out[0]).toBe(150);
    const f = new Float32Array(300);
    be.unary('exp', a, f); // int32 in, float32 out
    expect(f[150]).toBe(1);
    expect(wasmStats().delegated).toBe(2);
  });

  it('LSTM and GRU steps agree with the reference backend (H not a multiple of 4)', () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const Ctor: FloatCtor = dtype === 'f32' ? Float32Array : Float64Array;
      const tol = dtype === 'f32' ? { atol: 2e-6, rtol: 1e-5 } : { atol: 1e-13, rtol: 1e-12 };
      const B = 3, H = 13;
      const run = (b: Backend) => {
        const gates = uniform(Ctor, 4 * B * H, 11, -4, 4);
        const cPrev = uniform(Ctor, B * H, 12, -2, 2);
        const c = new Ctor(B * H), h = new Ctor(B * H), tanhC = new Ctor(B * H);
        b.lstmForward(B, H, gates, cPrev, c, h, tanhC);
        const dh = uniform(Ctor, B * H, 13), dc = uniform(Ctor, B * H, 14), dGates = new Ctor(4 * B * H);
        b.lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates);
        const gi = uniform(Ctor, 3 * B * H, 15, -3, 3), gh = uniform(Ctor, 3 * B * H, 16, -3, 3), hPrev = uniform(Ctor, B * H, 17);
        const hg = new Ctor(B * H);
        b.gruForward(B, H, gi, gh, hPrev, hg);
        const dGi = new Ctor(3 * B * H), dGh = new Ctor(3 * B * H), dhPrev = uniform(Ctor, B * H, 18);
        b.gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev);
        return { gates, c, h, tanhC, dGates, dc, gi, hg, dGi, dGh, dhPrev };
      };
      const w = run(be);
      const j = run(js);
      for (const key of Object.keys(w) as (keyof typeof w)[]) expectClose(w[key], j[key], { ...tol, label: `${dtype} ${key}` });
    }
  });
});

describe('wasm backend: memory', () => {
  it('the arena reuses its space each call and reports when it cannot grow', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 3 });
    const arena = new Arena(memory, 100);
    const p = arena.alloc(10);
    expect(p % 64).toBe(0);
    expect(arena.alloc(100_000)).toBeGreaterThan(p);
    expect(arena.byteLength).toBe(2 * 65536);
    arena.reset();
    expect(arena.alloc(10)).toBe(p);
    expect(() => arena.alloc(300_000)).toThrow(ArenaFullError);
  });

  it('withReadOnly: a weight read by every step of a loop is copied in once, and released after', () => {
    const be = wasmBackend();
    const B = 2, H = 48, G = 4 * H, T = 20;
    const w = uniform(Float32Array, G * H, 31, -0.2, 0.2);
    const h = uniform(Float32Array, B * H, 32);
    const step = (b: Backend, out: Float32Array, t: number): void =>
      b.gemm({ transA: false, transB: true, m: B, n: G, k: H, alpha: 1, a: h, aOffset: 0, lda: H, b: w, bOffset: 0, ldb: H, beta: t === 0 ? 0 : 1, c: out, cOffset: 0, ldc: G });
    const loop = (b: Backend): { out: Float32Array; bytesIn: number } => {
      const out = new Float32Array(B * G);
      resetWasmStats();
      for (let t = 0; t < T; t++) step(b, out, t);
      // also the other orientation (backward's dGates W_hh) and an offset into the pinned array
      b.gemm({ transA: false, transB: false, m: 1, n: H, k: G - 4, alpha: 1, a: out, aOffset: 4, lda: G, b: w, bOffset: 4 * H, ldb: H, beta: 0, c: h.subarray(0, H).slice(), cOffset: 0, ldc: H });
      return { out, bytesIn: wasmStats().bytesIn };
    };
    const plain = loop(be);
    let pinned: { out: Float32Array; bytesIn: number } = { out: new Float32Array(0), bytesIn: 0 };
    be.withReadOnly!([w], () => {
      pinned = loop(be);
    });
    const ref = new Float32Array(B * G);
    for (let t = 0; t < T; t++) step(js, ref, t);
    expect(Array.from(pinned.out)).toEqual(Array.from(plain.out));
    expectClose(pinned.out, ref, { atol: 1e-5, rtol: 1e-5 });
    // pinned, no call copies w (nor the (G-4,H) block of it the last product reads): only h and C
    expect(plain.bytesIn - pinned.bytesIn).toBe(T * w.byteLength + (G - 4) * H * 4);
    // released: a changed w is seen again, and nested calls keep the outer pin
    w[0] = w[0]! + 1;
    const after = new Float32Array(B * G);
    step(be, after, 0);
    const refAfter = new Float32Array(B * G);
    step(js, refAfter, 0);
    expectClose(after, refAfter, { atol: 1e-5, rtol: 1e-5 });
    expect(be.withReadOnly!([w], () => be.withReadOnly!([h], () => 7))).toBe(7);
  });

  it('stays flat over 1,000 gemm + gate calls (the arena is reused, never grown per call)', () => {
    const be = wasmBackend();
    const B = 32, H = 64, G = 4 * H;
    const w = uniform(Float32Array, G * H, 21, -0.1, 0.1);
    const h = uniform(Float32Array, B * H, 22);
    const gates = new Float32Array(B * G);
    const c = new Float32Array(B * H), hNew = new Float32Array(B * H), tanhC = new Float32Array(B * H);
    const cPrev = new Float32Array(B * H);
    const dGates = new Float32Array(B * G), dh = new Float32Array(B * H), dhPrev = new Float32Array(B * H);
    const step = (i: number): void => {
      gates.fill(0.01 * (i % 7));
      be.gemm({ transA: false, transB: true, m: B, n: G, k: H, alpha: 1, a: h, aOffset: 0, lda: H, b: w, bOffset: 0, ldb: H, beta: 1, c: gates, cOffset: 0, ldc: G });
      be.lstmForward(B, H, gates, cPrev, c, hNew, tanhC);
      dh.set(hNew);
      be.lstmBackward(B, H, gates, cPrev, tanhC, dh, cPrev, dGates);
      be.gemm({ transA: false, transB: false, m: B, n: H, k: G, alpha: 1, a: dGates, aOffset: 0, lda: G, b: w, bOffset: 0, ldb: H, beta: 0, c: dhPrev, cOffset: 0, ldc: H });
      cPrev.set(c);
      h.set(hNew);
    };
    for (let i = 0; i < 10; i++) step(i);
    const after10 = wasmMemoryBytes();
    expect(after10).toBeGreaterThan(0);
    for (let i = 10; i < 1000; i++) step(i);
    expect(wasmMemoryBytes()).toBe(after10);
    expect(hNew.every(Number.isFinite)).toBe(true);
  });
});

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const hasCompiler = existsSync(join(pkg, 'node_modules', 'assemblyscript', 'package.json'));

describe('generated kernels', () => {
  it.skipIf(!hasCompiler)('src/generated/kernels.wasm.ts matches a fresh compile of assembly/ (else: pnpm run build:wasm)', () => {
    const r = spawnSync(process.execPath, [join(pkg, 'scripts', 'build-wasm.mjs'), '--check'], { cwd: pkg, encoding: 'utf8', timeout: 170_000 });
    expect(r.stderr + r.stdout).toContain('matches');
    expect(r.status).toBe(0);
  }, 180_000);
});
