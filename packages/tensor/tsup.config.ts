import { packageBuild } from '../../tsup.shared.ts';

export default packageBuild(
  { index: 'src/index.ts', 'node/index': 'src/node/index.ts', 'testing/index': 'src/testing/index.ts' },
  // vitest: a peer of the testing entry. shims: import.meta.url in the CommonJS build
  // (backend-discovery.ts resolves optional packages from it)
  { external: ['vitest'], shims: true },
);
