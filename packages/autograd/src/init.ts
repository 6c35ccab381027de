import { ArgumentError, defaultGenerator, type Generator, type Tensor } from '@unroll/tensor';

/** Fan-in and fan-out of a weight (out, in, ...kernel), PyTorch's convention. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ArgumentError(`init: fan in/out need at least 2 dimensions, got shape (${t.shape.join(',')})`);
  const receptive = t.shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/**
 * In-place initialisers, all drawing from a seeded generator (the default one when omitted).
 *
 * @example
 * ```ts
 * import { init } from '@unroll/autograd';
 * import { zeros, Generator } from '@unroll/tensor';
 * const w = zeros([256, 128]);
 * init.xavierUniform_(w, { generator: new Generator(0) });
 * ```
 */
export const init = {
  /** U(low, high). */
  uniform_(t: Tensor, low = 0, high = 1, { generator = defaultGenerator }: { generator?: Generator } = {}): Tensor {
    for (let i = 0; i < t.size; i++) t.data[i] = low + (high - low) * generator.random();
    return t;
  },
  /** N(mean, std^2). */
  normal_(t: Tensor, mean = 0, std = 1, { generator = defaultGenerator }: { generator?: Generator } = {}): Tensor {
    for (let i = 0; i < t.size; i++) t.data[i] = mean + std * generator.normal();
    return t;
  },
  /** Constant fill. */
  constant_(t: Tensor, value: number): Tensor {
    t.data.fill(value);
    return t;
  },
  /** Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fanIn + fanOut)). */
  xavierUniform_(t: Tensor, { gain = 1, generator = defaultGenerator }: { gain?: number; generator?: Generator } = {}): Tensor {
    const { fanIn, fanOut } = fans(t);
    const a = gain * Math.sqrt(6 / (fanIn + fanOut));
    return init.uniform_(t, -a, a, { generator });
  },
  /** Glorot normal: N(0, gain^2 * 2 / (fanIn + fanOut)). */
  xavierNormal_(t: Tensor, { gain = 1, generator = defaultGenerator }: { gain?: number; generator?: Generator } = {}): Tensor {
    const { fanIn, fanOut } = fans(t);
    return init.normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), { generator });
  },
  /** He uniform for ReLU: U(-b, b), b = sqrt(6 / fan), fan = fanIn (or fanOut). */
  kaimingUniform_(t: Tensor, { mode = 'fanIn', gain = Math.SQRT2, generator = defaultGenerator }: { mode?: 'fanIn' | 'fanOut'; gain?: number; generator?: Generator } = {}): Tensor {
    const f = fans(t)[mode];
    const b = gain * Math.sqrt(3 / f);
    return init.uniform_(t, -b, b, { generator });
  },
  /** He normal: N(0, gain^2 / fan). */
  kaimingNormal_(t: Tensor, { mode = 'fanIn', gain = Math.SQRT2, generator = defaultGenerator }: { mode?: 'fanIn' | 'fanOut'; gain?: number; generator?: Generator } = {}): Tensor {
    const f = fans(t)[mode];
    return init.normal_(t, 0, gain / Math.sqrt(f), { generator });
  },
  /**
   * (Semi-)orthogonal matrix from a Gaussian one by modified Gram-Schmidt on the smaller side,
   * in float64 with sign correction (as QR with positive diagonal); 1024x1024 takes about a second.
   */
  orthogonal_(t: Tensor, { gain = 1, generator = defaultGenerator }: { gain?: number; generator?: Generator } = {}): Tensor {
    if (t.ndim < 2) throw new ArgumentError(`orthogonal_: needs at least 2 dimensions, got shape (${t.shape.join(',')})`);
    const rows = t.shape[0]!;
    const cols = t.size / rows;
    const transpose = rows < cols; // orthonormalise the `small` vectors of length `big`
    const small = transpose ? rows : cols;
    const big = transpose ? cols : rows;
    const q = new Float64Array(small * big); // vector v at q[v*big ...]
    for (let i = 0; i < q.length; i++) q[i] = generator.normal();
    for (let v = 0; v < small; v++) {
      const vo = v * big;
      for (let pass = 0; pass < 2; pass++) {
        for (let u = 0; u < v; u++) {
          const uo = u * big;
          let dot = 0;
          for (let i = 0; i < big; i++) dot += q[uo + i]! * q[vo + i]!;
          for (let i = 0; i < big; i++) q[vo + i] = q[vo + i]! - dot * q[uo + i]!;
        }
      }
      let norm = 0;
      for (let i = 0; i < big; i++) norm += q[vo + i]! * q[vo + i]!;
      norm = Math.sqrt(norm);
      for (let i = 0; i < big; i++) q[vo + i] = q[vo + i]! / norm;
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        t.data[r * cols + c] = gain * (transpose ? q[r * big + c]! : q[c * big + r]!);
      }
    }
    return t;
  },
};
