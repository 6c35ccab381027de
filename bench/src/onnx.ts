/**
 * Inference beside ONNX Runtime (`pnpm --filter @unroll/bench onnx [-- --runs 5]`): an LSTM
 * language model (vocab 65 one-hot, hidden 256) built with Unroll is exported to ONNX and run by
 * onnxruntime-node (CPU, 1 intra-op thread) and by each Unroll backend. Checks that both give the
 * same logits, then times (a) a 64-step sequence at batch 1, (b) step-by-step sampling with the
 * state fed back (per token). Median and min-max over the runs.
 */
import { noGrad } from '@unroll/autograd';
import { oneHot, randint, setBackend } from '@unroll/tensor';
import * as ort from 'onnxruntime-node';
import { argmaxOf, buildBenchModel, greedyDecode } from './cases/model.js';
import { useUnroll } from './impls/unroll.js';
import { exportLstmLm } from './onnx-export.js';
import { UNROLL_IMPLS } from './types.js';

const V = 65;
const H = 256;
const T = 64;
const TOKENS = 200;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;

const { rnn: lstm, head, g } = buildBenchModel({ cell: 'lstm', vocab: V, hidden: H, layers: 1 });
lstm.eval();
const ids = randint(0, V, [T, 1], { generator: g });
const xSeq = oneHot(ids, V); // (T,1,V)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeRuns(fn: () => Promise<void> | void): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const out: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}


// --- ONNX Runtime ---
const session = await ort.InferenceSession.create(exportLstmLm(lstm, head), { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
const zeros = (): ort.Tensor => new ort.Tensor('float32', new Float32Array(H), [1, 1, H]);
const ortSeq = async () => session.run({ x: new ort.Tensor('float32', xSeq.data as Float32Array, [T, 1, V]), h0: zeros(), c0: zeros() });
const ortSample = async () => {
  let h = zeros();
  let c = zeros();
  let tok = 0;
  for (let i = 0; i < TOKENS; i++) {
    const x = new Float32Array(V);
    x[tok] = 1;
    const out = await session.run({ x: new ort.Tensor('float32', x, [1, 1, V]), h0: h, c0: c });
    h = out.h as ort.Tensor;
    c = out.c as ort.Tensor;
    tok = argmaxOf(out.logits!.data as Float32Array);
  }
};

// --- Unroll ---
const unrollSeq = () => noGrad(() => head.forward(lstm.forward(xSeq).output));
const unrollSample = () => {
  greedyDecode(lstm, head, V, TOKENS);
};

const rows: string[] = [];
const fmt = (xs: number[], scale: number, digits: number) =>
  `${(median(xs) * scale).toFixed(digits)} (${(Math.min(...xs) * scale).toFixed(digits)}-${(Math.max(...xs) * scale).toFixed(digits)})`;

const ortRef = (await ortSeq()).logits!.data as Float32Array;
const ortSeqMs = await timeRuns(async () => {
  await ortSeq();
});
const ortTokMs = await timeRuns(ortSample);
rows.push(`| onnxruntime-node ${ort.env.versions.common} (1 thread) | ${fmt(ortSeqMs, 1, 3)} | ${fmt(ortTokMs, 1000 / TOKENS, 1)} | reference |`);

for (const impl of UNROLL_IMPLS) {
  const sel = await useUnroll(impl);
  if ('skip' in sel) {
    rows.push(`| ${impl} | skipped: ${sel.skip} | | |`);
    continue;
  }
  const logits = unrollSeq().data;
  let diff = 0;
  for (let i = 0; i < logits.length; i++) diff = Math.max(diff, Math.abs(logits[i]! - ortRef[i]!));
  const seqMs = await timeRuns(() => {
    unrollSeq();
  });
  const tokMs = await timeRuns(unrollSample);
  rows.push(`| ${impl} (${sel.threads} thread${sel.threads > 1 ? 's' : ''}) | ${fmt(seqMs, 1, 3)} | ${fmt(tokMs, 1000 / TOKENS, 1)} | ${diff.toExponential(1)} |`);
}
setBackend('js');

console.log(`LSTM language model (vocab ${V} one-hot, hidden ${H}), batch 1, ${RUNS} runs: median (min-max)\n`);
console.log('| runtime | 64-step sequence, ms | sampling, us/token | max abs logit difference vs ONNX Runtime |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(r);
