/**
 * @unroll/autograd: reverse-mode autodiff over @unroll/tensor, gradcheck, modules, layers,
 * losses, optimizers and checkpoints.
 *
 * @example
 * ```ts
 * import { Linear, crossEntropy, Adam } from '@unroll/autograd';
 * import { randn, tensor } from '@unroll/tensor';
 * const model = new Linear(4, 3);
 * const opt = new Adam(model.parameters(), { lr: 1e-2 });
 * const loss = crossEntropy(model.forward(randn([8, 4])), tensor([0, 1, 2, 0, 1, 2, 0, 1], undefined, 'int32'));
 * loss.backward();
 * opt.step();
 * ```
 */
import { installTape } from './tape.js';

installTape();

export { noGrad, isGradEnabled, detectAnomaly, Node, attachNode, type BackwardFn } from './tape.js';
export { RULES, reduceToShape, type Rule, type RuleContext } from './rules.js';
export { defineFunction, type FunctionSpec } from './function.js';
export { grad, valueAndGrad } from './functional.js';
export { gradcheck, assertGradcheck, type GradcheckOptions, type GradcheckReport } from './gradcheck.js';
export { Module, Parameter, Buffer } from './module.js';
export { Linear, Embedding, Dropout, LayerNorm, Sequential, Tanh, ReLU, type Layer, type LayerOptions } from './layers.js';
export { init, fans } from './init.js';
export { crossEntropy, bceWithLogits, mse, gaussianKL, type Reduction, type CrossEntropyOptions } from './losses.js';
export { AnomalyError, GradientError, StateDictError } from './errors.js';
export * from './optim/index.js';
export { encodeCheckpoint, decodeCheckpoint, restoreCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointParts, type DecodedCheckpoint } from './checkpoint.js';
