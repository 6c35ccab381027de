import {
  add, allocArray, broadcastTo, type DType, div, eq, exp, formatShape, gather, gemm, getBackend, gt, indexAdd,
  indexSelect, matmul, mul, neg, type OpAttrs, type OpName, permute, reshape, ShapeError, type SliceSpec, scatterAdd,
  scatterStrided, sign, slice, split, stridesOf, sub, sum, Tensor, transpose, where, zeros,
} from '@unroll/tensor';
import { GradientError } from './errors.js';

/** What a gradient rule sees of the op it differentiates. */
export interface RuleContext {
  inputs: readonly Tensor[];
  output: Tensor;
  attrs: OpAttrs;
}

/**
 * A gradient rule: from the gradient of the output, the gradient of each input (null for inputs
 * that are not differentiable). Gradients may keep the broadcast shape: the engine reduces them
 * to each input's shape in one place (`reduceToShape`).
 */
export type Rule = (g: Tensor, ctx: RuleContext) => (Tensor | null)[];

function activation(kind: 'tanh' | 'sigmoid' | 'relu'): Rule {
  return (g, { output }) => {
    const out = allocArray(g.dtype, g.size);
    getBackend().activationBackward(kind, output.data, g.data, out);
    return [new Tensor(out, g.shape)];
  };
}

function extremum(): Rule {
  return (g, { inputs: [x], output, attrs }) => {
    const keep = keepShape(x!.shape, attrs.axes as number[]);
    const mask = eq(x!, reshape(output, keep)).astype(g.dtype);
    const count = sum(mask, attrs.axes as number[], true);
    return [div(mul(mask, reshape(g, keep)), count)];
  };
}

function keepShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Expands a reduction's output gradient back over the reduced axes. */
function expandReduced(g: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  return broadcastTo(reshape(g, keepShape(shape, axes)), shape);
}

const atLeast2d = (t: Tensor, asRow: boolean): Tensor => (t.ndim === 1 ? reshape(t, asRow ? [1, t.shape[0]!] : [t.shape[0]!, 1]) : t);

/**
 * Every gradient rule, keyed by the op name the tensor package dispatches (`OpName`): an op
 * without an entry is a compile-time error. `null` marks ops that are not differentiable (their
 * outputs are constants to the tape).
 *
 * @example
 * ```ts
 * import { RULES } from '@unroll/autograd';
 * console.log(RULES.eq === null); // true: comparisons have no gradient
 * ```
 */
export const RULES: Readonly<Record<OpName, Rule | null>> = {
  // elementwise binary (broadcast gradients are reduced by the engine)
  add: (g) => [g, g],
  sub: (g) => [g, neg(g)],
  mul: (g, { inputs: [a, b] }) => [mul(g, b!), mul(g, a!)],
  div: (g, { inputs: [, b], output }) => [div(g, b!), neg(div(mul(g, output), b!))],
  maximum: (g, { inputs: [a, b] }) => {
    const share = add(gt(a!, b!).astype(g.dtype), mul(eq(a!, b!).astype(g.dtype), 0.5));
    return [mul(g, share), mul(g, sub(1, share))];
  },
  minimum: (g, { inputs: [a, b] }) => {
    const share = add(gt(b!, a!).astype(g.dtype), mul(eq(a!, b!).astype(g.dtype), 0.5));
    return [mul(g, share), mul(g, sub(1, share))];
  },
  where: (g, { inputs: [c] }) => [null, where(c!, g, 0), where(c!, 0, g)],

  // elementwise unary
  neg: (g) => [neg(g)],
  abs: (g, { inputs: [x] }) => [mul(g, sign(x!))],
  exp: (g, { output }) => [mul(g, output)],
  log: (g, { inputs: [x] }) => [div(g, x!)],
  sqrt: (g, { output }) => [div(mul(g, 0.5), output)],
  square: (g, { inputs: [x] }) => [mul(g, mul(x!, 2))],
  tanh: activation('tanh'),
  sigmoid: activation('sigmoid'),
  relu: activation('relu'),
  pow: (g, { inputs: [x], attrs }) => {
    const p = attrs.p as number;
    return [mul(g, mul(x!.pow(p - 1), p))];
  },
  clip: (g, { inputs: [x], attrs }) => {
    const inside = x!.ge(attrs.min as number).mul(x!.le(attrs.max as number)).astype(g.dtype);
    return [mul(g, inside)];
  },
  astype: (g, { inputs: [x] }) => [g.astype(x!.dtype as DType)],

  // reductions
  sum: (g, { inputs: [x], attrs }) => [expandReduced(g, x!.shape, attrs.axes as number[])],
  max: extremum(),
  min: extremum(),
  logsumexp: (g, { inputs: [x], output, attrs }) => {
    const keep = keepShape(x!.shape, attrs.axes as number[]);
    return [mul(reshape(g, keep), exp(sub(x!, reshape(output, keep))))];
  },

  // linear algebra
  matmul: (g, { inputs: [a, b] }) => {
    const a2 = atLeast2d(a!, true);
    const b2 = atLeast2d(b!, false);
    const outShape = [...g.shape];
    if (a!.ndim === 1) outShape.splice(outShape.length - (b!.ndim === 1 ? 0 : 1), 0, 1);
    if (b!.ndim === 1) outShape.push(1);
    const g2 = reshape(g, outShape);
    const ga = matmul(g2, transpose(b2));
    const gb = matmul(transpose(a2), g2);
    return [reduceToShape(ga, a2.shape).reshape(a!.shape), reduceToShape(gb, b2.shape).reshape(b!.shape)];
  },
  gemm: (g, { inputs: [a, b, c], attrs }) => {
    const { transA, transB, alpha, beta } = attrs as { transA: boolean; transB: boolean; alpha: number; beta: number };
    const gA = transA
      ? gemm(b!, g, { transA: transB, transB: true, alpha })
      : gemm(g, b!, { transB: !transB, alpha });
    const gB = transB
      ? gemm(g, a!, { transA: true, transB: transA, alpha })
      : gemm(a!, g, { transA: !transA, alpha });
    return c === undefined ? [gA, gB] : [gA, gB, mul(g, beta)];
  },
  softmax: (g, { output, attrs }) => {
    const axis = attrs.axis as number;
    return [mul(output, sub(g, sum(mul(g, output), axis, true)))];
  },
  logSoftmax: (g, { output, attrs }) => {
    const axis = attrs.axis as number;
    return [sub(g, mul(exp(output), sum(g, axis, true)))];
  },

  // movement
  reshape: (g, { inputs: [x] }) => [reshape(g, x!.shape)],
  permute: (g, { attrs }) => {
    const axes = attrs.axes as number[];
    const inverse = new Array<number>(axes.length);
    axes.forEach((a, i) => { inverse[a] = i; });
    return [permute(g, inverse)];
  },
  slice: (g, { inputs: [x], attrs }) => [unslice(g, x!, attrs.begins as number[], attrs.steps as number[], attrs.viewShape as number[])],
  broadcastTo: (g) => [g],
  pad: (g, { inputs: [x], attrs }) => {
    const widths = attrs.widths as [number, number][];
    const specs: SliceSpec[] = widths.map(([before], d) => [before, before + x!.shape[d]!]);
    return [slice(g, specs)];
  },
  concat: (g, { attrs }) => split(g, attrs.sizes as number[], attrs.axis as number),

  // indexing
  indexSelect: (g, { inputs: [x, idx], attrs }) => [indexAdd(zeros(x!.shape, { dtype: g.dtype }), attrs.axis as number, idx!, g), null],
  indexAdd: (g, { inputs: [, idx], attrs }) => [g, null, indexSelect(g, attrs.axis as number, idx!)],
  gather: (g, { inputs: [x, idx], attrs }) => [scatterAdd(zeros(x!.shape, { dtype: g.dtype }), attrs.axis as number, idx!, g), null],
  scatterAdd: (g, { inputs: [, idx], attrs }) => [g, null, gather(g, attrs.axis as number, idx!)],

  // not differentiable
  eq: null, ne: null, lt: null, le: null, gt: null, ge: null, sign: null,
};

/**
 * The rule for an op; null when the op is not differentiable. Throws for a name outside
 * `OpName` (reachable only from untyped callers).
 */
export function ruleFor(op: OpName): Rule | null {
  const rule = RULES[op];
  if (rule === undefined) throw new GradientError(`autograd: no gradient rule for op '${op}' (not one of OP_NAMES)`);
  return rule;
}

/** Writes g into a zero tensor of x's shape at the positions a slice read. */
function unslice(g: Tensor, x: Tensor, begins: number[], steps: number[], viewShape: number[]): Tensor {
  const out = zeros(x.shape, { dtype: g.dtype });
  if (g.size === 0) return out;
  const strides = stridesOf(x.shape);
  const offset = begins.reduce((p, b, d) => p + b * strides[d]!, 0);
  scatterStrided(g.data, out.data, offset, strides.map((s, d) => s * steps[d]!), viewShape);
  return out;
}

/**
 * Sums a broadcast gradient back to `shape` (the one place where broadcasting is undone).
 * @example `reduceToShape(ones([4, 3]), [1, 3]) // (1,3) filled with 4`
 */
export function reduceToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.ndim === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  for (let i = Math.max(lead, 0); i < g.ndim; i++) {
    const d = shape[i - lead]!;
    if (d !== 1 && d !== g.shape[i]) throw new ShapeError(`reduceToShape: cannot reduce ${formatShape(g.shape)} to ${formatShape(shape)}`);
  }
  if (lead < 0) throw new ShapeError(`reduceToShape: cannot reduce ${formatShape(g.shape)} to ${formatShape(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const reduced = axes.length > 0 ? sum(g, axes, true) : g;
  return reshape(reduced, shape);
}
