import { defineConfig, type Options } from 'tsup';

/**
 * The build every published package shares: ESM and CommonJS, type declarations for both
 * (`.d.ts`, `.d.cts`), source maps, ES2022. `entry` maps output names to sources, one per
 * subpath export; `overrides` holds what a package does differently.
 *
 * @example
 * // packages/tensor/tsup.config.ts
 * import { packageBuild } from '../../tsup.shared.ts';
 *
 * export default packageBuild({ index: 'src/index.ts', 'node/index': 'src/node/index.ts' }, { shims: true });
 */
export function packageBuild(entry: Record<string, string>, overrides: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    ...overrides,
  });
}
