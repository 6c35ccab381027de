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
export { Tensor, type TensorLike, type NestedArray } from './tensor.js';
export * from './creation.js';
export * from './ops/index.js';
export * from './dtype.js';
export * from './errors.js';
export { Generator, defaultGenerator, manualSeed } from './random.js';
export { sizeOf, stridesOf, broadcastShapes, broadcastStrides, normalizeAxis, normalizeAxes, shapesEqual } from './shape.js';
export {
  type Backend, type BinaryKernel, type GemmArgs, type ReduceKernel, type RecurrentKernels, type UnaryKernel,
  getBackend, setBackend, registerBackend, listBackends,
} from './backend.js';
export { jsBackend } from './backends/js/index.js';
export { dispatch, setTapeHook, getTapeHook, type TapeHook, type OpAttrs } from './dispatch.js';
export { formatTensor } from './format.js';
export { encodeSafetensors, decodeSafetensors, type SafetensorsContents, SAFETENSORS_MAX_HEADER_BYTES } from './safetensors.js';
