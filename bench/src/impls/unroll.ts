/** Selecting an Unroll backend in a child: the reference JS backend or the native addon. */
import { setBackend } from '@unroll/tensor';
import type { Impl } from '../types.js';

/** What `@unroll/backend-native` exports (typed here, so the bench builds before it exists). */
interface NativeModule {
  registerNativeBackend(): boolean;
  isNativeAvailable(): boolean;
  nativeInfo(): unknown;
  setNativeThreads?(threads: number): unknown;
}

/** The native package, or why it is not usable. Loaded dynamically: it is optional. */
export async function loadNative(): Promise<{ mod: NativeModule } | { reason: string }> {
  // a variable specifier keeps TypeScript and bundlers from resolving the optional package
  const spec = '@unroll/backend-native';
  let mod: NativeModule;
  try {
    mod = (await import(spec)) as NativeModule;
  } catch (e) {
    return { reason: `@unroll/backend-native did not load (${firstLine(e)})` };
  }
  try {
    if (!mod.registerNativeBackend()) return { reason: `@unroll/backend-native loaded, but not its addon (${addonError(mod)})` };
  } catch (e) {
    return { reason: `registerNativeBackend failed (${firstLine(e)})` };
  }
  return { mod };
}

/** Why the addon is unavailable: nativeInfo() throws the load error then. */
function addonError(mod: NativeModule): string {
  try {
    mod.nativeInfo();
    return 'no reason given';
  } catch (e) {
    return firstLine(e);
  }
}

/** Threads the native backend reports in `nativeInfo()` (1 when it does not say). */
export function nativeThreads(info: unknown): number {
  if (info && typeof info === 'object') {
    for (const key of ['threads', 'numThreads', 'maxThreads']) {
      const v = (info as Record<string, unknown>)[key];
      if (typeof v === 'number' && v > 0) return v;
    }
  }
  return 1;
}

/**
 * Makes `impl` the active Unroll backend. Returns the thread count, or a reason to skip.
 * `unroll-native` keeps the addon's default thread count (UNROLL_NATIVE_THREADS or its own
 * default); `unroll-native-1t` sets it to 1.
 */
export async function useUnroll(impl: Impl): Promise<{ threads: number } | { skip: string }> {
  if (impl === 'unroll-js') {
    setBackend('js');
    return { threads: 1 };
  }
  if (impl === 'unroll-wasm') {
    try {
      const spec = '@unroll/backend-wasm';
      const mod = (await import(spec)) as { registerWasmBackend(): boolean };
      if (!mod.registerWasmBackend()) return { skip: '@unroll/backend-wasm did not load' };
    } catch (e) {
      return { skip: `@unroll/backend-wasm did not load (${firstLine(e)})` };
    }
    setBackend('wasm');
    return { threads: 1 };
  }
  const native = await loadNative();
  if ('reason' in native) return { skip: native.reason };
  if (impl === 'unroll-native-1t') {
    if (typeof native.mod.setNativeThreads !== 'function') return { skip: '@unroll/backend-native has no setNativeThreads' };
    native.mod.setNativeThreads(1);
  }
  setBackend('native');
  return { threads: nativeThreads(native.mod.nativeInfo()) };
}

/** The first line of an error message, without Node's "imported from <path>" tail. */
export function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0]!.replace(/ imported from .*$/, '').slice(0, 200);
}
