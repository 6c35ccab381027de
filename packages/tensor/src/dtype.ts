import { DTypeError } from './errors.js';

/** Element types a tensor can hold. `float32` is the default. */
export type DType = 'float32' | 'float64' | 'int32';

/** The typed array behind each dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Typed array type for a given dtype. */
export type ArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** Allocates a zero-filled typed array of `size` elements for `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    default:
      throw new DTypeError(`allocArray: unknown dtype '${String(dtype)}'`);
  }
}

/** The dtype of a typed array, or undefined for an unsupported one. */
export function dtypeOfArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return undefined;
}

/** Result dtype when two dtypes meet in an elementwise op: float64 > float32 > int32. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/** Throws a DTypeError unless `dtype` is a known dtype. */
export function assertDType(op: string, dtype: unknown): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    throw new DTypeError(`${op}: unknown dtype '${String(dtype)}' (expected float32, float64 or int32)`);
  }
}
