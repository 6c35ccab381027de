export { tokenAccuracy } from './accuracy.js';
export { type BleuResult, corpusBleu } from './bleu.js';
export type { Token as MetricToken } from './corpus.js';
export { type ErrorRate, editDistance, errorRate, sequenceErrorRate, tokenErrorRate, wordErrorRate } from './edit-distance.js';
