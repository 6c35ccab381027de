"""PyTorch reference for the Unroll benchmark (run by bench/src/main.ts, one process per case).

Usage: python3 torch_lstm.py '<job JSON>'  with the same job shape as bench/src/child.ts:
  {"spec": {"kind": "matmul" | "train" | "infer", "n" | "model": {"cell", "layers", "vocab",
            "hidden"}, "T", "B" | "tokens"}, "sampling": {"runs", "minRuns", "budgetS"}}
       python3 torch_lstm.py probe   prints the torch version and BLAS.
Prints one line: '@@unroll-bench ' + JSON, like the Node children.

matmul: torch.mm of two n x n float32 matrices, GFLOP/s (2 n^3 flops per product).

train: one-hot (T,B,V) -> nn.LSTM / nn.GRU -> nn.Linear -> F.cross_entropy over all T*B positions
       -> backward -> Adam(lr 1e-3) step, no clipping; 2 intra-op threads.
infer: batch 1, one token at a time, state fed back, greedy argmax read with .item(),
       under torch.no_grad(); a sample is a whole sequence of `tokens` tokens from a zero state.
train-seq2seq, decode-seq2seq: the attention seq2seq model of torch_seq2seq.py (Unroll's Seq2Seq
       twin): a training step on one fixed batch (tok/s of real target tokens), or the decoding
       latency of one word at batch 1, greedy or beam search (ms/word).
"""
import json
import re
import sys
import time

import torch
import torch.nn.functional as F

MARKER = "@@unroll-bench "
THREADS = 2


def time_it(fn, runs, min_runs, budget_ms, warmup_calls, warmup_ms, sample_ms):
    """Mirror of bench/src/timing.ts: warm-up, calibrate, time-boxed samples (ms per call)."""
    last = 0.0
    warm_start = time.perf_counter()
    i = 0
    while i < warmup_calls or (time.perf_counter() - warm_start) * 1e3 < warmup_ms:
        t = time.perf_counter()
        fn()
        last = (time.perf_counter() - t) * 1e3
        i += 1
    reps = max(1, round(sample_ms / max(last, 1e-3)))
    out = []
    start = time.perf_counter()
    while len(out) < runs:
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        out.append((time.perf_counter() - t) * 1e3 / reps)
        if (time.perf_counter() - start) * 1e3 > budget_ms and len(out) >= min_runs:
            break
    return out, reps


def build(model):
    rnn_cls = torch.nn.LSTM if model["cell"] == "lstm" else torch.nn.GRU
    rnn = rnn_cls(model["vocab"], model["hidden"], num_layers=model["layers"])
    head = torch.nn.Linear(model["hidden"], model["vocab"])
    return rnn, head


def train(spec, s):
    m, T, B = spec["model"], spec["T"], spec["B"]
    V = m["vocab"]
    rnn, head = build(m)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)
    x = F.one_hot(torch.randint(0, V, (T, B)), V).float()  # (T,B,V)
    y = torch.randint(0, V, (T, B))
    losses = []

    def step():
        opt.zero_grad()
        out, _ = rnn(x)  # (T,B,H)
        loss = F.cross_entropy(head(out).reshape(T * B, V), y.reshape(T * B))
        loss.backward()
        opt.step()
        losses.append(loss.item())

    budget = s["budgetS"] * 1e3
    ms, reps = time_it(step, s["runs"], s["minRuns"], budget, 1, 0, budget / s["runs"])
    return {
        "unit": "tok/s", "higherIsBetter": True, "samples": [T * B * 1e3 / v for v in ms], "threads": THREADS,
        "note": f"forward+backward+Adam, {reps} steps per sample",
        "extra": {"firstLoss": losses[0], "lastLoss": losses[-1], "steps": len(losses)},
    }


def infer(spec, s):
    m, tokens = spec["model"], spec["tokens"]
    V = m["vocab"]
    rnn, head = build(m)
    rnn.eval()
    head.eval()
    checksum = [0]

    def generate():
        state = None
        tok = 0
        with torch.no_grad():
            for _ in range(tokens):
                x = torch.zeros(1, 1, V)
                x[0, 0, tok] = 1.0
                out, state = rnn(x, state)
                tok = int(head(out).argmax(-1).item())
                checksum[0] += tok

    budget = s["budgetS"] * 1e3
    ms, reps = time_it(generate, s["runs"], s["minRuns"], budget, 2, 500, budget / s["runs"])
    return {
        "unit": "ms/tok", "higherIsBetter": False, "samples": [v / tokens for v in ms], "threads": THREADS,
        "note": f"nn.{m['cell'].upper()} step (T=1, state) + Linear + argmax per token, {reps} sequences of {tokens} tokens per sample",
        "extra": {"checksum": checksum[0]},
    }


def train_seq2seq(spec, s):
    import torch_seq2seq as s2s

    net = s2s.build(spec["model"])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    src, lengths, tgt_in, tgt_out, mask, tokens = s2s.synthetic_batch(spec["model"], spec["B"])
    losses = []

    def step():
        opt.zero_grad()
        loss = net.loss(src, lengths, tgt_in, tgt_out, mask)
        loss.backward()
        opt.step()
        losses.append(loss.item())

    budget = s["budgetS"] * 1e3
    ms, reps = time_it(step, s["runs"], s["minRuns"], budget, 1, 0, budget / s["runs"])
    params = s2s.parameter_count(net)
    return {
        "unit": "tok/s", "higherIsBetter": True, "samples": [tokens * 1e3 / v for v in ms], "threads": THREADS,
        "note": f"loss + backward + Adam, {params:,} parameters, {tokens} target tokens per step, {reps} steps per sample",
        "extra": {"parameters": params, "tokensPerStep": tokens, "firstLoss": losses[0], "lastLoss": losses[-1], "steps": len(losses)},
    }


def decode_seq2seq(spec, s):
    import torch_seq2seq as s2s

    net = s2s.build(spec["model"])
    net.eval()
    n = 10  # source length, as bench/src/cases/decode-seq2seq-unroll.ts
    src = torch.randint(3, spec["model"]["srcVocab"], (1, n))
    lengths = torch.tensor([n])
    checksum = [0]

    def word():
        checksum[0] += sum(s2s.decode_word(net, src, lengths, spec["beam"], spec["steps"]))

    budget = s["budgetS"] * 1e3
    ms, reps = time_it(word, s["runs"], s["minRuns"], budget, 2, 500, budget / s["runs"])
    how = "greedy" if spec["beam"] == 1 else f"beam {spec['beam']}"
    return {
        "unit": "ms/word", "higherIsBetter": False, "samples": ms, "threads": THREADS,
        "note": f"encode {n} ids + {how}, {spec['steps']} steps, {s2s.parameter_count(net):,} parameters, {reps} words per sample",
        "extra": {"checksum": checksum[0]},
    }


def matmul(spec, s):
    n = spec["n"]
    g = torch.Generator().manual_seed(1)
    a = torch.randn(n, n, generator=g)
    b = torch.randn(n, n, generator=g)
    sample_ms = max(200.0, s["budgetS"] * 1e3 / s["runs"])
    ms, reps = time_it(lambda: torch.mm(a, b), s["runs"], s["minRuns"], s["budgetS"] * 1e3, 2, 300, sample_ms)
    return {
        "unit": "GFLOP/s", "higherIsBetter": True, "samples": [2 * n ** 3 / (v * 1e6) for v in ms], "threads": THREADS,
        "note": f"torch.mm, {reps} products per sample",
    }


def probe():
    """Version and BLAS of this torch build (distribution builds may use a slow generic BLAS)."""
    config = torch.__config__.show()
    m = re.search(r"BLAS_INFO=([^,\s]+)", config)
    return {"version": torch.__version__, "blas": m.group(1) if m else "unknown", "threads": THREADS}


def main():
    if sys.argv[1] == "probe":
        print(MARKER + json.dumps(probe()), flush=True)
        return
    job = json.loads(sys.argv[1])
    global THREADS
    if job["spec"]["impl"] == "torch-1t":
        THREADS = 1  # the per-core comparison of the seq2seq rows
    torch.manual_seed(1)
    torch.set_num_threads(THREADS)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # only settable before the first parallel work
    spec = job["spec"]
    if spec["kind"] == "matmul":
        reply = {"ok": True, "result": matmul(spec, job["sampling"])}
    elif spec["kind"] == "train":
        reply = {"ok": True, "result": train(spec, job["sampling"])}
    elif spec["kind"] == "infer":
        reply = {"ok": True, "result": infer(spec, job["sampling"])}
    elif spec["kind"] == "train-seq2seq":
        reply = {"ok": True, "result": train_seq2seq(spec, job["sampling"])}
    elif spec["kind"] == "decode-seq2seq":
        reply = {"ok": True, "result": decode_seq2seq(spec, job["sampling"])}
    else:
        reply = {"ok": False, "skipped": f"torch_lstm.py does not run '{spec['kind']}'"}
    reply.setdefault("result", {}).setdefault("extra", {})["torch"] = torch.__version__ if reply["ok"] else None
    if not reply["ok"]:
        del reply["result"]
    print(MARKER + json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
