import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Backend, CELL_KINDS, type GemmArgs, Generator, gateWidth, getBackend, jsBackend, listBackends, type RecurrentBackwardArgs,
  type RecurrentForwardArgs, recurrentBackwardLoop, recurrentForwardLoop, setBackend, type TypedArray,
} from '@unroll/tensor';
import { describeBackendConformance, expectClose } from '@unroll/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isNativeAvailable, nativeBackend, nativeInfo, registerNativeBackend, type SimdLevel, setNativeThreads, setSimdLevel,
} from './index.js';
import { CELL_CODES } from './ops.js';

// The addon must be built: a missing build fails this file loudly (the tests below throw the
// NativeBackendError that says how to build it). UNROLL_SKIP_NATIVE=1 skips everything instead,
// for machines without a C++ toolchain.
const SKIP = process.env.UNROLL_SKIP_NATIVE === '1';
const LEVELS: readonly SimdLevel[] = ['avx512', 'avx2', 'scalar'];

/** The levels this CPU runs, best first (the best alone when the addon does not load, so that it fails). */
function levelsToTest(): SimdLevel[] {
  if (!isNativeAvailable()) return ['avx512'];
  const best = nativeInfo().best;
  return LEVELS.slice(LEVELS.indexOf(best));
}

function uniform(f64: boolean, n: number, g: Generator, lo = -1, hi = 1): Float32Array | Float64Array {
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * g.random();
  return a;
}

/** A gemm case with NaN-filled padding around every operand and offsets. */
function gemmCase(g: Generator, f64: boolean, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number, pad: number): GemmArgs {
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const store = (rows: number, cols: number, ld: number, off: number): Float32Array | Float64Array => {
    const buf = uniform(f64, off + rows * ld + 3, g).fill(Number.NaN);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) buf[off + i * ld + j] = -1 + 2 * g.random();
    return buf;
  };
  const lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
  return {
    transA, transB, m, n, k, alpha, beta,
    a: store(aRows, aCols, lda, pad), aOffset: pad, lda,
    b: store(bRows, bCols, ldb, 2 * pad), bOffset: 2 * pad, ldb,
    c: store(m, n, ldc, 3 * pad), cOffset: 3 * pad, ldc,
  };
}

/** float64 reference of a gemm case (with beta = 0 ignoring C) and the classic error bound. */
function gemmReference(args: GemmArgs, u: number): { expected: Float64Array; bound: Float64Array } {
  const { m, n, k, a, b, c, aOffset, bOffset, cOffset, lda, ldb, ldc, transA, transB, alpha, beta } = args;
  const expected = Float64Array.from(c);
  const bound = new Float64Array(c.length);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, mag = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * lda + i]! : a[aOffset + i * lda + p]!;
        const bv = transB ? b[bOffset + j * ldb + p]! : b[bOffset + p * ldb + j]!;
        s += av * bv;
        mag += Math.abs(av * bv);
      }
      const at = cOffset + i * ldc + j;
      const old = beta === 0 ? 0 : c[at]!;
      expected[at] = alpha * s + beta * old;
      bound[at] = 2 * (k + 4) * u * (Math.abs(alpha) * mag + Math.abs(beta * old)) + 1e-30;
    }
  }
  return { expected, bound };
}

function expectWithin(actual: ArrayLike<number>, { expected, bound }: { expected: Float64Array; bound: Float64Array }, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!, v = actual[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(v) : Math.abs(v - e) <= bound[i]!;
    if (!ok) throw new Error(`${label}: at [${i}] got ${v}, expected ${e} (allowed ${bound[i]})`);
  }
}

if (SKIP) {
  describe.skip('native backend (skipped: UNROLL_SKIP_NATIVE=1)', () => {
    it('is not tested', () => {});
  });
} else {
  describe('native addon', () => {
    it('is built and loads (build it with `pnpm --filter @unroll/backend-native run build:native`)', () => {
      // throws the NativeBackendError that explains how to build the addon when it is missing
      expect(nativeBackend().name).toBe('native');
      expect(isNativeAvailable()).toBe(true);
    });

    it('reports its instruction set and threads; setSimdLevel caps at what the CPU supports', () => {
      const info = nativeInfo();
      expect(LEVELS).toContain(info.simd);
      expect(LEVELS).toContain(info.best);
      expect(info.threads).toBeGreaterThanOrEqual(1);
      expect(setSimdLevel('scalar').simd).toBe('scalar');
      expect(setSimdLevel('avx512').simd).toBe(info.best === 'avx512' ? 'avx512' : info.best);
      expect(setSimdLevel('auto').simd).toBe(info.best);
      expect(() => setSimdLevel('sse9' as SimdLevel)).toThrow(TypeError);
    });

    it("tunes glibc's malloc when it loads, unless UNROLL_NATIVE_SYSTEM_MALLOC=1", () => {
      const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
      expect(nativeInfo().malloc).toBe(glibc ? 'tuned' : 'system');
      const addon = fileURLToPath(new URL('../build/Release/unroll_native.node', import.meta.url));
      const child = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(addon)}).info().malloc)`], {
        env: { ...process.env, UNROLL_NATIVE_SYSTEM_MALLOC: '1' }, encoding: 'utf8',
      });
      expect(child.stdout.trim()).toBe('system');
    });

    it('registers as the "native" backend', () => {
      expect(registerNativeBackend()).toBe(true);
      expect(listBackends()).toContain('native');
      const previous = getBackend();
      try {
        expect(setBackend('native')).toBe(nativeBackend());
      } finally {
        setBackend(previous);
      }
    });

    it('throws RangeError / TypeError on out-of-bounds or malformed calls instead of touching memory', () => {
      const be = nativeBackend();
      const a = new Float32Array(6), b = new Float32Array(6), c = new Float32Array(4);
      const g: GemmArgs = { transA: false, transB: false, m: 2, n: 2, k: 3, alpha: 1, a, aOffset: 0, lda: 3, b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 };
      expect(() => be.gemm(g)).not.toThrow();
      expect(() => be.gemm({ ...g, lda: 4 })).toThrow(RangeError);
      expect(() => be.gemm({ ...g, cOffset: 1 })).toThrow(RangeError);
      expect(() => be.gemm({ ...g, m: -1 })).toThrow(RangeError);
      expect(() => be.gemm({ ...g, k: 2.5 })).toThrow(RangeError);
      expect(() => be.unary('exp', new Float32Array(5), new Float32Array(4))).toThrow(RangeError);
      expect(() => be.binary('add', new Float32Array(3), [1], new Float32Array(2), [1], new Float32Array(3), [3])).toThrow(RangeError);
      expect(() => be.copyStrided(new Float64Array(10), 3, [-3], [2], new Float64Array(2), 0)).not.toThrow();
      expect(() => be.copyStrided(new Float64Array(10), 3, [-3], [3], new Float64Array(3), 0)).toThrow(RangeError);
      expect(() => be.reduce('sum', new Float32Array(5), 2, 3, 1, new Float32Array(2))).toThrow(RangeError);
      expect(() => be.lstmForward(2, 3, new Float32Array(23), new Float32Array(6), new Float32Array(6), new Float32Array(6), new Float32Array(6))).toThrow(RangeError);
      expect(() => be.unary('nope' as never, new Float32Array(1), new Float32Array(1))).toThrow();
    });

    it('leaves int32 and mixed-dtype calls to the JS backend, with its results', () => {
      const be = nativeBackend();
      const js = jsBackend();
      const g = new Generator(3);
      const a = Int32Array.from({ length: 12 }, () => g.randint(-100, 100));
      const b = Int32Array.from({ length: 4 }, () => g.randint(-100, 100));
      for (const op of ['add', 'mul', 'div', 'pow', 'maximum', 'lt'] as const) {
        const out1 = new Int32Array(12), out2 = new Int32Array(12);
        be.binary(op, a, [4, 1], b, [0, 1], out1, [3, 4]);
        js.binary(op, a, [4, 1], b, [0, 1], out2, [3, 4]);
        expect(Array.from(out1)).toEqual(Array.from(out2));
      }
      const f64 = uniform(true, 12, g);
      const out1 = new Float32Array(12), out2 = new Float32Array(12);
      be.unary('tanh', f64, out1);
      js.unary('tanh', f64, out2);
      expect(Array.from(out1)).toEqual(Array.from(out2));
      const i1 = new Int32Array(4), i2 = new Int32Array(4);
      be.reduce('sum', a, 1, 3, 4, i1);
      js.reduce('sum', a, 1, 3, 4, i2);
      expect(Array.from(i1)).toEqual(Array.from(i2));
      const s1 = new Float32Array(12), s2 = new Float32Array(12);
      be.copyStrided(f64, 0, [1, 3], [3, 4], s1, 0);
      js.copyStrided(f64, 0, [1, 3], [3, 4], s2, 0);
      expect(Array.from(s1)).toEqual(Array.from(s2));
    });
  });

  for (const level of levelsToTest()) {
    const useLevel = (): Backend => {
      setSimdLevel(level);
      return nativeBackend();
    };

    // the shared suite of @unroll/tensor, once per instruction set
    describeBackendConformance(`native (${level})`, useLevel);

    describe(`native (${level}): larger and threaded cases against float64 references`, () => {
      let be: Backend;
      let threads = 2;
      beforeAll(() => {
        be = useLevel();
        threads = nativeInfo().threads;
      });
      afterAll(() => {
        setSimdLevel('auto');
        setNativeThreads(threads);
      });

      it('gemm above the threading threshold and with few rows: every transpose, offsets, lda > width, 1 and 2 threads bitwise equal', () => {
        const g = new Generator(21);
        for (const f64 of [false, true]) {
          const u = f64 ? 2 ** -53 : 2 ** -24;
          // m = 4..64 with a transposed B take the C^T path (B read in place) on some instruction set;
          // 13 rows split over threads leave a 1-row block that must not switch to the dot-product path;
          // 1 to 6 rows against a transposed B (batch-1 inference) split over threads from 2^16 multiply-adds
          for (const [m, n, k] of [[150, 300, 70], [257, 40, 231], [33, 1030, 65], [32, 300, 70], [64, 700, 129], [16, 97, 19], [8, 50, 33], [4, 64, 5], [13, 10, 20000], [1, 1024, 65], [1, 1030, 256], [2, 515, 300], [6, 300, 50]] as const) {
            for (const transA of [false, true]) {
              for (const transB of [false, true]) {
                const args = gemmCase(g, f64, m, n, k, transA, transB, 0.75, transA ? 0.5 : 0, 3);
                const c0 = args.c.slice();
                const ref = gemmReference(args, u);
                setNativeThreads(2);
                be.gemm(args);
                const two = args.c.slice();
                args.c.set(c0);
                setNativeThreads(1);
                be.gemm(args);
                const label = `gemm ${f64 ? 'f64' : 'f32'} ${m}x${n}x${k} transA=${transA} transB=${transB}`;
                expectWithin(args.c, ref, label);
                expect(Array.from(two), `${label}: 2 threads differ from 1`).toEqual(Array.from(args.c));
              }
            }
          }
        }
      });

      it('gemm with 1x1, few rows (dot products), k = 0, alpha = 0 and NaN in C under beta = 0', () => {
        const g = new Generator(22);
        for (const f64 of [false, true]) {
          const u = f64 ? 2 ** -53 : 2 ** -24;
          for (const [m, n, k, alpha, beta] of [[1, 1, 1, 1, 0], [1, 1, 300, -2, 1], [1, 700, 129, 1, 1], [3, 70, 40, 0.5, -1], [6, 33, 17, 1, 0], [5, 7, 0, 1, -1.5], [9, 4, 6, 0, 2], [37, 19, 11, 1, 0]] as const) {
            const args = gemmCase(g, f64, m, n, k, false, true, alpha, beta, 2);
            if (beta === 0) for (let i = 0; i < m; i++) args.c.fill(Number.NaN, args.cOffset + i * args.ldc, args.cOffset + i * args.ldc + n);
            const ref = gemmReference(args, u);
            be.gemm(args);
            expectWithin(args.c, ref, `gemm ${m}x${n}x${k} alpha=${alpha} beta=${beta}`);
          }
        }
      });

      it('float32 exp, tanh and sigmoid are within 1e-6 relative error of Math (NaN, infinities, signed zeros kept)', () => {
        const xs: number[] = [0, -0, Number.NaN, Infinity, -Infinity, 1e-30, -1e-30, 1e-8, 88.5, 88.8, 89, -87, -103, -104, -120, 20, -20, 9.5, -9.5, 0.625, -0.625];
        for (let v = -110; v <= 95; v += 0.0137) xs.push(v);
        for (let v = -1; v <= 1; v += 0.000731) xs.push(v);
        const x = Float32Array.from(xs);
        const out = new Float32Array(x.length);
        for (const [op, f] of [['exp', Math.exp], ['tanh', Math.tanh], ['sigmoid', (v: number) => 1 / (1 + Math.exp(-v))]] as const) {
          be.unary(op, x, out);
          for (let i = 0; i < x.length; i++) {
            const e = Math.fround(f(x[i]!)), v = out[i]!;
            if (Number.isNaN(e)) {
              expect(v, `${op}(${x[i]})`).toBeNaN();
              continue;
            }
            // relative 1e-6 of the float32 result; below float32's normal range the absolute
            // size of one denormal step
            const ok = v === e || Math.abs(v - e) <= 1e-6 * Math.abs(e) + 1.5e-45;
            if (!ok) throw new Error(`${level} ${op}(${x[i]}) = ${v}, expected ${e}`);
            if (op === 'tanh' && e === 0) expect(Object.is(v, e), `tanh(${x[i]}) sign`).toBe(true);
          }
        }
      });

      it('LSTM and GRU steps at B=32, H=256 and odd H match the JS backend', () => {
        const js = jsBackend();
        const g = new Generator(23);
        for (const f64 of [false, true]) {
          const tol = f64 ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-6, rtol: 1e-5 };
          for (const [B, H] of [[32, 256], [3, 37], [1, 1]] as const) {
            const pre = uniform(f64, 4 * B * H, g, -4, 4);
            const cPrev = uniform(f64, B * H, g, -2, 2);
            const run = (b: Backend) => {
              const gates = pre.slice(), c = pre.slice(0, B * H).fill(0), h = c.slice(), tanhC = c.slice();
              b.lstmForward(B, H, gates, cPrev, c, h, tanhC);
              const dh = cPrev.map((v) => v * 0.5 - 0.1), dc = cPrev.map((v) => 0.3 - v * 0.2), dGates = gates.slice().fill(0);
              b.lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates);
              return [gates, c, h, tanhC, dc, dGates];
            };
            const mine = run(be), ref = run(js);
            mine.forEach((arr, i) => {
              expectClose(arr, ref[i]!, { ...tol, label: `lstm ${f64 ? 'f64' : 'f32'} B=${B} H=${H} output ${i}` });
            });

            const gi0 = uniform(f64, 3 * B * H, g, -3, 3), gh = uniform(f64, 3 * B * H, g, -3, 3), hPrev = uniform(f64, B * H, g);
            const runGru = (b: Backend) => {
              const gi = gi0.slice(), h = hPrev.slice().fill(0);
              b.gruForward(B, H, gi, gh, hPrev, h);
              const dh = hPrev.map((v) => 0.7 * v - 0.2), dGi = gi.slice().fill(0), dGh = dGi.slice(), dhPrev = hPrev.map((v) => v * 0.1);
              b.gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev);
              return [gi, h, dGi, dGh, dhPrev];
            };
            const mineG = runGru(be), refG = runGru(js);
            mineG.forEach((arr, i) => {
              expectClose(arr, refG[i]!, { ...tol, label: `gru ${f64 ? 'f64' : 'f32'} B=${B} H=${H} output ${i}` });
            });
          }
        }
      });

      it('recurrentForward and recurrentBackward (the time loops in one call each) equal the same loops run step by step from JS', () => {
        const g = new Generator(25);
        for (const f64 of [false, true]) {
          const alloc = (n: number) => (f64 ? new Float64Array(n) : new Float32Array(n));
          for (const kind of CELL_KINDS) {
            for (const [T, B, H, reverse, save, padded] of [
              [7, 1, 256, false, false, false], [5, 3, 37, true, true, true], [1, 2, 5, false, true, false], [6, 32, 64, true, false, true], [4, 32, 64, false, true, true],
            ] as const) {
              const G = gateWidth(kind, H);
              const gates0 = uniform(f64, T * B * G, g, -2, 2), wHh = uniform(f64, G * H, g, -0.3, 0.3), bHh = uniform(f64, G, g);
              const h0 = uniform(f64, B * H, g), c0 = uniform(f64, B * H, g);
              // padded: row 0 full length, the others shorter (down to 1 step)
              const lengths = padded ? Int32Array.from({ length: B }, (_, b) => (b === 0 ? T : 1 + (b % T))) : undefined;
              const run = (loop: (a: RecurrentForwardArgs) => void) => {
                const a: RecurrentForwardArgs = {
                  kind, T, B, H, reverse, gates: gates0.slice(), wHh, bHh,
                  gh: kind === 'gru' ? alloc((save ? T : 1) * B * G) : null, ghStride: save ? B * G : 0,
                  h: h0.slice(), c: c0.slice(), y: alloc(T * B * H),
                  hPrev: save ? alloc(T * B * H) : null, cPrev: save && kind === 'lstm' ? alloc(T * B * H) : null,
                  tanhC: kind === 'lstm' ? alloc((save ? T : 1) * B * H) : null, tanhStride: save ? B * H : 0, lengths,
                };
                loop(a);
                return a;
              };
              const inOne = run((a) => be.recurrentForward!(a));
              const stepwise = run((a) => recurrentForwardLoop(be, a));
              const label = `${kind} ${f64 ? 'f64' : 'f32'} T=${T} B=${B} H=${H} reverse=${reverse} save=${save} lengths=${padded}`;
              for (const key of ['gates', 'gh', 'h', 'c', 'y', 'hPrev', 'cPrev', 'tanhC'] as const) {
                const x = inOne[key], ref = stepwise[key];
                if (x === null || ref === null) continue;
                expect(Array.from(x), `${label}: ${key}`).toEqual(Array.from(ref));
              }
              // and the reference backend agrees (float32: to accumulated rounding over T steps)
              const onJs = run((a) => recurrentForwardLoop(jsBackend(), a));
              expectClose(inOne.y, onJs.y, { ...(f64 ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-4, rtol: 1e-3 }), label: `${label}: y vs js` });
              if (!save) continue;

              // backward over what that forward saved, with and without an output gradient
              for (const withDy of [true, false]) {
                const dy = withDy ? uniform(f64, T * B * H, g) : null;
                const dhN = uniform(f64, B * H, g), dcN = uniform(f64, B * H, g);
                const runBack = (loop: (a: RecurrentBackwardArgs) => void) => {
                  const a: RecurrentBackwardArgs = {
                    kind, T, B, H, reverse, gates: inOne.gates, gh: inOne.gh, hPrev: inOne.hPrev!, cPrev: inOne.cPrev, tanhC: inOne.tanhC,
                    wHh, dy, dh: dhN.slice(), dc: kind === 'lstm' ? dcN.slice() : null, dGates: alloc(T * B * G).fill(Number.NaN),
                    dGh: kind === 'gru' ? alloc(T * B * G).fill(Number.NaN) : null, dhNorms: new Float64Array(T).fill(Number.NaN), lengths,
                  };
                  loop(a);
                  return a;
                };
                const back = runBack((a) => be.recurrentBackward!(a));
                const backStepwise = runBack((a) => recurrentBackwardLoop(be, a));
                const backLabel = `${label} dy=${withDy}: backward`;
                for (const key of ['dh', 'dc', 'dGates', 'dGh', 'dhNorms'] as const) {
                  const x = back[key], ref = backStepwise[key];
                  if (!x || !ref) continue;
                  expect(Array.from(x).some(Number.isNaN), `${backLabel}: ${key} fully written`).toBe(false);
                  expect(Array.from(x), `${backLabel}: ${key}`).toEqual(Array.from(ref));
                }
                const backJs = runBack((a) => recurrentBackwardLoop(jsBackend(), a));
                expectClose(back.dGates, backJs.dGates, { ...(f64 ? { atol: 1e-11, rtol: 1e-11 } : { atol: 1e-4, rtol: 1e-3 }), label: `${backLabel}: dGates vs js` });
              }
            }
          }
        }
        // bad arguments: a typed error naming what is short or missing
        const f = new Float32Array(8);
        expect(() => nativeBackend().recurrentForward!({
          kind: 'lstm', T: 2, B: 1, H: 1, reverse: false, gates: f, wHh: f, bHh: f, gh: null, ghStride: 0,
          h: f, c: f, y: f, hPrev: null, cPrev: null, tanhC: null, tanhStride: 0,
        })).toThrow('unroll native recurrentForward: tanhC is needed for an LSTM');
        expect(() => nativeBackend().recurrentForward!({
          kind: 'gru', T: 3, B: 1, H: 2, reverse: false, gates: f, wHh: new Float32Array(12), bHh: new Float32Array(6), gh: new Float32Array(6), ghStride: 0,
          h: f, c: f, y: new Float32Array(6), hPrev: null, cPrev: null, tanhC: null, tanhStride: 0,
        })).toThrow('unroll native recurrentForward: gates has 8 elements, 18 needed');
        expect(() => nativeBackend().recurrentForward!({
          kind: 'rnn_tanh', T: 2, B: 3, H: 1, reverse: false, gates: f, wHh: f, bHh: f, gh: null, ghStride: 0,
          h: f, c: f, y: f, hPrev: null, cPrev: null, tanhC: null, tanhStride: 0, lengths: Int32Array.of(2, 1),
        })).toThrow('unroll native recurrentForward: lengths has 2 elements, 3 needed');
        const back: RecurrentBackwardArgs = {
          kind: 'lstm', T: 2, B: 1, H: 1, reverse: false, gates: f, gh: null, hPrev: f, cPrev: f, tanhC: f, wHh: f,
          dy: null, dh: f, dc: f, dGates: f, dGh: null,
        };
        expect(() => nativeBackend().recurrentBackward!(back)).not.toThrow();
        expect(() => nativeBackend().recurrentBackward!({ ...back, dc: null })).toThrow('unroll native recurrentBackward: cPrev, tanhC and dc are needed for an LSTM');
        expect(() => nativeBackend().recurrentBackward!({ ...back, kind: 'gru' })).toThrow('unroll native recurrentBackward: gh and dGh are needed for a GRU');
        expect(() => nativeBackend().recurrentBackward!({ ...back, T: 3 })).toThrow('unroll native recurrentBackward: gates has 8 elements, 12 needed');
        expect(() => nativeBackend().recurrentBackward!({ ...back, dhNorms: new Float64Array(1) })).toThrow('unroll native recurrentBackward: dhNorms has 1 elements, 2 needed');
      });

      it("sequence.h's CellKind enum names CELL_KINDS in order (the codes CELL_CODES passes)", () => {
        const source = readFileSync(fileURLToPath(new URL('./native/sequence.h', import.meta.url)), 'utf8');
        const body = /enum\s+CellKind\s*:\s*int\s*\{([^}]*)\}/.exec(source)?.[1] ?? '';
        const entries = body.split(',').map((e) => e.trim().split(/\s*=\s*/));
        expect(entries.filter(([id]) => id !== 'K_COUNT').map(([id, code]) => `${id}=${code}`)).toEqual(CELL_KINDS.map((k, i) => `K_${k.toUpperCase()}=${i}`));
        expect(CELL_KINDS.map((k) => CELL_CODES[k])).toEqual(CELL_KINDS.map((_, i) => i));
      });

      it('elementwise, where, reduce, softmax and copies of larger arrays match the JS backend', () => {
        const js = jsBackend();
        const g = new Generator(24);
        for (const f64 of [false, true]) {
          const tol = f64 ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-6, rtol: 1e-5 };
          const x = uniform(f64, 70 * 530, g, -5, 5);
          const y = uniform(f64, 530, g, -5, 5);
          const alloc = (n: number): TypedArray => (f64 ? new Float64Array(n) : new Float32Array(n));
          const both = (f: (b: Backend) => TypedArray, label: string, t = tol) => expectClose(f(be), f(js), { ...t, label: `${f64 ? 'f64' : 'f32'} ${label}` });
          for (const op of ['exp', 'tanh', 'sigmoid', 'log', 'sqrt', 'abs', 'relu', 'square', 'sin', 'floor', 'step', 'sign'] as const) {
            both((b) => { const o = alloc(x.length); b.unary(op, x, o); return o; }, `unary ${op}`);
          }
          both((b) => { const o = alloc(x.length); b.unary('pow', x, o, 3); return o; }, 'pow 3');
          both((b) => { const o = alloc(x.length); b.unary('clip', x, o, -1.5, 2.25); return o; }, 'clip');
          for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'] as const) {
            both((b) => { const o = alloc(x.length); b.binary(op, x, [530, 1], y, [0, 1], o, [70, 530]); return o; }, `binary ${op} row broadcast`);
            both((b) => { const o = alloc(x.length); b.binary(op, y, [0, 1], x, [1, 70], o, [70, 530]); return o; }, `binary ${op} transposed`);
          }
          for (const op of ['eq', 'lt', 'ge'] as const) {
            both((b) => { const o = new Int32Array(x.length); b.binary(op, x, [530, 1], y, [0, 1], o, [70, 530]); return o; }, `compare ${op}`);
          }
          both((b) => { const o = alloc(x.length); b.where(x, [530, 1], y, [0, 1], x, [1, 70], o, [70, 530]); return o; }, 'where');
          for (const op of ['sum', 'max', 'min', 'logsumexp'] as const) {
            const t = op === 'sum' || op === 'logsumexp' ? { atol: f64 ? 1e-11 : 1e-4, rtol: 1e-6 } : { atol: 0, rtol: 0 };
            both((b) => { const o = alloc(70); b.reduce(op, x, 70, 530, 1, o); return o; }, `reduce ${op} rows`, t);
            both((b) => { const o = alloc(530); b.reduce(op, x, 1, 70, 530, o); return o; }, `reduce ${op} columns`, t);
            both((b) => { const o = alloc(2 * 530); b.reduce(op, x, 2, 35, 530, o); return o; }, `reduce ${op} middle axis`, t);
          }
          for (const op of ['argmax', 'argmin'] as const) {
            both((b) => { const o = new Int32Array(530); b.reduce(op, x, 1, 70, 530, o); return o; }, op, { atol: 0, rtol: 0 });
          }
          for (const log of [false, true]) {
            both((b) => { const o = alloc(x.length); b.softmax(x, 70, 530, o, log); return o; }, `softmax log=${log}`);
          }
          both((b) => { const o = alloc(x.length); b.copyStrided(x, 0, [1, 70], [530, 70], o, 0); return o; }, 'copy transpose', { atol: 0, rtol: 0 });
          both((b) => { const o = alloc(35 * 530 + 5); b.copyStrided(x, 529, [1060, -1], [35, 530], o, 5); return o; }, 'copy reversed rows', { atol: 0, rtol: 0 });
          for (const kind of ['tanh', 'sigmoid', 'relu'] as const) {
            both((b) => { const o = alloc(x.length); b.activationBackward(kind, x, x, o); return o; }, `activationBackward ${kind}`);
          }
        }
      });
    });
  }
}
