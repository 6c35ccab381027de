import { type DType, formatShape, Tensor } from '@unroll/tensor';
import { StateDictError } from './errors.js';

/**
 * A trainable tensor: a leaf that requires grad and is found by `Module.parameters()`.
 *
 * @example
 * ```ts
 * import { Parameter } from '@unroll/autograd';
 * import { zeros } from '@unroll/tensor';
 * const b = new Parameter(zeros([10]));
 * ```
 */
export class Parameter extends Tensor {
  constructor(t: Tensor) {
    super(t.data, t.shape);
    this.requiresGrad = true;
  }
}

/** A tensor a module keeps in its state dict without training it (e.g. running statistics). */
export class Buffer extends Tensor {
  constructor(t: Tensor) {
    super(t.data, t.shape);
  }
}

/**
 * Base class of layers and models. Parameters, buffers, submodules and arrays of them held in
 * fields are found automatically, with PyTorch-style dotted names (`encoder.layers.0.weight`).
 *
 * @example
 * ```ts
 * import { Module, Linear } from '@unroll/autograd';
 * import type { Tensor } from '@unroll/tensor';
 * class MLP extends Module {
 *   fc1 = new Linear(4, 8);
 *   fc2 = new Linear(8, 2);
 *   forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * new MLP().namedParameters().map(([n]) => n); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export class Module {
  /** True in training mode (dropout active). */
  training = true;

  /** Field names to skip when collecting (e.g. references to shared modules). */
  protected static readonly skipFields: readonly string[] = [];

  /** Direct children: [name, Module | Parameter | Buffer] from fields and arrays in fields. */
  protected children(): [string, Module | Parameter | Buffer][] {
    const out: [string, Module | Parameter | Buffer][] = [];
    const skip = (this.constructor as typeof Module).skipFields;
    for (const [key, value] of Object.entries(this)) {
      if (key === 'training' || skip.includes(key)) continue;
      if (value instanceof Module || value instanceof Parameter || value instanceof Buffer) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v instanceof Module || v instanceof Parameter || v instanceof Buffer) out.push([`${key}.${i}`, v]);
        });
      }
    }
    return out;
  }

  /** All submodules with their dotted names, this module first (as ''). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.children()) {
      if (child instanceof Module) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    }
    return out;
  }

  /** Parameters with dotted names, in field order; a parameter shared twice is listed once. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    const walk = (m: Module, prefix: string): void => {
      for (const [name, child] of m.children()) {
        const full = prefix ? `${prefix}.${name}` : name;
        if (child instanceof Parameter) {
          if (!seen.has(child)) { seen.add(child); out.push([full, child]); }
        } else if (child instanceof Module) walk(child, full);
      }
    };
    walk(this, '');
    return out;
  }

  /** The parameters, in the order of `namedParameters()`. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Buffers with dotted names. */
  namedBuffers(): [string, Buffer][] {
    const out: [string, Buffer][] = [];
    const walk = (m: Module, prefix: string): void => {
      for (const [name, child] of m.children()) {
        const full = prefix ? `${prefix}.${name}` : name;
        if (child instanceof Buffer) out.push([full, child]);
        else if (child instanceof Module) walk(child, full);
      }
    };
    walk(this, '');
    return out;
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Switches this module and its submodules to training mode. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Switches to evaluation mode (dropout off). */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Parameters and buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [n, p] of this.namedParameters()) out[n] = p;
    for (const [n, b] of this.namedBuffers()) out[n] = b;
    return out;
  }

  /**
   * Copies values from a state dict. Strict by default: missing, unexpected and wrongly shaped
   * entries are all named in one StateDictError, and nothing is copied.
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>>, opts: { strict?: boolean } = {}): { missing: string[]; unexpected: string[] } {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in dict));
    const unexpected = Object.keys(dict).filter((k) => !(k in own));
    const mismatched: string[] = [];
    for (const [k, t] of Object.entries(own)) {
      const src = dict[k];
      if (src === undefined) continue;
      if (src.shape.length !== t.shape.length || src.shape.some((d, i) => d !== t.shape[i])) {
        mismatched.push(`${k}: expected ${formatShape(t.shape)}, got ${formatShape(src.shape)}`);
      }
    }
    if (mismatched.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) {
      const parts: string[] = [];
      if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      if (mismatched.length) parts.push(`shape mismatch: ${mismatched.join('; ')}`);
      throw new StateDictError(`loadStateDict: ${parts.join('; ')}`);
    }
    for (const [k, t] of Object.entries(own)) {
      const src = dict[k];
      if (src !== undefined) t.data.set(src.dtype === t.dtype ? src.data : src.astype(t.dtype as DType).data);
    }
    return { missing, unexpected };
  }
}
