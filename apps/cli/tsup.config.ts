import { packageBuild } from '../../tsup.shared.ts';

// An executable: ESM only, no declarations; the native backend stays a runtime import.
export default packageBuild({ cli: 'src/cli.ts' }, { format: ['esm'], dts: false, platform: 'node', external: ['@unroll/backend-native'] });
