import {
  add, argmax, eq, exp, Generator, ge, gt, le, log, lt, mul, ne, ones, randn, relu, scalar, sign, sqrt, sum,
  type Tensor, tensor, where, zeros,
} from '@unroll/tensor';
import { describe, expect, it } from 'vitest';
import {
  AnomalyError, assertGradcheck, defineFunction, detectAnomaly, GradientError, grad, isGradEnabled, type Node, noGrad,
  valueAndGrad,
} from './index.js';

const f64 = (v: number[], shape?: number[]): Tensor => tensor(v, shape, 'float64');
const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 12): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, digits);
};

describe('backward through long unrolled chains', () => {
  it('a 10,000-step recurrence h = tanh(h*w + x_t) backpropagates without stack overflow', () => {
    const steps = 10_000;
    const gen = new Generator(3);
    const xs = Array.from({ length: steps }, () => 0.5 * gen.normal());
    const w = scalar(0.7, 'float64').requiresGrad_();
    const h0 = scalar(0.1, 'float64').requiresGrad_();
    let h: Tensor = h0;
    for (let t = 0; t < steps; t++) h = h.mul(w).add(xs[t]!).tanh();
    h.backward();

    // forward-mode reference in plain JS: dh/dw and dh/dh0 along the same chain
    let v = 0.1;
    let dw = 0;
    let dh0 = 1;
    for (let t = 0; t < steps; t++) {
      const next = Math.tanh(v * 0.7 + xs[t]!);
      const d = 1 - next * next;
      dw = d * (v + 0.7 * dw);
      dh0 = d * 0.7 * dh0;
      v = next;
    }
    expect(h.item()).toBeCloseTo(v, 12);
    expect(w.grad!.item()).toBeCloseTo(dw, 10);
    expect(Math.abs(w.grad!.item())).toBeGreaterThan(1e-3); // not trivially zero
    expect(h0.grad!.item()).toBeCloseTo(dh0, 12);
  });

  it('a simple chain y = exp(3 * (x + 1)^2) matches the hand derivative', () => {
    const x = f64([0.2, -0.4]).requiresGrad_();
    const y = exp(mul(add(x, 1).square(), 3));
    y.sum().backward();
    const expected = [0.2, -0.4].map((v) => Math.exp(3 * (v + 1) ** 2) * 6 * (v + 1));
    close(x.grad!.data, expected, 9);
  });

  it('a 10,000-term sum of shared-leaf products accumulates every contribution', () => {
    const x = f64([1.5]).requiresGrad_();
    let acc: Tensor = zeros([1], { dtype: 'float64' });
    for (let i = 0; i < 10_000; i++) acc = acc.add(x.mul(i % 3));
    acc.sum().backward();
    // sum over i of (i mod 3) = 3333 * (0 + 1 + 2) + (9999 mod 3 = 0)
    expect(x.grad!.item()).toBe(3333 * 3);
  });
});

describe('gradients of leaves', () => {
  it('two backward() calls add into .grad', () => {
    const x = f64([1, 2, 3]).requiresGrad_();
    x.square().sum().backward();
    close(x.grad!.data, [2, 4, 6]);
    x.mul(5).sum().backward();
    close(x.grad!.data, [7, 9, 11]);
  });

  it('.grad is a fresh tensor, not an alias of the seed gradient', () => {
    const x = f64([1, 2]).requiresGrad_();
    const g = f64([1, 1]);
    x.add(0).backward(g);
    x.add(0).backward(g);
    close(g.data, [1, 1]);
    close(x.grad!.data, [2, 2]);
  });

  it('backward on a non-scalar without a gradient throws a GradientError naming the shape', () => {
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]).requiresGrad_();
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(GradientError);
    expect(() => y.backward()).toThrow(/\(2,3\)/);
  });

  it('backward with an explicit gradient of the output shape', () => {
    const x = f64([1, 2, 3, 4], [2, 2]).requiresGrad_();
    const y = x.square().mul(3);
    y.backward(f64([1, 0, -1, 2], [2, 2]));
    close(x.grad!.data, [6, 0, -18, 48]);
    expect(x.grad!.shape).toEqual([2, 2]);
  });

  it('an explicit gradient of the wrong shape is a GradientError naming both shapes', () => {
    const x = f64([1, 2, 3, 4], [2, 2]).requiresGrad_();
    const y = x.mul(2);
    expect(() => y.backward(f64([1, 2, 3, 4]))).toThrow(GradientError);
    expect(() => y.backward(f64([1, 2, 3, 4]))).toThrow(/\(4\).*\(2,2\)/);
  });

  it('backward on a tensor that does not require grad is a GradientError', () => {
    const x = f64([1, 2]);
    const y = x.mul(2).sum();
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(GradientError);
  });

  it('broadcast gradients are reduced to the leaf shape', () => {
    const a = f64([1, 2, 3], [3]).requiresGrad_();
    const b = f64([10, 20], [2, 1]).requiresGrad_();
    mul(a, b).sum().backward();
    close(a.grad!.data, [30, 30, 30]);
    expect(b.grad!.shape).toEqual([2, 1]);
    close(b.grad!.data, [6, 6]);
  });

  it('a float32 leaf receives a float32 gradient', () => {
    const x = tensor([1, 2]).requiresGrad_();
    x.astype('float64').square().sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    close(x.grad!.data, [2, 4], 6);
  });
});

describe('noGrad and detach', () => {
  it('noGrad records nothing', () => {
    const x = f64([1, 2]).requiresGrad_();
    const y = noGrad(() => x.mul(3).exp().sum());
    expect(y.requiresGrad).toBe(false);
    expect(y.gradNode).toBeUndefined();
    expect(() => y.backward()).toThrow(GradientError);
    expect(x.mul(3).requiresGrad).toBe(true); // recording resumes afterwards
  });

  it('noGrad nests and restores the previous state, also after a throw', () => {
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      noGrad(() => expect(isGradEnabled()).toBe(false));
      expect(isGradEnabled()).toBe(false); // the inner call must not re-enable recording
    });
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('noGrad returns its callback value', () => {
    expect(noGrad(() => 42)).toBe(42);
  });

  it('detach cuts the graph but shares data', () => {
    const x = f64([2, 3]).requiresGrad_();
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.data).toBe(x.data);
    const y = add(mul(d, d), x); // only the `+ x` path reaches x
    y.sum().backward();
    close(x.grad!.data, [1, 1]);
  });
});

describe('detectAnomaly', () => {
  it('names sqrt when its backward at 0 produces Infinity', () => {
    const x = f64([0, 4]).requiresGrad_();
    const y = sqrt(x).mul(2).sum();
    let err: unknown;
    try {
      detectAnomaly(() => y.backward());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AnomalyError);
    expect((err as Error).message).toContain("'sqrt'");
    expect((err as Error).message).toMatch(/Infinity/);
  });

  it('names log (not relu or sum) when log(relu(x)) hits log(0)', () => {
    const x = f64([-1, 2]).requiresGrad_();
    const y = log(relu(x)).sum();
    expect(() => detectAnomaly(() => y.backward())).toThrow(/backward of 'log'/);
  });

  it('without detectAnomaly the non-finite gradient just propagates', () => {
    const x = f64([0, 4]).requiresGrad_();
    expect(() => sqrt(x).sum().backward()).not.toThrow();
    expect(x.grad!.data[0]).toBe(Infinity);
    expect(x.grad!.data[1]).toBeCloseTo(0.25, 12);
  });

  it('finite gradients pass under detectAnomaly, and the mode is scoped', () => {
    const x = f64([1, 4]).requiresGrad_();
    detectAnomaly(() => sqrt(x).sum().backward());
    close(x.grad!.data, [0.5, 0.25]);
    const z = f64([0]).requiresGrad_();
    expect(() => sqrt(z).sum().backward()).not.toThrow();
  });

  it('names a custom function by its name', () => {
    const bad = defineFunction<null>({
      name: 'myBrokenOp',
      forward: ([a]) => ({ outputs: [a!.mul(1)], ctx: null }),
      backward: (_c, [g]) => [g ? g.mul(Number.NaN) : null],
    });
    const x = f64([1]).requiresGrad_();
    const y = bad([x])[0]!.sum();
    expect(() => detectAnomaly(() => y.backward())).toThrow(/myBrokenOp.*NaN/);
  });
});

describe('defineFunction', () => {
  const cube = defineFunction<{ x: Tensor }>({
    name: 'cube',
    forward: ([x]) => ({ outputs: [x!.pow(3)], ctx: { x: x! } }),
    backward: ({ x }, [g]) => [g ? g.mul(x.square()).mul(3) : null],
  });

  it('a single-output function is one node with a hand-written backward and passes gradcheck', () => {
    const x = f64([0.5, -1.2, 2]).requiresGrad_();
    const y = cube([x])[0]!;
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    close(x.grad!.data, [0.75, 4.32, 12]);
    assertGradcheck((a) => cube([a!])[0]!.tanh(), [randn([2, 3], { dtype: 'float64', generator: new Generator(1) })]);
  });

  it('does not track when no input requires grad, or inside noGrad', () => {
    expect(cube([f64([1])])[0]!.requiresGrad).toBe(false);
    const x = f64([1]).requiresGrad_();
    expect(noGrad(() => cube([x])[0]!).requiresGrad).toBe(false);
  });

  it('a two-output function: the unused output gets a null gradient, and gradcheck passes', () => {
    const seen: (Tensor | null)[][] = [];
    // outputs: p = a * b, s = a + b (broadcast)
    const prodSum = defineFunction<{ a: Tensor; b: Tensor }>({
      name: 'prodSum',
      forward: ([a, b]) => ({ outputs: [mul(a!, b!), add(a!, b!)], ctx: { a: a!, b: b! } }),
      backward: ({ a, b }, [gp, gs]) => {
        seen.push([gp ?? null, gs ?? null]);
        let ga: Tensor | null = null;
        let gb: Tensor | null = null;
        if (gp) { ga = mul(gp, b); gb = mul(gp, a); }
        if (gs) { ga = ga ? add(ga, gs) : gs; gb = gb ? add(gb, gs) : gs; }
        return [ga, gb];
      },
    });
    const gen = new Generator(5);
    const a = randn([2, 3], { dtype: 'float64', generator: gen }).requiresGrad_();
    const b = randn([2, 3], { dtype: 'float64', generator: gen }).requiresGrad_();
    const [p, s] = prodSum([a, b]);
    expect(p!.requiresGrad && s!.requiresGrad).toBe(true);
    p!.sum().backward();
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).not.toBeNull();
    expect(seen[0]![1]).toBeNull();
    close(a.grad!.data, b.data);
    close(b.grad!.data, a.data);

    seen.length = 0;
    s!.sum().backward();
    expect(seen[0]![0]).toBeNull();
    expect(seen[0]![1]).not.toBeNull();

    assertGradcheck((x, y) => prodSum([x!, y!])[0]!.exp(), [a, b]);
    assertGradcheck((x, y) => prodSum([x!, y!])[1]!.square(), [a, b]);
    assertGradcheck((x, y) => { const [pp, ss] = prodSum([x!, y!]); return pp!.mul(ss!); }, [a, b]);
  });

  it('takes non-tensor attributes: forward reads them per call, backward through ctx', () => {
    const scale = defineFunction<{ by: number }, { by: number }>({
      name: 'scale',
      forward: ([x], { by }) => ({ outputs: [mul(x!, by)], ctx: { by } }),
      backward: ({ by }, [g]) => [g ? mul(g, by) : null],
    });
    const x = f64([1, 2]).requiresGrad_();
    const y = scale([x], { by: 3 })[0]!;
    close(y.data, [3, 6]);
    add(y, scale([x], { by: -0.5 })[0]!).sum().backward();
    close(x.grad!.data, [2.5, 2.5]);
    assertGradcheck((a) => scale([a!], { by: 1.5 })[0]!.tanh(), [randn([2, 2], { dtype: 'float64', generator: new Generator(2) })]);
  });

  it('records built-in ops by OpName and defined functions by their own name', () => {
    const x = f64([1, 2]).requiresGrad_();
    const y = x.exp();
    expect((y.gradNode as { node: Node }).node.origin).toEqual({ kind: 'op', op: 'exp' });
    const z = cube([x])[0]!;
    expect((z.gradNode as { node: Node }).node.origin).toEqual({ kind: 'function', name: 'cube' });
  });

  it('both outputs used downstream in one graph sum their contributions at the node', () => {
    let calls = 0;
    const twice = defineFunction<null>({
      name: 'twice',
      forward: ([x]) => ({ outputs: [x!.mul(2), x!.mul(3)], ctx: null }),
      backward: (_c, [g0, g1]) => {
        calls++;
        return [add(g0 ? g0.mul(2) : 0, g1 ? g1.mul(3) : 0)];
      },
    });
    const x = f64([1, 2]).requiresGrad_();
    const [u, v] = twice([x]);
    // use u twice and v through a longer path, so the node is reached from several users
    add(add(u!, u!), v!.exp().log()).sum().backward();
    expect(calls).toBe(1); // the node runs once, after all its users
    close(x.grad!.data, [7, 7]);
  });
});

describe('functional grad and valueAndGrad', () => {
  it('valueAndGrad returns the value and gradients, leaving the arguments untouched', () => {
    const x = f64([1, 2]);
    const y = f64([3, -1]);
    const [v, [gx, gy]] = valueAndGrad((a, b) => a!.mul(b!).sum().add(a!.square().sum()))(x, y);
    expect(v).toBeCloseTo(3 - 2 + 1 + 4, 12);
    close(gx!.data, [3 + 2, -1 + 4]);
    close(gy!.data, [1, 2]);
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(false);
  });

  it('an argument the function ignores gets a zero gradient of its shape', () => {
    const [, [, gz]] = valueAndGrad((a) => a!.sum())(f64([1]), f64([5, 6, 7], [3, 1]));
    expect(gz!.shape).toEqual([3, 1]);
    close(gz!.data, [0, 0, 0]);
  });

  it('grad of x^3 is 3x^2, and calling twice does not accumulate', () => {
    const g = grad((a) => a!.pow(3).sum());
    const x = f64([2, -1]);
    close(g(x)[0]!.data, [12, 3]);
    close(g(x)[0]!.data, [12, 3]);
  });

  it('a non-scalar result is a GradientError', () => {
    expect(() => grad((a) => a!.mul(2))(f64([1, 2]))).toThrow(GradientError);
  });
});

describe('non-differentiable ops', () => {
  it('comparisons and argmax produce untracked int32 outputs', () => {
    const x = f64([-1, 0, 2]).requiresGrad_();
    for (const out of [gt(x, 0), ge(x, 0), lt(x, 0), le(x, 0), eq(x, 0), ne(x, 0), argmax(x)]) {
      expect(out.requiresGrad).toBe(false);
      expect(out.gradNode).toBeUndefined();
      expect(out.dtype).toBe('int32');
    }
    expect(sign(x).requiresGrad).toBe(false);
  });

  it('a mask built from a comparison still lets gradients flow through where and mul', () => {
    const x = f64([-1, 0.5, 2]).requiresGrad_();
    const y = where(gt(x, 0), x.square(), x.mul(-3));
    sum(mul(y, ones([3], { dtype: 'float64' }))).backward();
    close(x.grad!.data, [-3, 1, 4]);
  });
});
