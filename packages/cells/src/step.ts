import { add, type CellKind, gemm, mul, relu, sigmoid, split, sub, type Tensor, tanh } from '@unroll/tensor';

/** The four tensors of one layer and direction, PyTorch's layout (gates stacked on dim 0). */
export interface CellWeights {
  weightIh: Tensor; // (G*H, D)
  weightHh: Tensor; // (G*H, H)
  biasIh: Tensor | null; // (G*H)
  biasHh: Tensor | null; // (G*H)
}

/** A cell's state: h (B,H), and c (B,H) for the LSTM. */
export interface CellState {
  h: Tensor;
  c?: Tensor;
}

function affine(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = gemm(x, w, { transB: true }); // (B, G*H)
  return b ? add(y, b) : y;
}

/**
 * One time step, composed from differentiable ops: the readable reference that the fused
 * kernels are tested against. Formulas exactly the lecture's (and PyTorch's):
 * - RNN: h = tanh(W_ih x + b_ih + W_hh h + b_hh)
 * - LSTM: i,f,g,o = σ,σ,tanh,σ of the stacked pre-activations; c = f c + i g; h = o tanh(c)
 * - GRU: r,z = σ(...); n = tanh(W_in x + b_in + r (W_hn h + b_hn)); h = (1 - z) n + z h
 */
export function cellStep(kind: CellKind, x: Tensor, state: CellState, w: CellWeights): CellState {
  const H = state.h.shape[1]!;
  if (kind === 'gru') {
    const [xr, xz, xn] = split(affine(x, w.weightIh, w.biasIh), H, 1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = split(affine(state.h, w.weightHh, w.biasHh), H, 1) as [Tensor, Tensor, Tensor];
    const r = sigmoid(add(xr, hr));
    const z = sigmoid(add(xz, hz));
    const n = tanh(add(xn, mul(r, hn)));
    return { h: add(n, mul(z, sub(state.h, n))) };
  }
  const pre = add(affine(x, w.weightIh, w.biasIh), affine(state.h, w.weightHh, w.biasHh)); // (B, G*H)
  if (kind === 'lstm') {
    const [i, f, g, o] = split(pre, H, 1) as [Tensor, Tensor, Tensor, Tensor];
    const c = add(mul(sigmoid(f), state.c!), mul(sigmoid(i), tanh(g)));
    return { h: mul(sigmoid(o), tanh(c)), c };
  }
  return { h: kind === 'rnn_tanh' ? tanh(pre) : relu(pre) };
}
