/**
 * Every compiled instruction-set path of the addon is reachable the way a user selects it: a
 * fresh process started with UNROLL_NATIVE_SIMD=<level> reports that level in nativeInfo(), and
 * its kernels (simd-cases.ts: gemm on every blocking path, the vectorised float32 exp/tanh/
 * sigmoid, LSTM/GRU gates, the recurrent loop, softmax, reductions) match the JS backend's.
 * A level above what the CPU has is capped at its best. The run prints which paths this CPU
 * exercised: the AVX-512 kernels run only where the CPU has AVX-512F.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsBackend } from '@unroll/tensor';
import { expectClose } from '@unroll/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type NativeInfo, nativeInfo, type SimdLevel } from './index.js';
import { type KernelCaseResult, runKernelCases } from './simd-cases.js';

const SKIP = process.env.UNROLL_SKIP_NATIVE === '1';
const LEVELS: readonly SimdLevel[] = ['avx512', 'avx2', 'scalar'];
// tsx's full loader (ESM and CommonJS hooks) runs the child on the TypeScript sources
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url));
const INDEX = new URL('./index.ts', import.meta.url).href;
const CASES = new URL('./simd-cases.ts', import.meta.url).href;

interface ChildReport {
  info: NativeInfo;
  results: Record<string, KernelCaseResult>;
}

/** nativeInfo() (and the kernel cases' results) of a fresh process with UNROLL_NATIVE_SIMD=simd, or unset. */
function inChild(simd: string | undefined, kernels: boolean): ChildReport {
  const env = { ...process.env };
  delete env.UNROLL_NATIVE_SIMD;
  if (simd !== undefined) env.UNROLL_NATIVE_SIMD = simd;
  const script = [
    `const { nativeBackend, nativeInfo } = await import(${JSON.stringify(INDEX)});`,
    `const { runKernelCases } = await import(${JSON.stringify(CASES)});`,
    `const results = ${kernels} ? runKernelCases(nativeBackend()) : {};`,
    'process.stdout.write(JSON.stringify({ info: nativeInfo(), results }));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--conditions=unroll-source', '--import', TSX, '--input-type=module', '-e', script], {
    env, encoding: 'utf8', maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`a child with UNROLL_NATIVE_SIMD=${simd} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildReport;
}

if (SKIP) {
  describe.skip('SIMD dispatch (skipped: UNROLL_SKIP_NATIVE=1, no native SIMD path exercised)', () => {
    it('is not tested', () => {});
  });
} else {
  describe('SIMD dispatch: UNROLL_NATIVE_SIMD selects each compiled path in a fresh process', () => {
    const exercised: SimdLevel[] = [];
    let reference: Record<string, KernelCaseResult> | undefined;
    // throws the NativeBackendError that says how to build the addon when it is missing
    const best = (): SimdLevel => nativeInfo().best;

    afterAll(() => {
      let cpu = 'unknown (the addon did not load)';
      try {
        cpu = best();
      } catch {
        // the tests above have failed already
      }
      const missed = LEVELS.filter((l) => !exercised.includes(l));
      console.log(`native SIMD: this CPU's best level is ${cpu}; paths exercised with matching results: ${exercised.join(', ') || 'none'}`
        + (missed.length > 0 ? `; NOT exercised: ${missed.join(', ')}` : ''));
    });

    for (const level of LEVELS) {
      it(`UNROLL_NATIVE_SIMD=${level}: nativeInfo() reports it (capped at the CPU's best) and the kernels match the JS backend`, () => {
        const top = best();
        const supported = LEVELS.indexOf(level) >= LEVELS.indexOf(top);
        const { info, results } = inChild(level, true);
        expect(info.best).toBe(top);
        expect(info.simd).toBe(supported ? level : top);
        reference ??= runKernelCases(jsBackend());
        expect(Object.keys(results).sort()).toEqual(Object.keys(reference).sort());
        for (const [name, ref] of Object.entries(reference)) {
          expectClose(results[name]!.values, ref.values, { ...ref.tol, label: `${info.simd}: ${name}` });
        }
        if (supported) exercised.push(level);
      });
    }

    it('unset, auto or an unknown UNROLL_NATIVE_SIMD selects the best level', () => {
      for (const value of [undefined, 'auto', 'sse9']) {
        expect(inChild(value, false).info.simd, `UNROLL_NATIVE_SIMD=${value}`).toBe(best());
      }
    });
  });
}
