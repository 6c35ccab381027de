import {
  ArgumentError, add, checkPositiveInt, type DType, defaultGenerator, formatShape, type Generator, gemm, indexSelect,
  mean, mul, ne, ones, rand, reshape, ShapeError, sqrt, sub, type Tensor, variance, zeros,
} from '@unroll/tensor';
import { init } from './init.js';
import { Module, Parameter } from './module.js';

/** Options shared by layers that create parameters. */
export interface LayerOptions {
  dtype?: DType;
  generator?: Generator;
}

/**
 * y = x W^T + b over the last dimension; W (out, in), PyTorch's layout and initialisation.
 *
 * @example
 * ```ts
 * import { Linear } from '@unroll/autograd';
 * import { randn } from '@unroll/tensor';
 * new Linear(4, 3).forward(randn([2, 5, 4])).shape; // [2, 5, 3]
 * ```
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LayerOptions & { bias?: boolean } = {}) {
    super();
    checkPositiveInt('Linear', 'inFeatures', inFeatures);
    checkPositiveInt('Linear', 'outFeatures', outFeatures);
    const { dtype = 'float32', generator = defaultGenerator, bias = true } = opts;
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = new Parameter(init.uniform_(zeros([outFeatures, inFeatures], { dtype }), -bound, bound, { generator }));
    this.bias = bias ? new Parameter(init.uniform_(zeros([outFeatures], { dtype }), -bound, bound, { generator })) : null;
  }

  forward(x: Tensor): Tensor {
    const last = x.shape[x.ndim - 1];
    if (x.ndim === 0 || last !== this.inFeatures) {
      throw new ShapeError(`Linear: expected input (..., ${this.inFeatures}), got ${formatShape(x.shape)}`);
    }
    const flat = x.ndim === 2 ? x : reshape(x, [-1, this.inFeatures]);
    // (N,out) = (N,in) W^T + b, the bias added by the product itself
    const y = gemm(flat, this.weight, { transB: true, c: this.bias ?? undefined });
    return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
  }
}

/**
 * Lookup table of vectors: int32 ids (...) to (..., dim). Rows at `paddingIdx` start at zero,
 * output zeros and receive no gradient.
 *
 * @example
 * ```ts
 * import { Embedding } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * new Embedding(65, 16).forward(tensor([[1, 2]], undefined, 'int32')).shape; // [1, 2, 16]
 * ```
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | undefined;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: LayerOptions & { paddingIdx?: number } = {}) {
    super();
    checkPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    checkPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    const { dtype = 'float32', generator = defaultGenerator, paddingIdx } = opts;
    if (paddingIdx !== undefined && (!Number.isInteger(paddingIdx) || paddingIdx < 0 || paddingIdx >= numEmbeddings)) {
      throw new ArgumentError(`Embedding: paddingIdx ${paddingIdx} is out of range [0, ${numEmbeddings})`);
    }
    this.paddingIdx = paddingIdx;
    const w = init.normal_(zeros([numEmbeddings, embeddingDim], { dtype }), 0, 1, { generator });
    if (paddingIdx !== undefined) w.data.fill(0, paddingIdx * embeddingDim, (paddingIdx + 1) * embeddingDim);
    this.weight = new Parameter(w);
  }

  forward(ids: Tensor): Tensor {
    const out = indexSelect(this.weight, 0, ids);
    if (this.paddingIdx === undefined) return out;
    const keep = ne(ids, this.paddingIdx).astype(out.dtype as DType);
    return mul(out, reshape(keep, [...ids.shape, 1]));
  }
}

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest by
 * 1/(1-p); identity in eval mode.
 *
 * @example
 * ```ts
 * import { Dropout } from '@unroll/autograd';
 * import { ones } from '@unroll/tensor';
 * new Dropout(0.5).eval().forward(ones([3])); // unchanged
 * ```
 */
export class Dropout extends Module {
  /** Draws the masks; replace it to continue a run from a restored generator state. */
  generator: Generator;

  constructor(readonly p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    if (!(p >= 0 && p < 1)) throw new ArgumentError(`Dropout: p must be in [0, 1), got ${p}`);
    this.generator = opts.generator ?? defaultGenerator;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = rand(x.shape, { generator: this.generator, dtype: x.dtype as DType });
    const scale = 1 / (1 - this.p);
    for (let i = 0; i < keep.size; i++) keep.data[i] = keep.data[i]! >= this.p ? scale : 0;
    return mul(x, keep);
  }
}

/**
 * Layer normalisation over the last dimension, with learnable gain and bias.
 *
 * @example
 * ```ts
 * import { LayerNorm } from '@unroll/autograd';
 * import { randn } from '@unroll/tensor';
 * new LayerNorm(8).forward(randn([2, 8])).shape; // [2, 8]
 * ```
 */
export class LayerNorm extends Module {
  weight: Parameter;
  bias: Parameter;

  constructor(readonly dim: number, readonly eps = 1e-5, opts: { dtype?: DType } = {}) {
    super();
    checkPositiveInt('LayerNorm', 'dim', dim);
    this.weight = new Parameter(ones([dim], { dtype: opts.dtype ?? 'float32' }));
    this.bias = new Parameter(zeros([dim], { dtype: opts.dtype ?? 'float32' }));
  }

  forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.dim) throw new ShapeError(`LayerNorm: expected input (..., ${this.dim}), got ${formatShape(x.shape)}`);
    const mu = mean(x, -1, true);
    const v = variance(x, -1, true);
    const xhat = mul(sub(x, mu), sqrt(add(v, this.eps)).pow(-1));
    return add(mul(xhat, this.weight), this.bias);
  }
}

/** Anything with a forward from one tensor to one tensor. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

/**
 * Chains layers: each one's output is the next one's input.
 *
 * @example
 * ```ts
 * import { Sequential, Linear, Tanh } from '@unroll/autograd';
 * const net = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 2));
 * ```
 */
export class Sequential extends Module {
  layers: (Module & Layer)[];

  constructor(...layers: (Module & Layer)[]) {
    super();
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    return this.layers.reduce((h, l) => l.forward(h), x);
  }
}

/** tanh as a layer, for Sequential. @example `new Tanh().forward(x)` */
export class Tanh extends Module implements Layer {
  forward(x: Tensor): Tensor { return x.tanh(); }
}

/** ReLU as a layer, for Sequential. @example `new ReLU().forward(x)` */
export class ReLU extends Module implements Layer {
  forward(x: Tensor): Tensor { return x.relu(); }
}
