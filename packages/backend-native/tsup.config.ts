import { packageBuild } from '../../tsup.shared.ts';

// shims: import.meta.url in the CommonJS build (the addon is found relative to the package root)
export default packageBuild({ index: 'src/index.ts' }, { shims: true });
