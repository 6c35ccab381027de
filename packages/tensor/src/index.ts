/**
 * @unroll/tensor: n-dimensional tensors (float32, float64, int32), ops with NumPy broadcasting,
 * a seeded RNG, swappable compute backends and safetensors I/O.
 *
 * @example
 * ```ts
 * import { tensor, randn, Generator } from '@unroll/tensor';
 * const w = randn([3, 2], { generator: new Generator(0) });
 * const y = tensor([[1, 2, 3]]).matmul(w).tanh();
 * console.log(y.shape); // [1, 2]
 * ```
 */

export { getBackend, listBackends, readOnlyDuring, registerBackend, resetBackend, setBackend, unregisterBackend } from './backend.js';
export type { Backend, GemmArgs, RecurrentBackwardArgs, RecurrentForwardArgs, RecurrentKernels } from './backend-contract.js';
export { BACKEND_PACKAGES, type BackendPackage, type Discovery, discoverBackend, type Loader, nodeLoaders } from './backend-discovery.js';
export { jsBackend } from './backends/js/index.js';
export { maskedRows, recurrentBackwardLoop, recurrentForwardLoop } from './backends/recurrent-loop.js';
export { CELL_KINDS, type CellKind, GATES, gateWidth } from './cell-kind.js';
export * from './creation.js';
export { dispatch, getTapeHook, type OpAttrs, setTapeHook, type TapeHook } from './dispatch.js';
export * from './dtype.js';
export * from './errors.js';
export { formatTensor } from './format.js';
export { type GemmIntoArgs, gemmInto } from './gemm-into.js';
export * from './ops/index.js';
export { defaultGenerator, Generator, manualSeed } from './random.js';
export { copyRows, fillRows, zeroRows } from './rows.js';
export { decodeSafetensors, encodeSafetensors, SAFETENSORS_MAX_HEADER_BYTES, type SafetensorsContents } from './safetensors.js';
export { broadcastShapes, broadcastStrides, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, stridesOf } from './shape.js';
export { type NestedArray, Tensor, type TensorLike } from './tensor.js';
export {
  ACTIVATION_KERNELS, type ActivationKernel, BINARY_KERNELS, type BinaryKernel, FIRST_COMPARISON, kernelCodes, OP_NAMES, type OpName,
  REDUCE_KERNELS, type ReduceKernel, UNARY_KERNELS, type UnaryKernel,
} from './vocabulary.js';
export { workArray } from './work-arrays.js';
