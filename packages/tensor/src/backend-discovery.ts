import type { Backend } from './backend-contract.js';

/** A backend package that `@unroll/tensor` looks for when it is installed beside it. */
export interface BackendPackage {
  /** Backend name (`setBackend(name)`). */
  name: string;
  /** npm package. */
  pkg: string;
  /** Export that tells whether the package's kernels can run here. */
  available: string;
  /** Export that returns the backend. */
  create: string;
}

/** The optional backend packages, fastest first. */
export const BACKEND_PACKAGES: readonly BackendPackage[] = [
  { name: 'native', pkg: '@unroll/backend-native', available: 'isNativeAvailable', create: 'nativeBackend' },
  { name: 'wasm', pkg: '@unroll/backend-wasm', available: 'isWasmAvailable', create: 'wasmBackend' },
];

/** What looking for a backend package found. */
export type Discovery =
  | { found: 'backend'; factory: () => Backend }
  | { found: 'unusable'; reason: string }
  | { found: 'missing'; reason: string };

/** A synchronous module loader (Node's `require`, made for a given base path). */
export type Loader = (id: string) => unknown;

interface NodeProcess {
  argv?: string[];
  cwd?: () => string;
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * Node's `require`, once from where this package is installed and once from the application's
 * entry script and working directory (with pnpm, an optional peer is visible from the
 * application even when it is not from here). Empty outside Node (browsers: register backends
 * explicitly) and on Node older than 20.16 (no `process.getBuiltinModule`).
 */
export function nodeLoaders(): Loader[] {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return [];
  const nodeModule = proc.getBuiltinModule('node:module') as { createRequire(from: string): Loader } | undefined;
  const nodePath = proc.getBuiltinModule('node:path') as { resolve(...parts: string[]): string } | undefined;
  const nodeFs = proc.getBuiltinModule('node:fs') as { realpathSync(p: string): string } | undefined;
  if (!nodeModule || !nodePath) return [];
  const bases: string[] = [];
  const here = import.meta.url;
  if (typeof here === 'string' && here.length > 0) bases.push(here);
  if (proc.argv?.[1]) {
    // the script itself, not a bin symlink to it (npm's global bins are links)
    const entry = nodePath.resolve(proc.argv[1]);
    let real = entry;
    try {
      real = nodeFs?.realpathSync(entry) ?? entry;
    } catch {
      // not a file (node -e): resolve from where it says
    }
    bases.push(real);
  }
  if (proc.cwd) bases.push(nodePath.resolve(proc.cwd(), 'index.js'));
  return bases.map((b) => nodeModule.createRequire(b));
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

function isNotFound(e: unknown, pkg: string): boolean {
  const code = (e as { code?: string } | null)?.code;
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && firstLine(e).includes(pkg);
}

/**
 * Loads a backend package with the first loader that finds it and asks whether its kernels run
 * here. `missing`: not installed; `unusable`: installed, but it cannot run (say, the native addon
 * failed to build), with the package's reason.
 *
 * @example
 * ```ts
 * import { BACKEND_PACKAGES, discoverBackend, nodeLoaders } from '@unroll/tensor';
 * const d = discoverBackend(BACKEND_PACKAGES[0]!, nodeLoaders());
 * console.log(d.found); // 'backend' where @unroll/backend-native is installed and built
 * ```
 */
export function discoverBackend(p: BackendPackage, loaders: readonly Loader[]): Discovery {
  for (const load of loaders) {
    let mod: Record<string, unknown>;
    try {
      mod = load(p.pkg) as Record<string, unknown>;
    } catch (e) {
      if (isNotFound(e, p.pkg)) continue;
      return { found: 'unusable', reason: `${p.pkg} did not load (${firstLine(e)})` };
    }
    const available = mod[p.available];
    const create = mod[p.create];
    if (typeof available !== 'function' || typeof create !== 'function') {
      return { found: 'unusable', reason: `${p.pkg} does not export ${p.available}() and ${p.create}()` };
    }
    try {
      if (!available()) return { found: 'unusable', reason: `${p.pkg} is installed but its kernels cannot run here${whyNot(mod)}` };
    } catch (e) {
      return { found: 'unusable', reason: `${p.pkg} failed its availability check (${firstLine(e)})` };
    }
    return { found: 'backend', factory: create as () => Backend };
  }
  return { found: 'missing', reason: `${p.pkg} is not installed` };
}

/** The native package explains a failed addon load when asked for its info. */
function whyNot(mod: Record<string, unknown>): string {
  const info = mod.nativeInfo;
  if (typeof info !== 'function') return '';
  try {
    info();
    return '';
  } catch (e) {
    return ` (${firstLine(e)})`;
  }
}
