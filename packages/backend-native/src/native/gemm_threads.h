// gemm split over the thread pool on independent blocks of C (used by every product, and by the
// recurrent time loop of sequence.h).
#pragma once

#include <algorithm>

#include "common.h"
#include "pool.h"

namespace unroll {

template <class Tp>
struct GemmJob {
  GemmCall<Tp> g;
  void (*run)(const GemmCall<Tp>&);
  bool byCols;
  index_t chunk;
};

template <class Tp>
inline void gemm_part(void* ctx, int part) {
  const GemmJob<Tp>& job = *static_cast<const GemmJob<Tp>*>(ctx);
  GemmCall<Tp> g = job.g;
  const index_t start = job.chunk * part;
  if (job.byCols) {
    if (start >= g.n) return;
    g.n = g.n - start < job.chunk ? g.n - start : job.chunk;
    g.b += g.transB ? start * g.ldb : start;
    g.c += start;
  } else {
    if (start >= g.m) return;
    g.m = g.m - start < job.chunk ? g.m - start : job.chunk;
    g.a += g.transA ? start : start * g.lda;
    g.c += start * g.ldc;
  }
  job.run(g);
}

// Products with more multiply-adds than this use the thread pool.
constexpr double kParallelWork = 2097152.0;  // 2^21
// ... and for the products of a few rows against a transposed B (see gemm_dispatch).
constexpr double kParallelGemvWork = 65536.0;  // 2^16

template <class Tp>
inline void gemm_dispatch(const GemmCall<Tp>& g, void (*run)(const GemmCall<Tp>&), int nr, int mr) {
  const int threads = pool_threads();
  const double work = static_cast<double>(g.m) * static_cast<double>(g.n) * static_cast<double>(g.k);
  // A few rows against a transposed B (batch-1 inference: h W_hh^T) streams B from memory once:
  // split over the threads from a much smaller size, so that each core reads (and keeps in its
  // own L2 cache) part of the weights. Measured on 1024x256: 17 us on one thread, 9 us on two.
  const bool fewRowsTransB = g.m <= 6 && g.transB && !g.transA;
  if (threads > 1 && (work > kParallelWork || (fewRowsTransB && work > kParallelGemvWork)) && g.alpha != Tp(0)) {
    // Split the larger side of C (rows when square, measured slightly faster) into chunks that
    // the threads claim one at a time, so that a thread the OS runs late costs little. Each chunk
    // packs the other operand again: chunks are at least 256 long (a few per cent of extra
    // work), or 128 when the other side is small (the recurrent step's few rows); halves when
    // that leaves only one chunk.
    const bool byCols = g.n > g.m;
    const index_t len = byCols ? g.n : g.m;
    const index_t other = byCols ? g.m : g.n;
    const index_t unit = byCols ? nr : mr;
    const auto round_up = [unit](index_t x) { return (x + unit - 1) / unit * unit; };
    const index_t minChunk = other <= 64 ? 128 : 256;
    index_t chunk = round_up(std::max<index_t>(minChunk, (len + 4 * threads - 1) / (4 * threads)));
    // few rows against a transposed B: one chunk per thread, so that each core reads the same
    // rows of B every call (see pool_run) and keeps them in its cache
    if ((len + chunk - 1) / chunk < 2 || (fewRowsTransB && work <= kParallelWork)) chunk = round_up((len + threads - 1) / threads);
    const index_t chunks = (len + chunk - 1) / chunk;
    if (chunks >= 2 && chunks <= 0xffff) {
      GemmJob<Tp> job{g, run, byCols, chunk};
      if (pool_run(static_cast<int>(chunks), gemm_part<Tp>, &job)) return;
    }
  }
  run(g);
}

}  // namespace unroll
