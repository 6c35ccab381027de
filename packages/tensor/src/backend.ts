import { BACKEND_PACKAGES, type Discovery, discoverBackend, type Loader, nodeLoaders } from './backend-discovery.js';
import { jsBackend } from './backends/js/index.js';
import type { TypedArray } from './dtype.js';
import { ArgumentError } from './errors.js';

/** Elementwise unary kernels. `pow` reads `p0` as the exponent; `clip` reads `p0`/`p1` as bounds. */
export type UnaryKernel =
  | 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'sigmoid' | 'relu' | 'sign' | 'square'
  | 'reciprocal' | 'pow' | 'clip' | 'sin' | 'cos' | 'floor' | 'copy' | 'step';

/** Elementwise binary kernels with broadcasting (comparisons write 1 or 0). */
export type BinaryKernel =
  | 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** Reductions over the middle axis of an (outer, n, inner) view. `argmax`/`argmin` write indices. */
export type ReduceKernel = 'sum' | 'max' | 'min' | 'argmax' | 'argmin' | 'logsumexp';

/** Arguments of `gemm`: C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T, row-major. */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  /** Rows of op(A) and C. */
  m: number;
  /** Columns of op(B) and C. */
  n: number;
  /** Columns of op(A), rows of op(B). */
  k: number;
  alpha: number;
  a: TypedArray;
  aOffset: number;
  /** Row stride of A as stored. */
  lda: number;
  b: TypedArray;
  bOffset: number;
  ldb: number;
  beta: number;
  c: TypedArray;
  cOffset: number;
  ldc: number;
}

/**
 * Fused recurrent gate kernels. Each works on one time step for a batch of B rows.
 * Pre-activations `gates` are (B, nG*H) with PyTorch's gate order; they are overwritten by the
 * activated gates, which backward reads.
 */
export interface RecurrentKernels {
  /**
   * LSTM step. gates (B,4H) = x W_ih^T + h W_hh^T + b, order i,f,g,o. In: cPrev (B,H).
   * Out: gates activated in place, c (B,H), h (B,H), tanhC (B,H).
   */
  lstmForward(B: number, H: number, gates: TypedArray, cPrev: TypedArray, c: TypedArray, h: TypedArray, tanhC: TypedArray): void;
  /**
   * LSTM step backward. Reads activated gates, cPrev, tanhC, dh (B,H), dc (B,H) (the gradient
   * flowing into c_t from t+1, updated in place to flow into c_{t-1}); writes dGates (B,4H).
   */
  lstmBackward(B: number, H: number, gates: TypedArray, cPrev: TypedArray, tanhC: TypedArray, dh: TypedArray, dc: TypedArray, dGates: TypedArray): void;
  /**
   * GRU step, PyTorch's formula. gi (B,3H) = x W_ih^T + b_ih; gh (B,3H) = h W_hh^T + b_hh.
   * Writes r,z,n into gi (activated), h (B,H). gh is kept (backward needs its n part).
   */
  gruForward(B: number, H: number, gi: TypedArray, gh: TypedArray, hPrev: TypedArray, h: TypedArray): void;
  /**
   * GRU step backward. Reads activated gi, gh, hPrev, dh (B,H); writes dGi (B,3H), dGh (B,3H)
   * and adds the direct path into dhPrev (B,H) (which the caller then adds dGh W_hh to).
   */
  gruBackward(B: number, H: number, gi: TypedArray, gh: TypedArray, hPrev: TypedArray, dh: TypedArray, dGi: TypedArray, dGh: TypedArray, dhPrev: TypedArray): void;
}

/**
 * Arguments of `recurrentForward`: the forward time loop of one recurrent layer and direction.
 * G = gates * H (LSTM 4H, GRU 3H, RNN H). Row-major arrays, PyTorch's gate order.
 */
export interface RecurrentForwardArgs {
  kind: 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';
  T: number;
  B: number;
  H: number;
  /** Run t = T-1 down to 0. */
  reverse: boolean;
  /** (T,B,G) x W_ih^T plus the biases (GRU: b_ih only), activated in place step by step. */
  gates: TypedArray;
  /** (G,H) */
  wHh: TypedArray;
  /** (G) GRU only: gh = h W_hh^T + b_hh. */
  bHh: TypedArray;
  /** GRU only: gh of each step, (T,B,G) when ghStride = B*G, or one reused (B,G) block when 0. */
  gh: TypedArray | null;
  ghStride: number;
  /** (B,H) the initial state on entry, the final state on return (c: LSTM only). */
  h: TypedArray;
  c: TypedArray;
  /** (T,B,H) the output of every step (zero past a row's length). */
  y: TypedArray;
  /** (T,B,H) the state entering each step (saved for backward), or null. */
  hPrev: TypedArray | null;
  cPrev: TypedArray | null;
  /** LSTM only: tanh(c_t), (T,B,H) when tanhStride = B*H, or one reused (B,H) block when 0. */
  tanhC: TypedArray | null;
  tanhStride: number;
  /** Valid length of each row (padded steps keep the state and output zeros); undefined: all T. */
  lengths?: Int32Array;
}

/**
 * The typed kernel contract between `@unroll/tensor` and a backend. Kernels work on contiguous
 * typed arrays that the caller allocates; a backend never allocates user-visible tensors.
 * Run `runBackendConformance` from `@unroll/tensor/testing` against any implementation.
 *
 * @example
 * ```ts
 * import { getBackend } from '@unroll/tensor';
 * const out = new Float32Array(3);
 * getBackend().unary('exp', new Float32Array([0, 1, 2]), out);
 * ```
 */
export interface Backend extends RecurrentKernels {
  readonly name: string;
  /** out[i] = f(x[i]). x and out have equal length (out may alias x). */
  unary(op: UnaryKernel, x: TypedArray, out: TypedArray, p0?: number, p1?: number): void;
  /** out = a (op) b, reading a and b through broadcast strides (0 on broadcast dims). */
  binary(op: BinaryKernel, a: TypedArray, aStrides: readonly number[], b: TypedArray, bStrides: readonly number[], out: TypedArray, outShape: readonly number[]): void;
  /** out = cond != 0 ? a : b, with broadcast strides. */
  where(cond: TypedArray, cStrides: readonly number[], a: TypedArray, aStrides: readonly number[], b: TypedArray, bStrides: readonly number[], out: TypedArray, outShape: readonly number[]): void;
  /** Reduces the middle axis of x viewed as (outer, n, inner) into out (outer, inner). */
  reduce(op: ReduceKernel, x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void;
  /** C = alpha * op(A) op(B) + beta * C (beta = 0 ignores C's old contents, NaN included). */
  gemm(args: GemmArgs): void;
  /** Copies the strided view (src, offset, strides, shape) into contiguous dst (row-major). */
  copyStrided(src: TypedArray, offset: number, strides: readonly number[], shape: readonly number[], dst: TypedArray, dstOffset: number): void;
  /** Softmax (or log-softmax) over rows of a (rows, cols) matrix. */
  softmax(x: TypedArray, rows: number, cols: number, out: TypedArray, log: boolean): void;
  /** out = dy * f'(x), given y = f(x), for f in tanh, relu, sigmoid (out may alias dy). */
  activationBackward(kind: 'tanh' | 'relu' | 'sigmoid', y: TypedArray, dy: TypedArray, out: TypedArray): void;
  /**
   * Optional. Runs fn with `arrays` promised unchanged until it returns, so that a backend that
   * copies its inputs (WASM) copies each of them once, not on every call that reads it (the
   * recurrent weights inside a time loop). Backends that read arrays in place omit it.
   */
  withReadOnly?<R>(arrays: readonly TypedArray[], fn: () => R): R;
  /**
   * Optional. A recurrent layer's whole forward time loop in one call (the native backend runs it
   * without returning to JavaScript between steps). Without it, callers run
   * `recurrentForwardLoop(backend, args)`, the same loop over this backend's kernels.
   */
  recurrentForward?(args: RecurrentForwardArgs): void;
}

/**
 * Runs fn with `arrays` declared unchanged while it runs: through `be.withReadOnly` where the
 * backend has it (so a backend that copies its inputs copies them once), else fn directly.
 *
 * @example
 * ```ts
 * import { getBackend, readOnlyDuring } from '@unroll/tensor';
 * const w = new Float32Array(16);
 * readOnlyDuring(getBackend(), [w], () => {
 *   // every kernel call here may read w without copying it again
 * });
 * ```
 */
export function readOnlyDuring(be: Backend, arrays: readonly TypedArray[], fn: () => void): void {
  if (be.withReadOnly) be.withReadOnly(arrays, fn);
  else fn();
}

const registry = new Map<string, () => Backend>([['js', jsBackend]]);
let active: Backend | undefined;
let loaders: () => readonly Loader[] = nodeLoaders;
let noted = false;
/** Backends registered because their package was found (forgotten by resetBackend). */
const discovered = new Set<string>();

/**
 * Makes a backend available under its name; `setBackend(name)` then selects it.
 * Registration has no effect on which backend is active.
 *
 * @example
 * ```ts
 * import { jsBackend, registerBackend, setBackend } from '@unroll/tensor';
 * registerBackend('reference', () => jsBackend());
 * setBackend('reference');
 * ```
 */
export function registerBackend(name: string, factory: () => Backend): void {
  registry.set(name, factory);
}

/**
 * Removes a registered backend (not 'js'); the active backend stays active. Returns whether the
 * name was registered.
 *
 * @example
 * ```ts
 * import { jsBackend, listBackends, registerBackend, unregisterBackend } from '@unroll/tensor';
 * registerBackend('mine', () => jsBackend());
 * unregisterBackend('mine');
 * console.log(listBackends().includes('mine')); // false
 * ```
 */
export function unregisterBackend(name: string): boolean {
  if (name === 'js') throw new ArgumentError("unregisterBackend: the reference 'js' backend cannot be removed");
  discovered.delete(name);
  return registry.delete(name);
}

/**
 * Names of the registered backends (a backend package found on first use is registered then).
 *
 * @example
 * ```ts
 * import { listBackends } from '@unroll/tensor';
 * console.log(listBackends()); // ['js', ...]
 * ```
 */
export function listBackends(): string[] {
  return [...registry.keys()];
}

/** Registers the named backend package's backend when it is installed and can run here. */
function discover(name: string): Discovery | undefined {
  const p = BACKEND_PACKAGES.find((c) => c.name === name);
  if (!p) return undefined;
  const d = discoverBackend(p, loaders());
  if (d.found === 'backend') {
    registry.set(name, d.factory);
    discovered.add(name);
  }
  return d;
}

/**
 * Selects the backend by name (or passes a Backend value directly). `'native'` and `'wasm'` are
 * found by themselves in Node when `@unroll/backend-native` / `@unroll/backend-wasm` is
 * installed. Tensors are plain typed arrays, so switching at run time needs no change to user
 * code.
 *
 * @example
 * ```ts
 * import { setBackend, getBackend } from '@unroll/tensor';
 * setBackend('js');
 * console.log(getBackend().name); // 'js'
 * ```
 */
export function setBackend(backend: string | Backend): Backend {
  if (typeof backend !== 'string') {
    active = backend;
    return backend;
  }
  if (!registry.has(backend)) {
    const found = discover(backend);
    if (found && found.found !== 'backend') throw new ArgumentError(`setBackend: backend '${backend}' is not available: ${found.reason}`);
  }
  const factory = registry.get(backend);
  if (!factory) {
    throw new ArgumentError(`setBackend: unknown backend '${backend}' (registered: ${listBackends().join(', ') || 'none'})`);
  }
  active = factory();
  return active;
}

/**
 * The default: `UNROLL_BACKEND` when set, else the fastest that runs here: native, then WASM
 * (registered, or installed beside this package), then the reference JS backend. An installed
 * backend package that cannot run (a native addon that failed to build) is reported once on
 * stderr.
 */
function selectDefault(): Backend {
  const fromEnv = typeof process !== 'undefined' ? process.env?.UNROLL_BACKEND : undefined;
  if (fromEnv) return setBackend(fromEnv);
  const problems: string[] = [];
  for (const p of BACKEND_PACKAGES) {
    if (!registry.has(p.name)) {
      const found = discover(p.name);
      if (found && found.found !== 'backend') {
        if (found.found === 'unusable') problems.push(found.reason); // not installed: nothing to say
        continue;
      }
    }
    try {
      active = registry.get(p.name)!();
      break;
    } catch (e) {
      registry.delete(p.name);
      problems.push(`the ${p.name} backend failed to start (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
  }
  active ??= jsBackend();
  if (problems.length > 0 && !noted) {
    noted = true;
    console.warn(`@unroll/tensor: ${problems.join('; ')}; using the ${active.name} backend`);
  }
  return active;
}

/**
 * The active backend. Until one is selected: `UNROLL_BACKEND` (js, wasm, native) when set, else
 * the fastest available (native in Node, then WASM, then JS).
 *
 * @example
 * ```ts
 * import { getBackend } from '@unroll/tensor';
 * console.log(getBackend().name); // 'native' where @unroll/backend-native is installed
 * ```
 */
export function getBackend(): Backend {
  return active ?? selectDefault();
}

/**
 * Forgets the active backend (and backends registered because their package was found), so
 * that the next `getBackend()` picks the default again; with
 * `loaders`, backend packages are looked for with those module loaders instead of Node's
 * `require` (tests, bundlers that provide their own).
 *
 * @example
 * ```ts
 * import { getBackend, resetBackend } from '@unroll/tensor';
 * resetBackend({ loaders: [] }); // find no packages: the default is the fastest registered one
 * console.log(getBackend().name);
 * ```
 */
export function resetBackend(opts: { loaders?: readonly Loader[] } = {}): void {
  active = undefined;
  noted = false;
  for (const name of discovered) registry.delete(name);
  discovered.clear();
  const given = opts.loaders;
  loaders = given ? () => given : nodeLoaders;
}
