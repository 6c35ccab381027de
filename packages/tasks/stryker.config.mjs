// Mutation testing for @unroll/tasks: `pnpm mutation --package tasks` (see ../../stryker.shared.mjs).
import { mutationConfig } from '../../stryker.shared.mjs';

export default mutationConfig('tasks');
