// The recurrent time loops in the conformance suite: what a backend's optional
// recurrentForward / recurrentBackward (or, without them, the reference loops over its own
// kernels) computes, next to what the reference loops compute over the JS kernels in float64
// from the same inputs. conformance.ts compares each pair within its tolerance.
import type { Backend, RecurrentBackwardArgs, RecurrentForwardArgs } from '../backend-contract.js';
import { jsBackend } from '../backends/js/index.js';
import { recurrentBackwardLoop, recurrentForwardLoop } from '../backends/recurrent-loop.js';
import { CELL_KINDS, type CellKind, gateWidth } from '../cell-kind.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { Generator } from '../random.js';

/** One array a backend computed and the reference's, to be compared within a tolerance. */
export interface LoopCase {
  label: string;
  actual: ArrayLike<number>;
  expected: ArrayLike<number>;
}

type FloatDType = 'float32' | 'float64';

interface Shape {
  T: number;
  B: number;
  H: number;
  reverse: boolean;
  /** Valid length per row, or undefined for all T. */
  lengths?: readonly number[];
}

/** Forward and reverse, with and without lengths (rows down to one step), B = 1 included. */
const SHAPES: readonly Shape[] = [
  { T: 4, B: 3, H: 5, reverse: false },
  { T: 5, B: 3, H: 4, reverse: true, lengths: [5, 2, 1] },
  { T: 4, B: 2, H: 6, reverse: false, lengths: [3, 4] },
  { T: 3, B: 1, H: 7, reverse: true },
];

const F64 = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);

/** The arrays of one forward call in `dtype`, from float64 values (`save`: the (T,B,·) buffers backward reads). */
function forwardArgs(kind: CellKind, s: Shape, dtype: FloatDType, src: { gates: Float64Array; wHh: Float64Array; bHh: Float64Array; h0: Float64Array; c0: Float64Array }, save: boolean): RecurrentForwardArgs {
  const { T, B, H } = s;
  const G = gateWidth(kind, H);
  const arr = (n: number): TypedArray => allocArray(dtype, n);
  const from = (a: Float64Array): TypedArray => { const out = arr(a.length); out.set(a); return out; };
  return {
    kind, T, B, H, reverse: s.reverse, gates: from(src.gates), wHh: from(src.wHh), bHh: from(src.bHh),
    gh: kind === 'gru' ? arr((save ? T : 1) * B * G) : null, ghStride: save ? B * G : 0,
    h: from(src.h0), c: from(src.c0), y: arr(T * B * H),
    hPrev: save ? arr(T * B * H) : null, cPrev: save && kind === 'lstm' ? arr(T * B * H) : null,
    tanhC: kind === 'lstm' ? arr((save ? T : 1) * B * H) : null, tanhStride: save ? B * H : 0,
    lengths: s.lengths ? Int32Array.from(s.lengths) : undefined,
  };
}

/**
 * For every cell kind and shape: the forward loop (with and without saving for backward) and the
 * backward loop (with and without an output gradient, with per-step norms) on `be` in `dtype`,
 * against the reference loops over the JS kernels in float64 from the same inputs. The backward
 * gets, on both sides, the same saved arrays (the reference forward's, rounded to `dtype`).
 */
export function recurrentLoopCases(be: Backend, dtype: FloatDType, seed: number): LoopCase[] {
  const js = jsBackend();
  const g = new Generator(seed);
  const uniform = (n: number, lo = -1, hi = 1): Float64Array => {
    // values exactly representable in float32, so both sides start from the same numbers
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = Math.fround(lo + (hi - lo) * g.random());
    return a;
  };
  const forward = (a: RecurrentForwardArgs): void => (be.recurrentForward ? be.recurrentForward(a) : recurrentForwardLoop(be, a));
  const backward = (a: RecurrentBackwardArgs): void => (be.recurrentBackward ? be.recurrentBackward(a) : recurrentBackwardLoop(be, a));
  const cases: LoopCase[] = [];
  for (const kind of CELL_KINDS) {
    for (const s of SHAPES) {
      const { T, B, H } = s;
      const G = gateWidth(kind, H);
      const src = { gates: uniform(T * B * G, -2, 2), wHh: uniform(G * H, -0.5, 0.5), bHh: uniform(G), h0: uniform(B * H), c0: uniform(B * H) };
      const name = `${kind} T=${T} B=${B} H=${H} reverse=${s.reverse} lengths=${s.lengths ? `[${s.lengths}]` : 'none'}`;
      for (const save of [true, false]) {
        const mine = forwardArgs(kind, s, dtype, src, save);
        const ref = forwardArgs(kind, s, 'float64', src, save);
        forward(mine);
        recurrentForwardLoop(js, ref);
        const keys = ['y', 'h', ...(kind === 'lstm' ? ['c'] : []), ...(save ? ['gates', 'gh', 'hPrev', 'cPrev', 'tanhC'] : [])] as const;
        for (const key of keys) {
          const x = mine[key as keyof RecurrentForwardArgs] as TypedArray | null, e = ref[key as keyof RecurrentForwardArgs] as TypedArray | null;
          if (x && e) cases.push({ label: `recurrentForward ${name} save=${save}: ${key}`, actual: x, expected: e });
        }
        if (!save) continue;
        // backward over the reference forward's saved arrays, rounded to dtype on both sides
        const saved = (a: TypedArray | null): TypedArray | null => {
          if (!a) return null;
          const out = allocArray(dtype, a.length);
          out.set(a);
          return out;
        };
        const gates = saved(ref.gates)!, gh = saved(ref.gh), hPrev = saved(ref.hPrev)!, cPrev = saved(ref.cPrev), tanhC = saved(ref.tanhC);
        const wHh = saved(ref.wHh)!;
        for (const withDy of [true, false]) {
          const dy = withDy ? uniform(T * B * H) : null;
          const dhN = uniform(B * H), dcN = uniform(B * H);
          const args = (d: FloatDType, conv: (a: TypedArray | null) => TypedArray | null): RecurrentBackwardArgs => ({
            kind, T, B, H, reverse: s.reverse, gates: conv(gates)!, gh: conv(gh), hPrev: conv(hPrev)!, cPrev: conv(cPrev), tanhC: conv(tanhC),
            wHh: conv(wHh)!, dy: conv(dy), dh: conv(dhN)!, dc: kind === 'lstm' ? conv(dcN) : null,
            dGates: allocArray(d, T * B * G).fill(Number.NaN), dGh: kind === 'gru' ? allocArray(d, T * B * G).fill(Number.NaN) : null,
            dhNorms: new Float64Array(T).fill(Number.NaN), lengths: s.lengths ? Int32Array.from(s.lengths) : undefined,
          });
          const toDtype = (a: TypedArray | null): TypedArray | null => (a ? saved(a) : null);
          const toF64 = (a: TypedArray | null): TypedArray | null => (a ? F64(a) : null);
          const b = args(dtype, toDtype);
          const r = args('float64', toF64);
          backward(b);
          recurrentBackwardLoop(js, r);
          for (const key of ['dh', 'dc', 'dGates', 'dGh', 'dhNorms'] as const) {
            const x = b[key], e = r[key];
            if (x && e) cases.push({ label: `recurrentBackward ${name} dy=${withDy}: ${key}`, actual: x, expected: e });
          }
        }
      }
    }
  }
  return cases;
}
