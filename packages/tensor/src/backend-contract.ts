/**
 * The kernel contract between `@unroll/tensor` and a backend, as types only: what backend.ts,
 * backend-discovery.ts and the JS kernels share without importing one another.
 */
import type { CellKind } from './cell-kind.js';
import type { TypedArray } from './dtype.js';
import type { ActivationKernel, BinaryKernel, ReduceKernel, UnaryKernel } from './vocabulary.js';

export type { ActivationKernel, BinaryKernel, ReduceKernel, UnaryKernel } from './vocabulary.js';

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
  kind: CellKind;
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
 * Arguments of `recurrentBackward`: the backward time loop of one recurrent layer and direction,
 * reading what `recurrentForward` saved (ghStride = tanhStride = B*H or B*G, hPrev and cPrev given).
 * G = gateWidth(kind, H). Row-major arrays, PyTorch's gate order.
 */
export interface RecurrentBackwardArgs {
  kind: CellKind;
  T: number;
  B: number;
  H: number;
  /** The forward ran t = T-1 down to 0 (so backward runs t = 0 up). */
  reverse: boolean;
  /** (T,B,G) the activated gates the forward left (GRU: r, z, n; RNN: h_t). */
  gates: TypedArray;
  /** GRU only: (T,B,G) gh = h W_hh^T + b_hh of each step; null otherwise. */
  gh: TypedArray | null;
  /** (T,B,H) the state entering each step. */
  hPrev: TypedArray;
  /** LSTM only: (T,B,H) the cell state entering each step, and tanh(c_t); null otherwise. */
  cPrev: TypedArray | null;
  tanhC: TypedArray | null;
  /** (G,H) */
  wHh: TypedArray;
  /** (T,B,H) the gradient of the outputs y, or null when y gets none. */
  dy: TypedArray | null;
  /** (B,H) on entry the gradient of the final h (zeros for none), on return that of the initial h. */
  dh: TypedArray;
  /** LSTM only: (B,H) the same for the cell state; null otherwise. */
  dc: TypedArray | null;
  /** (T,B,G) out: the gradient of the gate pre-activations (GRU: of x W_ih^T + b_ih). */
  dGates: TypedArray;
  /** GRU only: (T,B,G) out: the gradient of gh; null otherwise. */
  dGh: TypedArray | null;
  /** (T) out, when given: ||dL/dh_t||, the gradient flowing into h_t, per step (gradient-flow probes). */
  dhNorms?: Float64Array | null;
  /** As in the forward: padded steps pass dh and dc through and get zero gate gradients. */
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
  activationBackward(kind: ActivationKernel, y: TypedArray, dy: TypedArray, out: TypedArray): void;
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
  /**
   * Optional. The matching backward time loop in one call. Without it, callers run
   * `recurrentBackwardLoop(backend, args)`, the same loop over this backend's kernels.
   */
  recurrentBackward?(args: RecurrentBackwardArgs): void;
}
