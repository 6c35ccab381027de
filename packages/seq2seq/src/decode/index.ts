export { type SamplingParams, TokenChooser } from './choose.js';
export { decode } from './decode.js';
export {
  type BeamOptions, type CommonDecodingOptions, type DecodingOptions, type GreedyOptions, type ResolvedDecoding, resolveDecodingOptions,
  type SamplingOptions,
} from './options.js';
export type { DecodeResult, Hypothesis } from './result.js';
export { type DecodingStep, decodeSteps } from './steps.js';
export type { StepModel, StepOutput } from './types.js';
