import type { ViteUserConfig } from 'vitest/config';

/**
 * Tests read package sources directly through the `unroll-source` export condition, so a test
 * run never needs a prior build.
 */
export const sharedTestConfig: ViteUserConfig = {
  resolve: { conditions: ['unroll-source'] },
  ssr: { resolve: { conditions: ['unroll-source'], externalConditions: ['unroll-source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'threads',
    setupFiles: [new URL('./vitest.backend-setup.ts', import.meta.url).pathname],
  },
};
