// Mutation testing (StrykerJS with the vitest runner) for the core packages: shared settings and
// what each package mutates. Each package's stryker.config.mjs calls mutationConfig(name); run it
// with `pnpm mutation --package <name>` or `pnpm mutation --since <git ref>` (scripts/mutation.mjs).
// Not part of CI: a package takes tens of minutes on 2 cores.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * What each package excludes from mutation, besides its tests (`src/**\/*.test.ts`):
 * - tensor `src/backends/`: the JS kernels (elementwise, reduce, gemm, softmax, recurrent
 *   gates) and the reference recurrent time loops. They are the reference that the shared
 *   conformance suite (`runBackendConformance`) holds the native and WASM backends to, case by
 *   case, so a bug in them fails the conformance runs on those backends (scripts/test.sh reruns
 *   the suites with UNROLL_TEST_BACKEND=native and =wasm); mutating them on the JS backend alone
 *   mostly re-measures the gemm/elementwise loops at great cost.
 * - test helpers that are not `.test.ts` files: tensor `src/testing/` (the conformance suite
 *   itself) and `src/test-utils.ts`, autograd `src/optim/test-helpers.ts`, cells
 *   `src/torch-cases.helper.ts`.
 * - autograd `src/init.ts`: its test initialises a 1024x1024 orthogonal matrix (the size users
 *   ask for): 2 s as it is, but its loops instrumented for per-test coverage kept Stryker's
 *   initial run going for more than 8 minutes on 2 cores. Its functions keep their ordinary tests.
 */
export const MUTATION_PACKAGES = {
  tensor: { exclude: ['src/backends/', 'src/testing/', 'src/test-utils.ts'] },
  autograd: { exclude: ['src/optim/test-helpers.ts', 'src/init.ts'] },
  cells: { exclude: ['src/torch-cases.helper.ts'] },
  tasks: { exclude: [] },
};

/**
 * Whether `file` (relative to the package directory, forward slashes) is mutated for `pkg`.
 *
 * @example
 * isMutated('tensor', 'src/ops/matmul.ts'); // true
 * isMutated('tensor', 'src/backends/js/gemm.ts'); // false: covered through the other backends
 */
export function isMutated(pkg, file) {
  const spec = MUTATION_PACKAGES[pkg];
  if (spec === undefined) throw new Error(`mutation: unknown package '${pkg}' (one of ${Object.keys(MUTATION_PACKAGES).join(', ')})`);
  return file.startsWith('src/') && file.endsWith('.ts') && !file.endsWith('.test.ts') && !spec.exclude.some((p) => file.startsWith(p));
}

/**
 * The Stryker options for one core package (run from the package's directory).
 *
 * @example
 * // packages/cells/stryker.config.mjs
 * import { mutationConfig } from '../../stryker.shared.mjs';
 * export default mutationConfig('cells');
 */
export function mutationConfig(pkg) {
  const spec = MUTATION_PACKAGES[pkg];
  if (spec === undefined) throw new Error(`mutation: unknown package '${pkg}' (one of ${Object.keys(MUTATION_PACKAGES).join(', ')})`);
  return {
    packageManager: 'pnpm',
    plugins: [require.resolve('@stryker-mutator/vitest-runner')],
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.config.ts', related: true },
    coverageAnalysis: 'perTest',
    mutate: ['src/**/*.ts', '!src/**/*.test.ts', ...spec.exclude.map((p) => (p.endsWith('/') ? `!${p}**` : `!${p}`))],
    // The sandbox sits two levels below the repository root, as a package does, so that the
    // package's vitest.config.ts finds ../../vitest.shared.ts; one directory per package, so
    // that two packages can run at once.
    tempDirName: `../../.stryker-tmp-${pkg}`,
    // At that depth the package's tsconfig.json `extends: ../../tsconfig.base.json` is right as it
    // is; Stryker would rewrite it for a sandbox inside the package. A file name that does not
    // exist turns that rewrite off (Stryker uses `tsconfigFile` for nothing else here: no checker).
    tsconfigFile: 'tsconfig.stryker-unused.json',
    ignorePatterns: ['dist', 'build', 'reports'],
    incremental: true,
    incrementalFile: 'reports/stryker-incremental.json',
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: 'reports/mutation/mutation.html' },
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    thresholds: { high: 90, low: 80, break: null },
    concurrency: 1,
    timeoutMS: 20_000,
    // the initial run (the whole suite under coverage instrumentation) can pass 5 minutes on a busy 2-core machine
    dryRunTimeoutMinutes: 20,
  };
}
