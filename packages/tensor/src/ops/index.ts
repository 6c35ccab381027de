export * from './elementwise.js';
export * from './indexing.js';
export * from './inplace.js';
export * from './matmul.js';
export * from './movement.js';
export * from './reduce.js';
export * from './softmax.js';
