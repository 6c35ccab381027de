import { formatShape, ShapeError } from '@unroll/tensor';

/** Throws a ShapeError naming the layer, what was expected and what came. */
export function expectShape(layer: string, what: string, actual: readonly number[], expected: readonly (number | string)[]): void {
  const ok = actual.length === expected.length && expected.every((d, i) => typeof d === 'string' || d === actual[i]);
  if (!ok) throw new ShapeError(`${layer}: expected ${what} (${expected.join(',')}), got ${formatShape(actual)}`);
}
