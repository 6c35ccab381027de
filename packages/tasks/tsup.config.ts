import { packageBuild } from '../../tsup.shared.ts';

export default packageBuild({ index: 'src/index.ts', 'node/index': 'src/node/index.ts', 'charlm/index': 'src/charlm/index.ts', 'translate/index': 'src/translate/index.ts' }, { shims: true });
