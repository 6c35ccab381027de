import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnrollError } from '@unroll/tensor';

/** Float arrays the addon works on in place. */
export type FloatArray = Float32Array | Float64Array;
/** Any array a kernel accepts (Int32Array only where documented). */
export type AnyArray = Float32Array | Float64Array | Int32Array;

/** Instruction-set levels of the addon, from fastest to most portable. */
export type SimdLevel = 'avx512' | 'avx2' | 'scalar';

/** What the loaded addon runs on. */
export interface NativeInfo {
  /** The instruction set the kernels use now. */
  simd: SimdLevel;
  /** The best instruction set this CPU and build support (`setSimdLevel('auto')` picks it). */
  best: SimdLevel;
  /** Threads (the calling one included) that large matrix products are split over. */
  threads: number;
  /**
   * 'tuned': glibc serves blocks up to 32 MiB from its heap and keeps freed memory (set when the
   * addon loads; see the README); 'system': glibc's defaults (UNROLL_NATIVE_SYSTEM_MALLOC=1, or
   * not glibc).
   */
  malloc: 'tuned' | 'system';
}

/** @internal The functions of build/Release/unroll_native.node (see src/native/addon.cc). */
export interface NativeAddon {
  gemm(flags: number, m: number, n: number, k: number, alpha: number, a: FloatArray, aOffset: number, lda: number,
    b: FloatArray, bOffset: number, ldb: number, beta: number, c: FloatArray, cOffset: number, ldc: number): void;
  unary(op: number, x: FloatArray, out: FloatArray, p0: number, p1: number): void;
  binary(op: number, a: FloatArray, b: FloatArray, out: AnyArray, nd: number, meta: Float64Array): void;
  where(cond: AnyArray, a: FloatArray, b: FloatArray, out: FloatArray, nd: number, meta: Float64Array): void;
  reduce(op: number, x: FloatArray, outer: number, n: number, inner: number, out: AnyArray): void;
  copyStrided(src: FloatArray, offset: number, nd: number, meta: Float64Array, dst: FloatArray, dstOffset: number): void;
  softmax(x: FloatArray, rows: number, cols: number, out: FloatArray, log: boolean): void;
  activationBackward(kind: number, y: FloatArray, dy: FloatArray, out: FloatArray): void;
  lstmForward(B: number, H: number, gates: FloatArray, cPrev: FloatArray, c: FloatArray, h: FloatArray, tanhC: FloatArray): void;
  lstmBackward(B: number, H: number, gates: FloatArray, cPrev: FloatArray, tanhC: FloatArray, dh: FloatArray, dc: FloatArray, dGates: FloatArray): void;
  gruForward(B: number, H: number, gi: FloatArray, gh: FloatArray, hPrev: FloatArray, h: FloatArray): void;
  gruBackward(B: number, H: number, gi: FloatArray, gh: FloatArray, hPrev: FloatArray, dh: FloatArray, dGi: FloatArray, dGh: FloatArray, dhPrev: FloatArray): void;
  recurrentForward(kind: number, T: number, B: number, H: number, reverse: number, gates: FloatArray, wHh: FloatArray, bHh: FloatArray,
    gh: FloatArray | null, ghStride: number, h: FloatArray, c: FloatArray, y: FloatArray, hPrev: FloatArray | null,
    cPrev: FloatArray | null, tanhC: FloatArray | null, tanhStride: number, lengths: Int32Array | null): void;
  recurrentBackward(kind: number, T: number, B: number, H: number, reverse: number, gates: FloatArray, gh: FloatArray | null,
    hPrev: FloatArray, cPrev: FloatArray | null, tanhC: FloatArray | null, wHh: FloatArray, dy: FloatArray | null, dh: FloatArray,
    dc: FloatArray | null, dGates: FloatArray, dGh: FloatArray | null, dhNorms: Float64Array | null, lengths: Int32Array | null): void;
  info(): NativeInfo;
  setSimd(level: string): NativeInfo;
  setThreads(n: number): NativeInfo;
}

/**
 * The native addon could not be loaded (not built: no C++ toolchain at install time, a Node.js
 * ABI mismatch, an unsupported platform). The message says how to build it.
 */
export class NativeBackendError extends UnrollError {}

const PACKAGE_NAME = '@unroll/backend-native';
const ADDON_FILE = join('build', 'Release', 'unroll_native.node');

/** The package's root folder, found from this module's location (src/ or dist/). */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 5; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return resolve(here, '..');
}

let loaded: { addon?: NativeAddon; error?: NativeBackendError } | undefined;

/**
 * @internal Loads the addon once (`UNROLL_NATIVE_ADDON` may name another .node file).
 * Returns undefined and remembers why when it cannot be loaded.
 */
export function loadAddon(): { addon?: NativeAddon; error?: NativeBackendError } {
  if (loaded) return loaded;
  const fromEnv = typeof process !== 'undefined' ? process.env.UNROLL_NATIVE_ADDON : undefined;
  const path = fromEnv || join(packageRoot(), ADDON_FILE);
  try {
    const require = createRequire(import.meta.url);
    loaded = { addon: require(path) as NativeAddon };
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    loaded = {
      error: new NativeBackendError(
        `nativeBackend: the native addon could not be loaded from ${path} (${reason}). ` +
          'It is compiled when the package is installed, which needs a C++17 compiler, Python 3 and make; ' +
          `run \`pnpm --filter ${PACKAGE_NAME} run build:native\` to build it and see the compiler output, ` +
          "or use the 'js' backend.",
      ),
    };
  }
  return loaded;
}

/** @internal The addon, or throws NativeBackendError. */
export function requireAddon(): NativeAddon {
  const r = loadAddon();
  if (!r.addon) throw r.error!;
  return r.addon;
}
