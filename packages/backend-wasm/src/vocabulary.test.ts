import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTIVATION_KERNELS, BINARY_KERNELS, FIRST_COMPARISON, REDUCE_KERNELS, UNARY_KERNELS } from '@unroll/tensor';
import { type KernelEnumEntry, kernelEnumMismatches } from '@unroll/tensor/testing';
import { describe, expect, it } from 'vitest';

// The AssemblyScript kernels switch on numbered constants (`export const U_NEG = 0;`); the
// backend passes each kernel's index in @unroll/tensor's lists. Both must agree.
const ASSEMBLY = fileURLToPath(new URL('../assembly', import.meta.url));

/** Every `export const <prefix>NAME = <n>;` in the sources, with the file it is in. */
function codeConstants(sources: readonly { file: string; text: string }[], prefix: string): (KernelEnumEntry & { file: string })[] {
  const re = new RegExp(`^export const (${prefix}[A-Z0-9_]+)\\s*(?::\\s*i32\\s*)?=\\s*(\\d+);`, 'gm');
  const out: (KernelEnumEntry & { file: string })[] = [];
  for (const { file, text } of sources) for (const m of text.matchAll(re)) out.push({ ident: m[1]!, code: Number(m[2]), file });
  return out;
}

describe('the AssemblyScript kernel codes follow the kernel lists of @unroll/tensor', () => {
  const sources = readdirSync(ASSEMBLY)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: readFileSync(join(ASSEMBLY, f), 'utf8') }));
  const families = [
    { prefix: 'U_', listName: 'UNARY_KERNELS', list: UNARY_KERNELS },
    { prefix: 'B_', listName: 'BINARY_KERNELS', list: BINARY_KERNELS },
    { prefix: 'R_', listName: 'REDUCE_KERNELS', list: REDUCE_KERNELS },
    { prefix: 'A_', listName: 'ACTIVATION_KERNELS', list: ACTIVATION_KERNELS },
  ] as const;

  for (const f of families) {
    it(`assembly ${f.prefix}* constants name ${f.listName} in order`, () => {
      const entries = codeConstants(sources, f.prefix);
      const where = `assembly/${[...new Set(entries.map((e) => e.file))].join(', ') || '*.ts'} ${f.prefix}*`;
      expect(kernelEnumMismatches(where, f.prefix, f.listName, f.list, entries)).toEqual([]);
    });
  }

  it('comparisons start at B_EQ (FIRST_COMPARISON)', () => {
    expect(codeConstants(sources, 'B_').find((e) => e.ident === 'B_EQ')?.code).toBe(FIRST_COMPARISON);
  });

  it('reads the constants as the kernels declare them', () => {
    const text = 'export const U_NEG = 0;\nexport const U_ABS: i32 = 1;\n// export const U_NOT = 2;\nconst U_LOCAL = 3;';
    expect(codeConstants([{ file: 'x.ts', text }], 'U_')).toEqual([
      { ident: 'U_NEG', code: 0, file: 'x.ts' },
      { ident: 'U_ABS', code: 1, file: 'x.ts' },
    ]);
  });
});
