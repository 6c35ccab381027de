import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Backend, getBackend, listBackends, resetBackend, setBackend, unregisterBackend } from './backend.js';
import { BACKEND_PACKAGES, discoverBackend, type Loader, nodeLoaders } from './backend-discovery.js';
import { jsBackend } from './backends/js/index.js';
import { ArgumentError } from './errors.js';
import { captureError } from './test-utils.js';

/** A backend that is the JS one under another name. */
const named = (name: string): Backend => ({ ...jsBackend(), name });

function notFound(id: string): Error {
  return Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- here`), { code: 'MODULE_NOT_FOUND' });
}

/** A loader that knows the given packages (by npm name) and nothing else. */
function loaderOf(packages: Record<string, Record<string, unknown>>): Loader {
  return (id) => {
    const mod = packages[id];
    if (!mod) throw notFound(id);
    return mod;
  };
}

const nativeOk = { isNativeAvailable: () => true, nativeBackend: () => named('native') };
const nativeBroken = {
  isNativeAvailable: () => false,
  nativeBackend: () => named('native'),
  nativeInfo: () => {
    throw new Error('the addon did not build (g++ not found)');
  },
};
const wasmOk = { isWasmAvailable: () => true, wasmBackend: () => named('wasm') };

// The suite may run with a backend registered and selected by the test setup
// (UNROLL_TEST_BACKEND): these tests start from nothing but 'js', and give it back afterwards.
const selectedBySetup = getBackend();
beforeEach(() => {
  for (const p of BACKEND_PACKAGES) unregisterBackend(p.name);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetBackend({ loaders: [] });
  setBackend('js');
});

afterAll(() => {
  resetBackend();
  setBackend(selectedBySetup);
});

describe('default backend: the fastest available', () => {
  it('native when its package is installed and runs, without registering anything first', () => {
    vi.stubEnv('UNROLL_BACKEND', '');
    resetBackend({ loaders: [loaderOf({ '@unroll/backend-native': nativeOk, '@unroll/backend-wasm': wasmOk })] });
    expect(getBackend().name).toBe('native');
    expect(listBackends()).toContain('native');
  });

  it('WASM when the native addon cannot load, and says why once', () => {
    vi.stubEnv('UNROLL_BACKEND', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    resetBackend({ loaders: [loaderOf({ '@unroll/backend-native': nativeBroken, '@unroll/backend-wasm': wasmOk })] });
    expect(getBackend().name).toBe('wasm');
    getBackend();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toBe(
      '@unroll/tensor: @unroll/backend-native is installed but its kernels cannot run here (the addon did not build (g++ not found)); using the wasm backend',
    );
  });

  it('JS, silently, when no backend package is installed', () => {
    vi.stubEnv('UNROLL_BACKEND', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    resetBackend({ loaders: [loaderOf({})] });
    expect(getBackend().name).toBe('js');
    expect(warn).not.toHaveBeenCalled();
  });

  it('a backend selected by hand is kept: no package search runs', () => {
    vi.stubEnv('UNROLL_BACKEND', '');
    const load = vi.fn(loaderOf({}));
    resetBackend({ loaders: [load] });
    // selected explicitly (as an app does in a browser), under a name the search knows
    setBackend(named('wasm'));
    expect(getBackend().name).toBe('wasm');
    expect(load).not.toHaveBeenCalled();
  });

  it('the second loader is tried when the first cannot see the package', () => {
    vi.stubEnv('UNROLL_BACKEND', '');
    resetBackend({ loaders: [loaderOf({}), loaderOf({ '@unroll/backend-wasm': wasmOk })] });
    expect(getBackend().name).toBe('wasm');
  });
});

describe('UNROLL_BACKEND and setBackend(name)', () => {
  it('the environment variable overrides the fastest', () => {
    vi.stubEnv('UNROLL_BACKEND', 'wasm');
    resetBackend({ loaders: [loaderOf({ '@unroll/backend-native': nativeOk, '@unroll/backend-wasm': wasmOk })] });
    expect(getBackend().name).toBe('wasm');
    vi.stubEnv('UNROLL_BACKEND', 'js');
    resetBackend({ loaders: [loaderOf({ '@unroll/backend-native': nativeOk })] });
    expect(getBackend().name).toBe('js');
  });

  it('asking for a backend whose package is missing or broken is a typed error that says which', () => {
    vi.stubEnv('UNROLL_BACKEND', 'native');
    resetBackend({ loaders: [loaderOf({})] });
    expect(captureError(() => getBackend())).toEqual(
      new ArgumentError("setBackend: backend 'native' is not available: @unroll/backend-native is not installed"),
    );
    resetBackend({ loaders: [loaderOf({ '@unroll/backend-native': nativeBroken })] });
    expect(captureError(() => setBackend('native'))).toEqual(
      new ArgumentError(
        "setBackend: backend 'native' is not available: @unroll/backend-native is installed but its kernels cannot run here (the addon did not build (g++ not found))",
      ),
    );
    expect(captureError(() => setBackend('fast'))).toBeInstanceOf(ArgumentError);
  });

  it("unregisterBackend removes a backend but never 'js'", () => {
    setBackend(named('x'));
    expect(unregisterBackend('nope')).toBe(false);
    expect(captureError(() => unregisterBackend('js'))).toEqual(new ArgumentError("unregisterBackend: the reference 'js' backend cannot be removed"));
  });

  it('setBackend(name) finds an installed package by itself', () => {
    resetBackend({ loaders: [loaderOf({ '@unroll/backend-wasm': wasmOk })] });
    expect(setBackend('wasm').name).toBe('wasm');
    resetBackend({ loaders: [] });
    expect(listBackends()).not.toContain('wasm');
  });
});

describe('discoverBackend', () => {
  const native = BACKEND_PACKAGES.find((p) => p.name === 'native')!;

  it('a package that throws while loading is unusable, with its error', () => {
    const d = discoverBackend(native, [
      () => {
        throw new SyntaxError('Unexpected token');
      },
    ]);
    expect(d).toEqual({ found: 'unusable', reason: '@unroll/backend-native did not load (Unexpected token)' });
  });

  it('a package without the expected exports is unusable', () => {
    const d = discoverBackend(native, [loaderOf({ '@unroll/backend-native': { something: 1 } })]);
    expect(d).toEqual({ found: 'unusable', reason: '@unroll/backend-native does not export isNativeAvailable() and nativeBackend()' });
  });

  it("only a missing module named after the package counts as 'not installed'", () => {
    const d = discoverBackend(native, [() => { throw notFound('node-addon-api'); }]);
    expect(d.found).toBe('unusable');
  });

  it("Node's loaders find real packages and report absent ones as missing", () => {
    const loaders = nodeLoaders();
    expect(loaders.length).toBeGreaterThan(0);
    expect(discoverBackend({ name: 'x', pkg: '@unroll/no-such-package', available: 'a', create: 'b' }, loaders)).toEqual({
      found: 'missing',
      reason: '@unroll/no-such-package is not installed',
    });
    // vitest is installed beside this package: found, but it is not a backend package
    expect(discoverBackend({ name: 'x', pkg: 'vitest', available: 'a', create: 'b' }, loaders).found).toBe('unusable');
  });
});
