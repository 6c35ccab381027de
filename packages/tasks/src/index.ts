/**
 * @unroll/tasks: complete models built from the lower packages, on one shared core (the training
 * loop with budgets, schedules, clipping, a non-finite guard and progress events; the checkpoint
 * envelope with exact resume; the task registry). Today: the character-level
 * language model (vocabulary, stream batching, training with truncated BPTT, sampling with
 * argmax / temperature / top-k / top-p, bits-per-character evaluation, checkpoints), and the
 * metrics every task shares (corpus BLEU, token accuracy, edit distance, word/phoneme error rate).
 *
 * @example
 * ```ts
 * import { CharLMTrainer, sampleText } from '@unroll/tasks';
 * const trainer = CharLMTrainer.create(text);
 * for (let i = 0; i < 500; i++) trainer.step();
 * console.log(sampleText(trainer.model, trainer.vocab, { prime: 'The ', length: 200, temperature: 0.8 }));
 * ```
 */
export * from './charlm/index.js';
export * from './core/index.js';
export * from './metrics/index.js';
export * from './translate/index.js';
