/** Shapes shared by the orchestrator (main.ts), the child entry (child.ts) and the report. */

/**
 * Who computes: an Unroll backend, a TensorFlow.js backend, or PyTorch. `unroll-native-1t` is the
 * native backend held to one thread (`setNativeThreads(1)`), for a per-core comparison with the
 * single-threaded tfjs backends; it runs only when the native default uses more than one thread.
 * `torch-1t` is PyTorch on one thread (the seq2seq rows only), beside `unroll-native-1t`.
 */
export type Impl = 'unroll-js' | 'unroll-wasm' | 'unroll-native' | 'unroll-native-1t' | 'tfjs-cpu' | 'tfjs-wasm' | 'torch' | 'torch-1t';

export const UNROLL_IMPLS: readonly Impl[] = ['unroll-js', 'unroll-wasm', 'unroll-native', 'unroll-native-1t'];
export const TFJS_IMPLS: readonly Impl[] = ['tfjs-cpu', 'tfjs-wasm'];

/** Recurrent model of the training and inference cases (the char-LM of the lecture). */
export interface ModelSpec {
  cell: 'lstm' | 'gru';
  layers: number;
  vocab: number;
  hidden: number;
}

/**
 * The attention seq2seq model of issue #10: embedding E, one-layer LSTM encoder of width H,
 * LSTMCell decoder of width H with additive (Bahdanau) attention of width H, Luong's attentional
 * layer and input feeding, vocabularies like cmudict's (letters in, phonemes out).
 */
export interface Seq2SeqSpec {
  srcVocab: number;
  tgtVocab: number;
  embedding: number;
  hidden: number;
}

/** One configuration: what a single child process measures. */
export type CaseSpec =
  | { kind: 'matmul'; impl: Impl; n: number }
  | { kind: 'train'; impl: Impl; model: ModelSpec; T: number; B: number }
  | { kind: 'infer'; impl: Impl; model: ModelSpec; tokens: number }
  /** Training steps on one fixed synthetic batch of B pairs (lengths 8-12 both sides). */
  | { kind: 'train-seq2seq'; impl: Impl; model: Seq2SeqSpec; B: number }
  /** Batch-1 decoding of one source word, `steps` tokens (no eos), greedy (beam 1) or beam search. */
  | { kind: 'decode-seq2seq'; impl: Impl; model: Seq2SeqSpec; beam: number; steps: number };

/** How long and how often a child measures. */
export interface Sampling {
  /** Timed repetitions wanted (each one a sample). */
  runs: number;
  /** Fewest samples to keep when the time box runs out first. */
  minRuns: number;
  /** Time box of the timed part, in seconds (warm-up not included). */
  budgetS: number;
}

/** The message that the orchestrator sends to a child (as its one argument, JSON). */
export interface ChildJob {
  spec: CaseSpec;
  sampling: Sampling;
}

/** What a case measured. `samples` are in `unit`; `higherIsBetter` tells how to rank them. */
export interface Measurement {
  unit: 'GFLOP/s' | 'tok/s' | 'ms/tok' | 'ms/word';
  higherIsBetter: boolean;
  samples: number[];
  /** Threads the implementation computes with (1 unless it says otherwise). */
  threads: number;
  /** What exactly was timed, in a few words. */
  note: string;
  /** Loss values etc., to show that the work was real (not printed in the table). */
  extra?: Record<string, unknown>;
}

/** The one JSON line a child prints (after RESULT_MARKER). */
export type ChildReply = { ok: true; result: Measurement } | { ok: false; skipped: string };

/** Prefix of the result line, so that library chatter on stdout is ignored. */
export const RESULT_MARKER = '@@unroll-bench ';

/** A measurement with the configuration it belongs to, as the report reads it. */
export interface Row {
  /** Benchmark label, e.g. "matmul 512³" (rows with the same group are compared). */
  group: string;
  impl: Impl;
  result: Measurement;
}

/** What `child.ts probe` prints. */
export interface ProbeReply {
  native: { available: true; info: unknown; threads: number } | { available: false; reason: string };
}
