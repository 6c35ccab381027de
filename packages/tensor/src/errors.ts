/**
 * Typed errors raised by Unroll. Every message starts with the operation's name and, where
 * shapes are involved, names them: `matmul: cannot multiply (2,3) by (4,5): inner dimensions 3 and 4 differ`.
 *
 * @example
 * ```ts
 * import { zeros, matmul, ShapeError } from '@unroll/tensor';
 * try { matmul(zeros([2, 3]), zeros([4, 5])); } catch (e) { console.log(e instanceof ShapeError); } // true
 * ```
 */
export class UnrollError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, concat...). */
export class ShapeError extends UnrollError {}

/** A dtype an operation does not accept, or two dtypes that cannot be mixed. */
export class DTypeError extends UnrollError {}

/** An argument out of range or of the wrong kind (an axis, an index, a size, an option). */
export class ArgumentError extends UnrollError {}

/** Bytes that are not a valid file of the expected format (safetensors, checkpoints). */
export class FormatError extends UnrollError {}

/**
 * Runs fn; a FormatError it raises is raised again with the message `rename(message)` (to name the
 * file it came from), the original as its `cause`. Other errors pass through.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, renameFormatError } from '@unroll/tensor';
 * renameFormatError(() => decodeSafetensors(new Uint8Array(3)), (m) => `model.safetensors: ${m}`);
 * // throws FormatError('model.safetensors: safetensors: ...')
 * ```
 */
export function renameFormatError<T>(fn: () => T, rename: (message: string) => string): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    const wrapped = new FormatError(rename(err.message));
    (wrapped as Error & { cause?: unknown }).cause = err;
    throw wrapped;
  }
}

/** Formats a shape the way messages show it: `(2,3)`; a scalar is `()`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(',')})`;
}

/**
 * Checks that `value` is a positive integer (a size, a count, a step), else throws an
 * ArgumentError naming where it was given: `${where}: ${name} must be a positive integer, got ${value}`.
 * With `{ orZero: true }` zero passes too (sizes where 0 means "none").
 *
 * @example
 * ```ts
 * import { checkPositiveInt } from '@unroll/tensor';
 * checkPositiveInt('Linear', 'inFeatures', 4); // ok
 * checkPositiveInt('Linear', 'inFeatures', 2.5); // throws ArgumentError('Linear: inFeatures must be a positive integer, got 2.5')
 * ```
 */
export function checkPositiveInt(where: string, name: string, value: number, opts: { orZero?: boolean } = {}): void {
  if (Number.isSafeInteger(value) && (value > 0 || (opts.orZero === true && value === 0))) return;
  const what = opts.orZero === true ? '0 or a positive integer' : 'a positive integer';
  throw new ArgumentError(`${where}: ${name} must be ${what}, got ${value}`);
}
