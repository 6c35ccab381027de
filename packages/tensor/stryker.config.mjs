// Mutation testing for @unroll/tensor: `pnpm mutation --package tensor` (see ../../stryker.shared.mjs).
import { mutationConfig } from '../../stryker.shared.mjs';

export default mutationConfig('tensor');
