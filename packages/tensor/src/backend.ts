import type { Backend } from './backend-contract.js';
import { BACKEND_PACKAGES, type Discovery, discoverBackend, type Loader, nodeLoaders } from './backend-discovery.js';
import { jsBackend } from './backends/js/index.js';
import type { TypedArray } from './dtype.js';
import { ArgumentError } from './errors.js';

export type {
  ActivationKernel, Backend, BinaryKernel, GemmArgs, RecurrentForwardArgs, RecurrentKernels, ReduceKernel, UnaryKernel,
} from './backend-contract.js';

/**
 * Runs fn with `arrays` declared unchanged while it runs: through `be.withReadOnly` where the
 * backend has it (so a backend that copies its inputs copies them once), else fn directly.
 *
 * @example
 * ```ts
 * import { getBackend, readOnlyDuring } from '@unroll/tensor';
 * const w = new Float32Array(16);
 * readOnlyDuring(getBackend(), [w], () => {
 *   // every kernel call here may read w without copying it again
 * });
 * ```
 */
export function readOnlyDuring(be: Backend, arrays: readonly TypedArray[], fn: () => void): void {
  if (be.withReadOnly) be.withReadOnly(arrays, fn);
  else fn();
}

const registry = new Map<string, () => Backend>([['js', jsBackend]]);
let active: Backend | undefined;
let loaders: () => readonly Loader[] = nodeLoaders;
let noted = false;
/** Backends registered because their package was found (forgotten by resetBackend). */
const discovered = new Set<string>();

/**
 * Makes a backend available under its name; `setBackend(name)` then selects it.
 * Registration has no effect on which backend is active.
 *
 * @example
 * ```ts
 * import { jsBackend, registerBackend, setBackend } from '@unroll/tensor';
 * registerBackend('reference', () => jsBackend());
 * setBackend('reference');
 * ```
 */
export function registerBackend(name: string, factory: () => Backend): void {
  registry.set(name, factory);
}

/**
 * Removes a registered backend (not 'js'); the active backend stays active. Returns whether the
 * name was registered.
 *
 * @example
 * ```ts
 * import { jsBackend, listBackends, registerBackend, unregisterBackend } from '@unroll/tensor';
 * registerBackend('mine', () => jsBackend());
 * unregisterBackend('mine');
 * console.log(listBackends().includes('mine')); // false
 * ```
 */
export function unregisterBackend(name: string): boolean {
  if (name === 'js') throw new ArgumentError("unregisterBackend: the reference 'js' backend cannot be removed");
  discovered.delete(name);
  return registry.delete(name);
}

/**
 * Names of the registered backends (a backend package found on first use is registered then).
 *
 * @example
 * ```ts
 * import { listBackends } from '@unroll/tensor';
 * console.log(listBackends()); // ['js', ...]
 * ```
 */
export function listBackends(): string[] {
  return [...registry.keys()];
}

/** Registers the named backend package's backend when it is installed and can run here. */
function discover(name: string): Discovery | undefined {
  const p = BACKEND_PACKAGES.find((c) => c.name === name);
  if (!p) return undefined;
  const d = discoverBackend(p, loaders());
  if (d.found === 'backend') {
    registry.set(name, d.factory);
    discovered.add(name);
  }
  return d;
}

/**
 * Selects the backend by name (or passes a Backend value directly). `'native'` and `'wasm'` are
 * found by themselves in Node when `@unroll/backend-native` / `@unroll/backend-wasm` is
 * installed. Tensors are plain typed arrays, so switching at run time needs no change to user
 * code.
 *
 * @example
 * ```ts
 * import { setBackend, getBackend } from '@unroll/tensor';
 * setBackend('js');
 * console.log(getBackend().name); // 'js'
 * ```
 */
export function setBackend(backend: string | Backend): Backend {
  if (typeof backend !== 'string') {
    active = backend;
    return backend;
  }
  if (!registry.has(backend)) {
    const found = discover(backend);
    if (found && found.found !== 'backend') throw new ArgumentError(`setBackend: backend '${backend}' is not available: ${found.reason}`);
  }
  const factory = registry.get(backend);
  if (!factory) {
    throw new ArgumentError(`setBackend: unknown backend '${backend}' (registered: ${listBackends().join(', ') || 'none'})`);
  }
  active = factory();
  return active;
}

/**
 * The default: `UNROLL_BACKEND` when set, else the fastest that runs here: native, then WASM
 * (registered, or installed beside this package), then the reference JS backend. An installed
 * backend package that cannot run (a native addon that failed to build) is reported once on
 * stderr.
 */
function selectDefault(): Backend {
  const fromEnv = typeof process !== 'undefined' ? process.env?.UNROLL_BACKEND : undefined;
  if (fromEnv) return setBackend(fromEnv);
  const problems: string[] = [];
  for (const p of BACKEND_PACKAGES) {
    if (!registry.has(p.name)) {
      const found = discover(p.name);
      if (found && found.found !== 'backend') {
        if (found.found === 'unusable') problems.push(found.reason); // not installed: nothing to say
        continue;
      }
    }
    try {
      active = registry.get(p.name)!();
      break;
    } catch (e) {
      registry.delete(p.name);
      problems.push(`the ${p.name} backend failed to start (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
  }
  active ??= jsBackend();
  if (problems.length > 0 && !noted) {
    noted = true;
    console.warn(`@unroll/tensor: ${problems.join('; ')}; using the ${active.name} backend`);
  }
  return active;
}

/**
 * The active backend. Until one is selected: `UNROLL_BACKEND` (js, wasm, native) when set, else
 * the fastest available (native in Node, then WASM, then JS).
 *
 * @example
 * ```ts
 * import { getBackend } from '@unroll/tensor';
 * console.log(getBackend().name); // 'native' where @unroll/backend-native is installed
 * ```
 */
export function getBackend(): Backend {
  return active ?? selectDefault();
}

/**
 * Forgets the active backend (and backends registered because their package was found), so
 * that the next `getBackend()` picks the default again; with
 * `loaders`, backend packages are looked for with those module loaders instead of Node's
 * `require` (tests, bundlers that provide their own).
 *
 * @example
 * ```ts
 * import { getBackend, resetBackend } from '@unroll/tensor';
 * resetBackend({ loaders: [] }); // find no packages: the default is the fastest registered one
 * console.log(getBackend().name);
 * ```
 */
export function resetBackend(opts: { loaders?: readonly Loader[] } = {}): void {
  active = undefined;
  noted = false;
  for (const name of discovered) registry.delete(name);
  discovered.clear();
  const given = opts.loaders;
  loaders = given ? () => given : nodeLoaders;
}
