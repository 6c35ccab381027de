import { UnrollError } from '@unroll/tensor';

/**
 * A training step produced a NaN or infinite loss or gradient norm (the step's update was not
 * applied), or a checkpoint was asked of non-finite weights (nothing was written). Either way
 * the last saved checkpoint is still good.
 *
 * @example
 * ```ts
 * import { NonFiniteError } from '@unroll/tasks';
 * try { await train(options); } catch (err) {
 *   if (err instanceof NonFiniteError) console.error(`diverged at step ${err.step} (${err.quantity})`);
 * }
 * ```
 */
export class NonFiniteError extends UnrollError {
  constructor(
    /** The 1-based step that went non-finite. */
    readonly step: number,
    /** Which value was non-finite. */
    readonly quantity: 'loss' | 'gradient norm' | 'weights',
    /** The value itself (NaN, Infinity or -Infinity). */
    readonly value: number,
  ) {
    super(
      quantity === 'weights'
        ? `training diverged by step ${step}: a weight is ${value}; no checkpoint was written (lower the learning rate or clip the gradients)`
        : `training diverged at step ${step}: the ${quantity} is ${value}; the update was not applied and no checkpoint was written (lower the learning rate or clip the gradients)`,
    );
  }
}
