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

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointParts, type DecodedCheckpoint, decodeCheckpoint, encodeCheckpoint, restoreCheckpoint } from './checkpoint.js';
export { AnomalyError, GradientError, StateDictError } from './errors.js';
export { defineFunction, type FunctionSpec } from './function.js';
export { grad, valueAndGrad } from './functional.js';
export { assertGradcheck, type GradcheckOptions, type GradcheckReport, gradcheck } from './gradcheck.js';
export { fans, init } from './init.js';
export { Dropout, Embedding, type Layer, LayerNorm, type LayerOptions, Linear, ReLU, Sequential, Tanh } from './layers.js';
export { bceWithLogits, type CrossEntropyOptions, crossEntropy, gaussianKL, mse, type Reduction } from './losses.js';
export { Buffer, Module, Parameter } from './module.js';
export * from './optim/index.js';
export { RULES, type Rule, type RuleContext, reduceToShape } from './rules.js';
export { attachNode, type BackwardFn, detectAnomaly, isGradEnabled, Node, type NodeOrigin, noGrad } from './tape.js';
