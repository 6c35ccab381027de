/**
 * Child process entry: measures one configuration and prints one result line
 * (RESULT_MARKER + JSON). Run by main.ts, one process per configuration, so that JIT, WASM and
 * heap state of one configuration cannot affect another. The job comes as argv[2] (JSON), or
 * the word `probe`.
 * Library modules are imported lazily so that an Unroll child never loads tfjs and vice versa.
 */
import { type ChildJob, type ChildReply, type ProbeReply, RESULT_MARKER } from './types.js';

async function run(job: ChildJob): Promise<ChildReply> {
  const { spec, sampling } = job;
  if (spec.impl === 'torch' || spec.impl === 'torch-1t') return { ok: false, skipped: 'torch runs in python/torch_lstm.py, not here' };
  const unroll = spec.impl.startsWith('unroll-');
  switch (spec.kind) {
    case 'matmul':
      return unroll
        ? (await import('./cases/matmul-unroll.js')).matmulUnroll(spec.impl, spec.n, sampling)
        : (await import('./cases/matmul-tfjs.js')).matmulTfjs(spec.impl, spec.n, sampling);
    case 'train':
      return unroll
        ? (await import('./cases/train-unroll.js')).trainUnroll(spec.impl, spec.model, spec.T, spec.B, sampling)
        : (await import('./cases/train-tfjs.js')).trainTfjs(spec.impl, spec.model, spec.T, spec.B, sampling);
    case 'infer':
      return unroll
        ? (await import('./cases/infer-unroll.js')).inferUnroll(spec.impl, spec.model, spec.tokens, sampling)
        : (await import('./cases/infer-tfjs.js')).inferTfjs(spec.impl, spec.model, spec.tokens, sampling);
    case 'train-seq2seq':
      if (!unroll) return { ok: false, skipped: `no ${spec.impl} seq2seq model` };
      return (await import('./cases/train-seq2seq-unroll.js')).trainSeq2SeqUnroll(spec.impl, spec.model, spec.B, sampling);
    case 'decode-seq2seq':
      if (!unroll) return { ok: false, skipped: `no ${spec.impl} seq2seq model` };
      return (await import('./cases/decode-seq2seq-unroll.js')).decodeSeq2SeqUnroll(spec.impl, spec.model, spec.beam, spec.steps, sampling);
  }
}

/** `probe`: which optional Unroll backends load here (main.ts plans the run from this). */
async function probe(): Promise<ProbeReply> {
  const { loadNative, nativeThreads } = await import('./impls/unroll.js');
  const native = await loadNative();
  if ('reason' in native) return { native: { available: false, reason: native.reason } };
  const info = native.mod.nativeInfo();
  return { native: { available: true, info, threads: nativeThreads(info) } };
}

const arg = process.argv[2] ?? '';
const reply = arg === 'probe' ? await probe() : await run(JSON.parse(arg) as ChildJob);
// tfjs-wasm keeps handles open: leave as soon as the result line is flushed
process.stdout.write(`${RESULT_MARKER}${JSON.stringify(reply)}\n`, () => process.exit(0));
