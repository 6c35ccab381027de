import { getBackend, listBackends, setBackend } from '@unroll/tensor';

async function tryRegister(specifier: string, register: string): Promise<string | undefined> {
  try {
    const mod = (await import(specifier)) as Record<string, () => boolean>;
    return mod[register]?.() ? undefined : 'it could not load';
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

/**
 * Picks the fastest available backend: native (a C++ addon built at install), then WASM, then
 * the reference JS one; `UNROLL_BACKEND=js|wasm|native` overrides. When the native kernels are
 * missing, says so once on stderr.
 */
export async function selectBackend(): Promise<string> {
  // optional dependencies: absent or unbuilt on some machines
  const nativeProblem = await tryRegister('@unroll/backend-native', 'registerNativeBackend');
  await tryRegister('@unroll/backend-wasm', 'registerWasmBackend');
  const wanted = process.env.UNROLL_BACKEND;
  if (wanted) setBackend(wanted);
  else {
    const best = ['native', 'wasm'].find((b) => listBackends().includes(b));
    if (best) setBackend(best);
    if (best !== 'native') process.stderr.write(`unroll: note: native kernels unavailable (${nativeProblem}); using the ${getBackend().name} backend\n`);
  }
  return getBackend().name;
}
