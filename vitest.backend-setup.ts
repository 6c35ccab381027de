/**
 * Test setup: when UNROLL_TEST_BACKEND names a backend (native, wasm), every test in the run uses
 * it, so that the same suites (conformance, fused-vs-composed, gradcheck) hold each backend to
 * the reference. The test fails loudly when the backend cannot load. Otherwise the tests run on
 * the reference JS backend (not the fastest installed one, which the library's default would be).
 */

const wanted = process.env.UNROLL_TEST_BACKEND;
if (wanted && wanted !== 'js') {
  const here = new URL('.', import.meta.url);
  const entry: Record<string, string> = {
    native: 'packages/backend-native/src/index.ts',
    wasm: 'packages/backend-wasm/src/index.ts',
  };
  const path = entry[wanted];
  if (!path) throw new Error(`UNROLL_TEST_BACKEND: unknown backend '${wanted}'`);
  const mod = (await import(new URL(path, here).href)) as Record<string, () => boolean>;
  const register = wanted === 'native' ? mod.registerNativeBackend : mod.registerWasmBackend;
  if (!register?.()) throw new Error(`UNROLL_TEST_BACKEND=${wanted}: the backend could not be loaded`);
  // the same source file the tests import, hence the same module instance and active backend
  const tensor = (await import(new URL('packages/tensor/src/index.ts', here).href)) as { setBackend(name: string): unknown };
  tensor.setBackend(wanted);
} else {
  const tensor = (await import(new URL('packages/tensor/src/index.ts', new URL('.', import.meta.url)).href)) as { setBackend(name: string): unknown };
  tensor.setBackend('js');
}
