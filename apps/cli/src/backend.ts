import { getBackend, listBackends, setBackend } from '@unroll/tensor';

/**
 * Picks the fastest available backend: native (when its addon is built), else the reference JS
 * one; `UNROLL_BACKEND=js|native` overrides. Says once which one runs, on stderr, if asked.
 */
export async function selectBackend(): Promise<string> {
  try {
    const specifier = '@unroll/backend-native'; // optional dependency: absent when it could not build
    const native = (await import(specifier)) as { registerNativeBackend(): boolean };
    native.registerNativeBackend();
  } catch {
    // optional dependency absent or not built: fall back silently here, say it below
  }
  const wanted = process.env.UNROLL_BACKEND;
  if (wanted) setBackend(wanted);
  else if (listBackends().includes('native')) setBackend('native');
  return getBackend().name;
}
