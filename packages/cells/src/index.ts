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
export { GRUCell, LSTMCell, RNNCell } from './cells.js';
export { type FusedConfig, fusedSequence } from './fused.js';
export { GradientFlowRecorder, type GradientFlowReport, type GradientSeries, gradientFlow } from './gradient-flow.js';
export { type ForwardOptions, GRU, LSTM, RecurrentLayer, type RecurrentOptions, type RecurrentOutput, type RecurrentState, RNN } from './layers.js';
export type { ParamOptions } from './params.js';
export { type StepGradientSink, withStepGradientSink } from './probe.js';
export { type CellState, type CellWeights, cellStep } from './step.js';
export { detachState, resizeState, type SegmentResult, TruncatedBPTT, type TruncatedBPTTOptions } from './tbptt.js';
