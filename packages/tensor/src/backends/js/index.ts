import type { Backend } from '../../backend-contract.js';
import { binaryJs, copyStridedJs, unaryJs, whereJs } from './elementwise.js';
import { gemmJs } from './gemm.js';
import { activationBackwardJs, gruBackwardJs, gruForwardJs, lstmBackwardJs, lstmForwardJs } from './recurrent.js';
import { reduceJs, softmaxJs } from './reduce.js';

/**
 * The reference JavaScript backend: plain loops over typed arrays, a cache-blocked gemm.
 * Runs everywhere; the conformance suite holds every other backend to its results.
 *
 * @example
 * ```ts
 * import { setBackend, jsBackend } from '@unroll/tensor';
 * setBackend(jsBackend());
 * ```
 */
export function jsBackend(): Backend {
  return {
    name: 'js',
    unary: unaryJs,
    binary: binaryJs,
    where: whereJs,
    reduce: reduceJs,
    gemm: gemmJs,
    copyStrided: copyStridedJs,
    softmax: softmaxJs,
    activationBackward: activationBackwardJs,
    lstmForward: lstmForwardJs,
    lstmBackward: lstmBackwardJs,
    gruForward: gruForwardJs,
    gruBackward: gruBackwardJs,
  };
}
