// Mutation testing for @unroll/cells: `pnpm mutation --package cells` (see ../../stryker.shared.mjs).
import { mutationConfig } from '../../stryker.shared.mjs';

export default mutationConfig('cells');
