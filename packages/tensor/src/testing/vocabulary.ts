/** One enumerator of a compiled backend's kernel enum: its identifier (`U_NEG`) and its value. */
export interface KernelEnumEntry {
  ident: string;
  code: number;
}

/**
 * Each way a compiled backend's kernel enum disagrees with an ordered kernel list of
 * `@unroll/tensor`, in words (empty when they agree): code i must be `prefix` + the list's i-th
 * name in upper case (`U_NEG` for 'neg').
 *
 * @example
 * ```ts
 * import { UNARY_KERNELS } from '@unroll/tensor';
 * import { kernelEnumMismatches } from '@unroll/tensor/testing';
 * kernelEnumMismatches('my.h UnaryOp', 'U_', 'UNARY_KERNELS', UNARY_KERNELS, [{ ident: 'U_ABS', code: 0 }]);
 * // ["my.h UnaryOp: code 0 is U_ABS but UNARY_KERNELS[0] is 'neg' (U_NEG)", ... one line per missing code]
 * ```
 */
export function kernelEnumMismatches(
  where: string, prefix: string, listName: string, list: readonly string[], entries: readonly KernelEnumEntry[],
): string[] {
  const problems: string[] = [];
  const size = Math.max(list.length, ...entries.map((e) => e.code + 1));
  for (let code = 0; code < size; code++) {
    const found = entries.filter((x) => x.code === code).map((x) => x.ident);
    const name = list[code];
    const expected = name === undefined ? undefined : `${prefix}${name.toUpperCase()}`;
    if (found.length !== 1 || found[0] !== expected) {
      const is = found.length === 0 ? 'missing' : found.join(' and ');
      problems.push(`${where}: code ${code} is ${is} but ${listName}[${code}] is ${name === undefined ? 'missing' : `'${name}' (${expected})`}`);
    }
  }
  return problems;
}
