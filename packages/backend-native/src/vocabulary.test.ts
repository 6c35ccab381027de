import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTIVATION_KERNELS, BINARY_KERNELS, FIRST_COMPARISON, REDUCE_KERNELS, UNARY_KERNELS } from '@unroll/tensor';
import { type KernelEnumEntry, kernelEnumMismatches } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_CODES, BINARY_CODES, FIRST_COMPARISON as NATIVE_FIRST_COMPARISON, REDUCE_CODES, UNARY_CODES } from './ops.js';

// The addon's kernel codes are the enums of common.h; the codes this package passes are the
// orders of @unroll/tensor's kernel lists. Both must name the same kernels in the same order.
const COMMON_H = fileURLToPath(new URL('./native/common.h', import.meta.url));

/** The enumerators of `enum <name> : int { ... }` in order, with their values (the `*_COUNT` sentinel left out). */
function parseEnum(source: string, name: string): KernelEnumEntry[] {
  const m = new RegExp(`enum\\s+${name}\\s*:\\s*int\\s*\\{([^}]*)\\}`).exec(source);
  if (!m) throw new Error(`common.h: no 'enum ${name} : int { ... }'`);
  const out: KernelEnumEntry[] = [];
  let next = 0;
  for (const part of m[1]!.replace(/\/\/[^\n]*/g, '').split(',')) {
    const [ident, value] = part.split('=').map((s) => s.trim());
    if (!ident) continue;
    const code = value === undefined ? next : Number(value);
    next = code + 1;
    if (!ident.endsWith('_COUNT')) out.push({ ident, code });
  }
  return out;
}

describe('the native kernel codes follow the kernel lists of @unroll/tensor', () => {
  const source = readFileSync(COMMON_H, 'utf8');
  const families = [
    { enumName: 'UnaryOp', prefix: 'U_', listName: 'UNARY_KERNELS', list: UNARY_KERNELS, codes: UNARY_CODES },
    { enumName: 'BinaryOp', prefix: 'B_', listName: 'BINARY_KERNELS', list: BINARY_KERNELS, codes: BINARY_CODES },
    { enumName: 'ReduceOp', prefix: 'R_', listName: 'REDUCE_KERNELS', list: REDUCE_KERNELS, codes: REDUCE_CODES },
    { enumName: 'ActKind', prefix: 'A_', listName: 'ACTIVATION_KERNELS', list: ACTIVATION_KERNELS, codes: ACTIVATION_CODES },
  ] as const;

  for (const f of families) {
    it(`common.h ${f.enumName} names ${f.listName} in order`, () => {
      expect(kernelEnumMismatches(`common.h ${f.enumName}`, f.prefix, f.listName, f.list, parseEnum(source, f.enumName))).toEqual([]);
    });

    it(`${f.listName}: the code passed for each kernel is its index`, () => {
      const codes = f.codes as Readonly<Record<string, number>>;
      expect(f.list.map((name) => codes[name])).toEqual(f.list.map((_, i) => i));
    });
  }

  it('comparisons start at B_EQ, where the addon starts them', () => {
    const eq = parseEnum(source, 'BinaryOp').find((e) => e.ident === 'B_EQ');
    expect(NATIVE_FIRST_COMPARISON).toBe(FIRST_COMPARISON);
    expect(eq?.code).toBe(FIRST_COMPARISON);
    expect(source).toMatch(/is_comparison\(int op\) \{ return op >= B_EQ && op < B_COUNT; \}/);
  });
  it('reads implicit and explicit enumerator values, past comments, without the _COUNT sentinel', () => {
    const entries = parseEnum('enum E : int {\n  E_A, // first\n  E_B = 4, E_C,\n  E_COUNT\n};', 'E');
    expect(entries).toEqual([{ ident: 'E_A', code: 0 }, { ident: 'E_B', code: 4 }, { ident: 'E_C', code: 5 }]);
  });
});
