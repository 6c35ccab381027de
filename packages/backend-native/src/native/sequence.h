// The forward time loop of one recurrent layer and direction, in one call: per step the
// recurrent product h W_hh^T (threaded like every product) and the fused gate kernel, without
// returning to JavaScript in between. The same steps, in the same order, as
// recurrentForwardLoop in @unroll/tensor (for sequences without lengths; those stay in JS).
#pragma once

#include <cstring>

#include "common.h"
#include "gemm_threads.h"

namespace unroll {

enum CellKind : int { K_LSTM = 0, K_GRU = 1, K_RNN_TANH = 2, K_RNN_RELU = 3 };

template <class Tp>
struct SequenceCall {
  int kind;
  index_t T, B, H;
  bool reverse;
  Tp* gates;          // (T,B,G) input projections + biases, activated in place
  const Tp* wHh;      // (G,H)
  const Tp* bHh;      // (G) GRU only
  Tp* gh;             // GRU: (T,B,G) or one (B,G) block (ghStride 0)
  index_t ghStride;
  Tp* h;              // (B,H) in: initial state, out: final state
  Tp* c;              // (B,H) LSTM cell state, in and out
  Tp* y;              // (T,B,H)
  Tp* hPrev;          // (T,B,H) or null: the state entering each step
  Tp* cPrev;          // (T,B,H) or null
  Tp* tanhC;          // LSTM: (T,B,H) or one (B,H) block (tanhStride 0)
  index_t tanhStride;
  Tp* hNew;           // (B,H) work
  Tp* cNew;           // (B,H) work
};

// The per-type kernels the loop needs, taken from a KernelTable.
template <class Tp>
struct StepKernels {
  void (*gemm)(const GemmCall<Tp>&);
  int nr, mr;
  void (*unary)(int op, const Tp* x, Tp* out, index_t n, double p0, double p1);
  void (*lstm)(index_t B, index_t H, Tp* gates, const Tp* cPrev, Tp* c, Tp* h, Tp* tanhC);
  void (*gru)(index_t B, index_t H, Tp* gi, const Tp* gh, const Tp* hPrev, Tp* h);
};

inline StepKernels<float> step_kernels_f32(const KernelTable* t) {
  return {t->sgemm, t->sgemm_nr, t->sgemm_mr, t->unary_f32, t->lstm_fwd_f32, t->gru_fwd_f32};
}
inline StepKernels<double> step_kernels_f64(const KernelTable* t) {
  return {t->dgemm, t->dgemm_nr, t->dgemm_mr, t->unary_f64, t->lstm_fwd_f64, t->gru_fwd_f64};
}

template <class Tp>
void recurrent_forward(const StepKernels<Tp>& k, const SequenceCall<Tp>& s) {
  const index_t B = s.B, H = s.H;
  const index_t G = s.kind == K_LSTM ? 4 * H : s.kind == K_GRU ? 3 * H : H;
  const std::size_t stateBytes = sizeof(Tp) * static_cast<std::size_t>(B * H);
  for (index_t step = 0; step < s.T; ++step) {
    const index_t t = s.reverse ? s.T - 1 - step : step;
    Tp* gt = s.gates + t * B * G;
    if (s.hPrev) std::memcpy(s.hPrev + t * B * H, s.h, stateBytes);
    // (B,G) += h (B,H) W_hh^T, into the gates (LSTM, RNN) or into gh = b_hh + h W_hh^T (GRU)
    Tp* acc = gt;
    if (s.kind == K_GRU) {
      acc = s.gh + t * s.ghStride;
      for (index_t b = 0; b < B; ++b) std::memcpy(acc + b * G, s.bHh, sizeof(Tp) * static_cast<std::size_t>(G));
    }
    const GemmCall<Tp> g{false, true, B, G, H, Tp(1), Tp(1), s.h, H, s.wHh, H, acc, G, B};
    gemm_dispatch<Tp>(g, k.gemm, k.nr, k.mr);
    if (s.kind == K_LSTM) {
      if (s.cPrev) std::memcpy(s.cPrev + t * B * H, s.c, stateBytes);
      k.lstm(B, H, gt, s.c, s.cNew, s.hNew, s.tanhC + t * s.tanhStride);
      std::memcpy(s.c, s.cNew, stateBytes);
    } else if (s.kind == K_GRU) {
      k.gru(B, H, gt, acc, s.h, s.hNew);
    } else {
      k.unary(s.kind == K_RNN_TANH ? U_TANH : U_RELU, gt, s.hNew, B * H, 0, 0);
      std::memcpy(gt, s.hNew, stateBytes);
    }
    std::memcpy(s.y + t * B * H, s.hNew, stateBytes);
    std::memcpy(s.h, s.hNew, stateBytes);
  }
}

}  // namespace unroll
