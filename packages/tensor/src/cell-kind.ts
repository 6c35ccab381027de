/** The recurrent cell kinds, in the order of the native backend's cell codes. */
export const CELL_KINDS = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const;

/**
 * A recurrent cell: LSTM (gates i, f, g, o), GRU (r, z, n; PyTorch's formula) or Elman RNN
 * (tanh or relu).
 */
export type CellKind = (typeof CELL_KINDS)[number];

/**
 * Gates per cell kind: the rows of W_ih and W_hh are GATES[kind] * hiddenSize.
 *
 * @example
 * ```ts
 * import { GATES } from '@unroll/tensor';
 * GATES.lstm; // 4
 * ```
 */
export const GATES: Readonly<Record<CellKind, number>> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

/**
 * Width G of a cell's stacked gates for hidden size H: 4H (LSTM), 3H (GRU), H (RNN). The rows of
 * W_ih (G,D) and W_hh (G,H), the length of each bias, and the last dimension of the gates (T,B,G).
 *
 * @example
 * ```ts
 * import { gateWidth } from '@unroll/tensor';
 * gateWidth('gru', 16); // 48
 * ```
 */
export function gateWidth(kind: CellKind, H: number): number {
  return GATES[kind] * H;
}
