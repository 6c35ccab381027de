import { UnrollError } from '@unroll/tensor';

/** A gradient that became NaN or infinite in `detectAnomaly` mode; names the op that produced it. */
export class AnomalyError extends UnrollError {}

/** Misuse of the autodiff engine (backward on a non-scalar without a gradient, an op with no rule...). */
export class GradientError extends UnrollError {}

/** A state dict or checkpoint that does not match the model (missing, unexpected, wrongly shaped). */
export class StateDictError extends UnrollError {}
