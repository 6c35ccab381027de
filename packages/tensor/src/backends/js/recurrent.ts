import type { ActivationKernel, RecurrentKernels } from '../../backend-contract.js';
import type { TypedArray } from '../../dtype.js';
import { sigmoid } from './elementwise.js';

/** LSTM gate kernels (gate order i, f, g, o), one time step for B rows. */
export const lstmForwardJs: RecurrentKernels['lstmForward'] = (B, H, gates, cPrev, c, h, tanhC) => {
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[g0 + j]!);
      const f = sigmoid(gates[g0 + H + j]!);
      const g = Math.tanh(gates[g0 + 2 * H + j]!);
      const o = sigmoid(gates[g0 + 3 * H + j]!);
      gates[g0 + j] = i;
      gates[g0 + H + j] = f;
      gates[g0 + 2 * H + j] = g;
      gates[g0 + 3 * H + j] = o;
      const cv = f * cPrev[s0 + j]! + i * g;
      c[s0 + j] = cv;
      const tc = Math.tanh(cv);
      tanhC[s0 + j] = tc;
      h[s0 + j] = o * tc;
    }
  }
};

export const lstmBackwardJs: RecurrentKernels['lstmBackward'] = (B, H, gates, cPrev, tanhC, dh, dc, dGates) => {
  const G = 4 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = gates[g0 + j]!;
      const f = gates[g0 + H + j]!;
      const g = gates[g0 + 2 * H + j]!;
      const o = gates[g0 + 3 * H + j]!;
      const tc = tanhC[s0 + j]!;
      const dhv = dh[s0 + j]!;
      const dcv = dc[s0 + j]! + dhv * o * (1 - tc * tc);
      dGates[g0 + j] = dcv * g * i * (1 - i);
      dGates[g0 + H + j] = dcv * cPrev[s0 + j]! * f * (1 - f);
      dGates[g0 + 2 * H + j] = dcv * i * (1 - g * g);
      dGates[g0 + 3 * H + j] = dhv * tc * o * (1 - o);
      dc[s0 + j] = dcv * f;
    }
  }
};

/** GRU kernels with PyTorch's formula: n = tanh(gi_n + r * gh_n), h = (1 - z) n + z h_prev. */
export const gruForwardJs: RecurrentKernels['gruForward'] = (B, H, gi, gh, hPrev, h) => {
  const G = 3 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gi[g0 + j]! + gh[g0 + j]!);
      const z = sigmoid(gi[g0 + H + j]! + gh[g0 + H + j]!);
      const n = Math.tanh(gi[g0 + 2 * H + j]! + r * gh[g0 + 2 * H + j]!);
      gi[g0 + j] = r;
      gi[g0 + H + j] = z;
      gi[g0 + 2 * H + j] = n;
      h[s0 + j] = (1 - z) * n + z * hPrev[s0 + j]!;
    }
  }
};

export const gruBackwardJs: RecurrentKernels['gruBackward'] = (B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev) => {
  const G = 3 * H;
  for (let b = 0; b < B; b++) {
    const g0 = b * G;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = gi[g0 + j]!;
      const z = gi[g0 + H + j]!;
      const n = gi[g0 + 2 * H + j]!;
      const dhv = dh[s0 + j]!;
      const dnPre = dhv * (1 - z) * (1 - n * n);
      const dzPre = dhv * (hPrev[s0 + j]! - n) * z * (1 - z);
      const drPre = dnPre * gh[g0 + 2 * H + j]! * r * (1 - r);
      dGi[g0 + j] = drPre;
      dGi[g0 + H + j] = dzPre;
      dGi[g0 + 2 * H + j] = dnPre;
      dGh[g0 + j] = drPre;
      dGh[g0 + H + j] = dzPre;
      dGh[g0 + 2 * H + j] = dnPre * r;
      dhPrev[s0 + j] = dhPrev[s0 + j]! + dhv * z;
    }
  }
};

/** dx = dy * f'(x) given y = f(x), for tanh, relu and sigmoid. */
export function activationBackwardJs(kind: ActivationKernel, y: TypedArray, dy: TypedArray, out: TypedArray): void {
  const n = y.length;
  if (kind === 'tanh') for (let i = 0; i < n; i++) { const v = y[i]!; out[i] = dy[i]! * (1 - v * v); }
  else if (kind === 'sigmoid') for (let i = 0; i < n; i++) { const v = y[i]!; out[i] = dy[i]! * v * (1 - v); }
  else for (let i = 0; i < n; i++) out[i] = y[i]! > 0 ? dy[i]! : 0;
}
