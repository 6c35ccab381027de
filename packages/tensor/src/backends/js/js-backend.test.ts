import { afterEach, describe, expect, it } from 'vitest';
import { type Backend, getBackend, listBackends, registerBackend, setBackend } from '../../backend.js';
import { tensor } from '../../creation.js';
import { ArgumentError } from '../../errors.js';
import { describeBackendConformance, expectClose } from '../../testing/index.js';
import { jsBackend } from './index.js';

describeBackendConformance('js', jsBackend);

describe('expectClose', () => {
  it('accepts values within atol + rtol * |expected|, NaN against NaN and equal infinities', () => {
    expectClose([1, 2.00001, Number.NaN, Number.POSITIVE_INFINITY], [1, 2, Number.NaN, Number.POSITIVE_INFINITY], { atol: 0, rtol: 1e-5 });
    expectClose(new Float32Array([0.1]), [0.1], { atol: 1e-8, rtol: 0 });
  });

  it('throws an AssertionError naming the first and worst mismatch', () => {
    expect(() => expectClose([1, 2, 3], [1, 2.5, 3.1], { atol: 0.2, rtol: 0, label: 'demo' })).toThrow(
      'demo: 1 of 3 values differ beyond atol=0.2, rtol=0; first at [1]: got 2, expected 2.5; worst at [1]: got 2, expected 2.5',
    );
    expect(() => expectClose([Number.NaN], [0])).toThrow(/1 of 1 values differ/);
    expect(() => expectClose([0], [Number.NaN])).toThrow(/1 of 1 values differ/);
    expect(() => expectClose([Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY])).toThrow(/differ/);
    expect(() => expectClose([1, 2], [1])).toThrow('length 2 differs from the expected length 1');
    try {
      expectClose([0], [1], { atol: 0, rtol: 0 });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).name).toBe('AssertionError');
    }
  });
});

// the active backend when no test override (UNROLL_TEST_BACKEND) is in force
const startBackend = process.env.UNROLL_TEST_BACKEND ?? 'js';

describe('backend registry', () => {
  afterEach(() => {
    setBackend(startBackend);
  });

  it('js is registered, and active by default', () => {
    expect(listBackends()).toContain('js');
    expect(getBackend().name).toBe(startBackend);
  });

  it('registering does not activate; setBackend by name or by value does, and ops use it', () => {
    let calls = 0;
    const counting = (): Backend => {
      const base = jsBackend();
      return { ...base, name: 'counting', unary: (...args) => { calls++; base.unary(...args); } };
    };
    registerBackend('counting', counting);
    expect(listBackends()).toContain('counting');
    expect(getBackend().name).toBe(startBackend);
    expect(setBackend('counting').name).toBe('counting');
    expect(getBackend().name).toBe('counting');
    expectClose(tensor([0, 1]).exp().data, [1, Math.E], { atol: 0, rtol: 1e-7 });
    expect(calls).toBe(1);
    const direct = jsBackend();
    expect(setBackend(direct)).toBe(direct);
    expect(getBackend()).toBe(direct);
  });

  it('an unknown name is an ArgumentError listing the registered backends', () => {
    expect(() => setBackend('nope')).toThrow(ArgumentError);
    expect(() => setBackend('nope')).toThrow(new RegExp(`^setBackend: unknown backend 'nope' \\(registered: ${listBackends().join(', ')}\\)$`));
  });
});
