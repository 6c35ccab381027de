/**
 * @unroll/cells: the recurrent layers of the lecture. Single-step cells (RNNCell, LSTMCell,
 * GRUCell), multi-layer bidirectional sequence layers (RNN, LSTM, GRU) with fused BPTT kernels,
 * truncated BPTT and a gradient-flow probe.
 *
 * @example
 * ```ts
 * import { LSTM } from '@unroll/cells';
 * import { randn } from '@unroll/tensor';
 * const { output, state } = new LSTM(8, 16, { numLayers: 2 }).forward(randn([10, 4, 8]));
 * output.sum().backward();
 * ```
 */
export { RNNCell, LSTMCell, GRUCell } from './cells.js';
export { RNN, LSTM, GRU, RecurrentLayer, type RecurrentOptions, type RecurrentState, type ForwardOptions, type RecurrentOutput } from './layers.js';
export { fusedSequence, GATES, type CellKind, type FusedConfig } from './fused.js';
export { cellStep, type CellState, type CellWeights } from './step.js';
export { type ParamOptions } from './params.js';
export { TruncatedBPTT, detachState, resizeState, type TruncatedBPTTOptions, type SegmentResult } from './tbptt.js';
export { gradientFlow, GradientFlowRecorder, type GradientFlowReport, type GradientSeries } from './gradient-flow.js';
export { withStepGradientSink, type StepGradientSink } from './probe.js';
