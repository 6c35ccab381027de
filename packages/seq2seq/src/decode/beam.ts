import { ArgumentError } from '@unroll/tensor';
import { TokenChooser } from './choose.js';
import { checkIdsInVocab, type ResolvedDecoding } from './options.js';
import { checkStepOutput, type DecodeResult, type Hypothesis, stackAttention } from './result.js';
import type { StepModel } from './types.js';

/**
 * The hypotheses alive after step t, in the layout of the state fed to step t + 1: slot g*K + s
 * is hypothesis s of the g-th row still searching.
 */
interface Level {
  /** The token each slot ended with. */
  tokens: Int32Array;
  /** The slot of the previous level it extends. */
  parents: Int32Array;
  /** Step t's attention (previous level's layout, rows * L), copied. */
  attention: Float32Array | undefined;
}

/** A hypothesis set aside: the parent slot at step - 1, and the token it ended with at `step`. */
interface Finished {
  score: number;
  norm: number;
  step: number;
  parent: number;
  last: number;
  eos: boolean;
  /** Creation order: the last tie-breaker. */
  seq: number;
  /** The attention row (L) of its last step, when the model attends. */
  attention: Float32Array | undefined;
}

/** Better first: higher normalised score, then higher raw score, then found earlier. */
function better(a: Finished, b: Finished): number {
  return b.norm - a.norm || b.score - a.score || a.seq - b.seq;
}

/**
 * Batched beam search: the B rows' K hypotheses run as one `model.step` call of B*K rows (row
 * b's hypothesis k in row b*K + k; rows that have finished are dropped), reordered every step with
 * `model.select`. At each step every row's K*V continuations are ranked by total log-probability
 * (ties: the lower hypothesis, then the lower token id) and taken in that order until K are open:
 * one that ends with eos finishes a hypothesis, which is set aside and never extended; the others
 * stay open (the best 2K continuations always hold K that do not end with eos). A row stops when
 * it has K finished hypotheses that no open one can beat (even at the most favourable length),
 * when none is open, or at maxLength, where the open ones finish without eos. A row returns its
 * `nBest` best finished hypotheses (fewer if fewer exist). Called by `decode`, which validates
 * the options.
 */
export function beamSearch<S>(model: StepModel<S>, init: S, o: ResolvedDecoding): DecodeResult[] {
  const B = o.batchSize;
  const K = o.beamWidth;
  const { eos, maxLength } = o;
  const alpha = o.lengthPenalty;
  const lp = (len: number) => (alpha === 0 ? 1 : ((5 + len) / 6) ** alpha);
  const finished: Finished[][] = Array.from({ length: B }, () => []);
  const levels: Level[] = [];
  let groups = Int32Array.from({ length: B }, (_, b) => b); // batch row of each group still searching
  let tokens = new Int32Array(B * K);
  let scores = new Float64Array(B * K).fill(Number.NEGATIVE_INFINITY);
  const expand = new Int32Array(B * K);
  for (let b = 0; b < B; b++) {
    scores[b * K] = 0; // one live hypothesis per row at the start, so the K copies do not repeat
    for (let k = 0; k < K; k++) {
      tokens[b * K + k] = o.bos[b]!;
      expand[b * K + k] = b;
    }
  }
  let state = K === 1 ? init : model.select(init, expand);
  const lse = new Float64Array(B * K);
  const C = 2 * K;
  const candScore = new Float64Array(C);
  const candFlat = new Int32Array(C);
  let chooser: TokenChooser | undefined;
  let V = -1;
  let L = -1;
  let seq = 0;
  for (let t = 1; t <= maxLength; t++) {
    const A = groups.length;
    const n = A * K;
    const out = model.step(tokens, state);
    [V, L] = checkStepOutput(out, n, t, V, L);
    if (chooser === undefined) {
      checkIdsInVocab(o, V);
      chooser = new TokenChooser(V, o.suppress);
    }
    const logits = out.logits.data;
    const attention = out.attention ? Float32Array.from(out.attention.data) : undefined;
    for (let j = 0; j < n; j++) lse[j] = scores[j] === Number.NEGATIVE_INFINITY ? 0 : chooser.logSumExp(logits, j * V);
    const nextTokens = new Int32Array(n);
    const nextParents = new Int32Array(n);
    const nextScores = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    const keep: number[] = [];
    for (let g = 0; g < A; g++) {
      const b = groups[g]!;
      // the best C continuations of this row, in order (score desc, then flat index k*V+v asc)
      let count = 0;
      for (let k = 0; k < K; k++) {
        const j = g * K + k;
        const s = scores[j]!;
        if (s === Number.NEGATIVE_INFINITY) continue;
        const off = j * V;
        for (let v = 0; v < V; v++) {
          if (!chooser.isAllowed(v)) continue;
          const val = s + (logits[off + v]! - lse[j]!);
          if (!(val > Number.NEGATIVE_INFINITY)) continue;
          if (count === C && !(val > candScore[C - 1]!)) continue;
          let at = count < C ? count++ : C - 1;
          while (at > 0 && candScore[at - 1]! < val) {
            candScore[at] = candScore[at - 1]!;
            candFlat[at] = candFlat[at - 1]!;
            at--;
          }
          candScore[at] = val;
          candFlat[at] = k * V + v;
        }
      }
      let open = 0;
      for (let r = 0; r < count && open < K; r++) {
        const k = Math.floor(candFlat[r]! / V);
        const v = candFlat[r]! - k * V;
        const parent = g * K + k;
        const score = candScore[r]!;
        if (v === eos) {
          addFinished(finished[b]!, { score, norm: score / lp(t), step: t, parent, last: v, eos: true, seq: seq++, attention: rowOf(attention, parent, L) }, K);
          continue;
        }
        const slot = g * K + open++;
        nextTokens[slot] = v;
        nextParents[slot] = parent;
        nextScores[slot] = score;
        if (t === maxLength) addFinished(finished[b]!, { score, norm: score / lp(t), step: t, parent, last: v, eos: false, seq: seq++, attention: rowOf(attention, parent, L) }, K);
      }
      for (let s = open; s < K; s++) {
        // dead slots (fewer than K continuations): never extended, as their score is -Infinity
        nextTokens[g * K + s] = nextTokens[g * K]!;
        nextParents[g * K + s] = nextParents[g * K]!;
      }
      const list = finished[b]!;
      const bound = open === 0 ? Number.NEGATIVE_INFINITY : nextScores[g * K]! / Math.max(lp(t + 1), lp(maxLength));
      const done = t === maxLength || open === 0 || (list.length >= K && bound <= list[K - 1]!.norm);
      if (!done) keep.push(g);
      if (done && list.length === 0) throw new ArgumentError(`decode: batch row ${b} has no continuation with a finite score at step ${t}`);
    }
    if (keep.length === 0) break;
    // keep the rows still searching: the next state's slot i is the previous step's slot rows[i]
    const m = keep.length * K;
    const rows = new Int32Array(m);
    const lvTokens = new Int32Array(m);
    const nextGroups = new Int32Array(keep.length);
    scores = new Float64Array(m);
    for (let i = 0; i < keep.length; i++) {
      const g = keep[i]!;
      nextGroups[i] = groups[g]!;
      for (let s = 0; s < K; s++) {
        rows[i * K + s] = nextParents[g * K + s]!;
        lvTokens[i * K + s] = nextTokens[g * K + s]!;
        scores[i * K + s] = nextScores[g * K + s]!;
      }
    }
    levels.push({ tokens: lvTokens, parents: rows, attention });
    state = model.select(out.state, rows);
    tokens = lvTokens;
    groups = nextGroups;
  }
  return finished.map((list) => {
    const hyps = list.slice(0, o.nBest).map((f) => toHypothesis(f, levels, L));
    return { ...hyps[0]!, hypotheses: hyps };
  });
}

/** Inserts f into the sorted list, keeping the best `cap`. */
function addFinished(list: Finished[], f: Finished, cap: number): void {
  let at = list.length;
  while (at > 0 && better(f, list[at - 1]!) < 0) at--;
  if (at >= cap) return;
  list.splice(at, 0, f);
  if (list.length > cap) list.pop();
}

/** Row `i` (L long) of a flat (n,L) array, or undefined without attention. */
function rowOf(attention: Float32Array | undefined, i: number, L: number): Float32Array | undefined {
  return attention?.subarray(i * L, (i + 1) * L);
}

/** Walks the parent pointers back from a finished hypothesis to its tokens and attention rows. */
function toHypothesis(f: Finished, levels: Level[], L: number): Hypothesis {
  const len = f.eos ? f.step - 1 : f.step;
  const tokens = new Int32Array(len);
  const rows: Float32Array[] = new Array(f.step);
  if (!f.eos) tokens[len - 1] = f.last;
  rows[f.step - 1] = f.attention!;
  let slot = f.parent; // a slot of the level after step f.step - 1
  for (let s = f.step - 1; s >= 1; s--) {
    const lv = levels[s - 1]!;
    tokens[s - 1] = lv.tokens[slot]!;
    const parent = lv.parents[slot]!;
    if (L >= 0) rows[s - 1] = rowOf(lv.attention, parent, L)!;
    slot = parent;
  }
  const hyp: Hypothesis = { tokens, eos: f.eos, score: f.score, normalizedScore: f.norm };
  if (L >= 0) hyp.attention = stackAttention(rows, L);
  return hyp;
}
