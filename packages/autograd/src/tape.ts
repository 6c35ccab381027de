import { add, formatShape, type OpAttrs, type OpName, ones, setTapeHook, shapesEqual, Tensor } from '@unroll/tensor';
import { AnomalyError, GradientError } from './errors.js';
import { reduceToShape, ruleFor } from './rules.js';

/** Computes input gradients from output gradients (null where an output got no gradient). */
export type BackwardFn = (gradOutputs: readonly (Tensor | null)[]) => readonly (Tensor | null)[];

/**
 * What a node differentiates: a built-in op of `@unroll/tensor` (its rule in `RULES`) or a
 * function from `defineFunction` (its own backward), named by the function.
 */
export type NodeOrigin = { kind: 'op'; op: OpName } | { kind: 'function'; name: string };

/**
 * One recorded operation: its inputs and how to send gradients back to them.
 *
 * @example
 * ```ts
 * import { Node } from '@unroll/autograd';
 * import { tensor } from '@unroll/tensor';
 * const x = tensor([1, 2]).requiresGrad_();
 * const node = new Node({ kind: 'function', name: 'identity' }, [x], 1, ([g]) => [g]);
 * console.log(node.name); // 'identity'
 * ```
 */
export class Node {
  /** The op's or the function's name, for messages. */
  readonly name: string;
  constructor(
    readonly origin: NodeOrigin,
    readonly inputs: readonly Tensor[],
    readonly numOutputs: number,
    readonly backward: BackwardFn,
  ) {
    this.name = origin.kind === 'op' ? origin.op : origin.name;
  }
}

/** What a tensor's `gradNode` slot holds: the node that produced it and which output it is. */
export interface GradSlot {
  node: Node;
  index: number;
}

let gradEnabled = true;
let anomalyMode = false;

/** Whether ops are being recorded (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording ops (evaluation, optimizer updates, sampling).
 *
 * @example
 * ```ts
 * import { noGrad } from '@unroll/autograd';
 * const y = noGrad(() => model.forward(x)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Runs `fn` with anomaly detection: a NaN or infinite gradient raises an AnomalyError naming the
 * op whose backward produced it.
 *
 * @example
 * ```ts
 * import { detectAnomaly } from '@unroll/autograd';
 * detectAnomaly(() => loss.backward());
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = anomalyMode;
  anomalyMode = true;
  try {
    return fn();
  } finally {
    anomalyMode = prev;
  }
}

/** Attaches a node to its outputs, marking them as requiring grad. */
export function attachNode(node: Node, outputs: readonly Tensor[]): void {
  outputs.forEach((t, index) => {
    t.requiresGrad = true;
    t.gradNode = { node, index } satisfies GradSlot;
  });
}

function slotOf(t: Tensor): GradSlot | undefined {
  return t.gradNode as GradSlot | undefined;
}

function record(op: OpName, inputs: readonly Tensor[], output: Tensor, attrs: OpAttrs): void {
  const rule = ruleFor(op);
  if (rule === null) return; // not differentiable (comparisons): output is a constant
  const ctx = { inputs, output, attrs };
  attachNode(new Node({ kind: 'op', op }, inputs, 1, (g) => (g[0] ? rule(g[0], ctx) : inputs.map(() => null))), [output]);
}

/** Nodes reachable from `root`, inputs before users (iterative: long chains do not overflow). */
function topologicalOrder(root: Node): Node[] {
  const order: Node[] = [];
  const visited = new Set<Node>([root]);
  const stack: { node: Node; next: number }[] = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.node.inputs.length) {
      const child = slotOf(top.node.inputs[top.next++]!)?.node;
      if (child !== undefined && !visited.has(child)) {
        visited.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order;
}

function checkFinite(name: string, g: Tensor): void {
  for (let i = 0; i < g.size; i++) {
    if (!Number.isFinite(g.data[i]!)) {
      throw new AnomalyError(`detectAnomaly: the backward of '${name}' produced ${g.data[i]} in a gradient of shape ${formatShape(g.shape)} (element ${i})`);
    }
  }
}

/** Reverse-mode differentiation from `root`, accumulating into leaves' `.grad`. */
export function runBackward(root: Tensor, grad?: Tensor): void {
  if (!root.requiresGrad) throw new GradientError(`backward: the tensor of shape ${formatShape(root.shape)} does not require grad (no input of its graph has requiresGrad)`);
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new GradientError(`backward: the output has shape ${formatShape(root.shape)}; pass a gradient of that shape, or reduce it to a scalar first`);
    }
    grad = ones(root.shape, { dtype: root.dtype });
  } else if (!shapesEqual(grad.shape, root.shape)) {
    throw new GradientError(`backward: gradient shape ${formatShape(grad.shape)} does not match the output shape ${formatShape(root.shape)}`);
  }
  const rootSlot = slotOf(root);
  if (rootSlot === undefined) {
    accumulateLeaf(root, grad);
    return;
  }
  const pending = new Map<Node, (Tensor | null)[]>();
  const seed: (Tensor | null)[] = new Array(rootSlot.node.numOutputs).fill(null);
  seed[rootSlot.index] = grad;
  pending.set(rootSlot.node, seed);
  const order = topologicalOrder(rootSlot.node);
  const prevEnabled = gradEnabled;
  gradEnabled = false;
  try {
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k]!;
      const gOut = pending.get(node);
      pending.delete(node);
      if (gOut === undefined || gOut.every((g) => g === null)) continue;
      const gIn = node.backward(gOut);
      node.inputs.forEach((input, i) => {
        let g = gIn[i];
        if (g === null || g === undefined || !input.requiresGrad) return;
        if (!shapesEqual(g.shape, input.shape)) g = unbroadcast(node.name, g, input.shape);
        if (anomalyMode) checkFinite(node.name, g);
        const slot = slotOf(input);
        if (slot === undefined) {
          accumulateLeaf(input, g);
          return;
        }
        let buf = pending.get(slot.node);
        if (buf === undefined) {
          buf = new Array(slot.node.numOutputs).fill(null);
          pending.set(slot.node, buf);
        }
        const prev = buf[slot.index];
        buf[slot.index] = prev == null ? g : add(prev, g);
      });
    }
  } finally {
    gradEnabled = prevEnabled;
  }
}

function unbroadcast(name: string, g: Tensor, shape: readonly number[]): Tensor {
  try {
    return reduceToShape(g, shape);
  } catch {
    throw new GradientError(`backward: the rule of '${name}' returned a gradient of shape ${formatShape(g.shape)} for an input of shape ${formatShape(shape)}`);
  }
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  const cast = g.dtype === leaf.dtype ? g : g.astype(leaf.dtype);
  if (leaf.grad === null) leaf.grad = cast === g ? new Tensor(g.data.slice(), g.shape) : cast;
  else leaf.grad.addInPlace_(cast);
}

/** Installs this engine as the tensor package's tape hook (done once when autograd loads). */
export function installTape(): void {
  setTapeHook({ record, backward: runBackward, isEnabled: isGradEnabled });
}
