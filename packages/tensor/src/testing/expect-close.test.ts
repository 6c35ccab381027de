import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { expectClose, expectTensorClose } from './expect-close.js';

describe('expectClose', () => {
  it('passes within atol + rtol * |expected| and fails just beyond, naming the first and worst element', () => {
    expect(() => expectClose([1.5, 100], [1, 99], { atol: 0.5, rtol: 0.01 })).not.toThrow();
    expect(() => expectClose([1.5001, 100], [1, 99], { atol: 0.5, rtol: 0 , label: 'w' })).toThrow(
      'w: 2 of 2 values differ beyond atol=0.5, rtol=0; first at [0]: got 1.5001, expected 1; worst at [1]: got 100, expected 99',
    );
  });

  it('matches NaN only with NaN and an infinity only with the same one; lengths must agree', () => {
    expect(() => expectClose([Number.NaN, Number.POSITIVE_INFINITY], [Number.NaN, Number.POSITIVE_INFINITY])).not.toThrow();
    expect(() => expectClose([Number.NaN], [0], { atol: 1 })).toThrow('1 of 1 values differ');
    expect(() => expectClose([0], [Number.NaN], { atol: 1 })).toThrow('1 of 1 values differ');
    expect(() => expectClose([Number.NEGATIVE_INFINITY], [Number.POSITIVE_INFINITY])).toThrow('1 of 1 values differ');
    expect(() => expectClose([1, 2], [1])).toThrow('length 2 differs from the expected length 1');
  });
});

describe('expectTensorClose', () => {
  it('checks the shape, the dtype of a tensor expectation and the values', () => {
    const a = tensor([[1, 2]], undefined, 'float64');
    expect(() => expectTensorClose(a, { shape: [1, 2], data: [1, 2] })).not.toThrow();
    expect(() => expectTensorClose(a, { shape: [2], data: [1, 2] }, { label: 'y' })).toThrow('y: shape (1,2) differs from the expected (2)');
    expect(() => expectTensorClose(a, tensor([[1, 2]], undefined, 'float32'))).toThrow('dtype float64 differs from the expected float32');
    expect(() => expectTensorClose(a, { shape: [1, 2], data: [1, 2.1] })).toThrow('1 of 2 values differ');
    expect(() => expectTensorClose(null, { shape: [1], data: [1] }, { label: 'grad' })).toThrow('grad: expected a tensor, got null');
  });
});
