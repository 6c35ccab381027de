// Mutation testing for @unroll/autograd: `pnpm mutation --package autograd` (see ../../stryker.shared.mjs).
import { mutationConfig } from '../../stryker.shared.mjs';

export default mutationConfig('autograd');
