// The time loops of one recurrent layer and direction, each in one call: per step the recurrent
// product (threaded like every product) and the fused gate kernel, without returning to
// JavaScript in between. The same steps, in the same order, as recurrentForwardLoop and
// recurrentBackwardLoop in @unroll/tensor (backends/recurrent-loop.ts), hence the same results
// bit for bit. G = gate_width(kind, H): 4H (LSTM), 3H (GRU), H (RNN).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "common.h"
#include "typed_kernels.h"

namespace unroll {

// In the order of CELL_KINDS in @unroll/tensor (src/cell-kind.ts); the native tests check it.
enum CellKind : int { K_LSTM = 0, K_GRU = 1, K_RNN_TANH = 2, K_RNN_RELU = 3, K_COUNT };

// Gates per cell kind (GATES in @unroll/tensor) and the width G of the stacked gates.
constexpr index_t kGates[K_COUNT] = {4, 3, 1, 1};
inline index_t gate_width(int kind, index_t H) { return kGates[kind] * H; }

// Whether row b of a batch is past its sequence's end at step t (no lengths: never).
inline bool past_end(const std::int32_t* lengths, index_t b, index_t t) { return lengths && t >= lengths[b]; }

template <class Tp>
struct ForwardCall {
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
  const std::int32_t* lengths;  // (B) or null: padded steps keep the state and output zeros
  Tp* hNew;           // (B,H) work
  Tp* cNew;           // (B,H) work
};

template <class Tp>
void recurrent_forward(const Kernels<Tp>& k, const ForwardCall<Tp>& s) {
  const index_t B = s.B, H = s.H, G = gate_width(s.kind, H);
  const std::size_t stateBytes = sizeof(Tp) * static_cast<std::size_t>(B * H);
  const std::size_t rowBytes = sizeof(Tp) * static_cast<std::size_t>(H);
  for (index_t step = 0; step < s.T; ++step) {
    const index_t t = s.reverse ? s.T - 1 - step : step;
    Tp* gt = s.gates + t * B * G;  // (B,G)
    if (s.hPrev) std::memcpy(s.hPrev + t * B * H, s.h, stateBytes);
    if (s.kind == K_LSTM && s.cPrev) std::memcpy(s.cPrev + t * B * H, s.c, stateBytes);
    // (B,G) += h (B,H) W_hh^T, into the gates (LSTM, RNN) or into gh = b_hh + h W_hh^T (GRU)
    Tp* acc = gt;
    if (s.kind == K_GRU) {
      acc = s.gh + t * s.ghStride;
      for (index_t b = 0; b < B; ++b) std::memcpy(acc + b * G, s.bHh, sizeof(Tp) * static_cast<std::size_t>(G));
    }
    k.gemm(GemmCall<Tp>{false, true, B, G, H, Tp(1), Tp(1), s.h, H, s.wHh, H, acc, G, B});
    if (s.kind == K_LSTM) {
      k.lstm_fwd(B, H, gt, s.c, s.cNew, s.hNew, s.tanhC + t * s.tanhStride);
    } else if (s.kind == K_GRU) {
      k.gru_fwd(B, H, gt, acc, s.h, s.hNew);
    } else {
      k.unary(s.kind == K_RNN_TANH ? U_TANH : U_RELU, gt, s.hNew, B * H, 0, 0);
      std::memcpy(gt, s.hNew, stateBytes);
    }
    Tp* yt = s.y + t * B * H;  // (B,H)
    for (index_t b = 0; b < B; ++b) {
      if (!past_end(s.lengths, b, t)) continue;
      // past the end: the state carries through unchanged (the output row is zeroed below)
      std::memcpy(s.hNew + b * H, s.h + b * H, rowBytes);
      std::memcpy(s.cNew + b * H, s.c + b * H, rowBytes);
    }
    std::memcpy(yt, s.hNew, stateBytes);
    for (index_t b = 0; b < B; ++b) {
      if (past_end(s.lengths, b, t)) std::memset(yt + b * H, 0, rowBytes);
    }
    std::memcpy(s.h, s.hNew, stateBytes);
    if (s.kind == K_LSTM) std::memcpy(s.c, s.cNew, stateBytes);
  }
}

template <class Tp>
struct BackwardCall {
  int kind;
  index_t T, B, H;
  bool reverse;       // the forward ran t = T-1 down to 0
  const Tp* gates;    // (T,B,G) activated gates saved by the forward
  const Tp* gh;       // GRU: (T,B,G)
  const Tp* hPrev;    // (T,B,H)
  const Tp* cPrev;    // LSTM: (T,B,H)
  const Tp* tanhC;    // LSTM: (T,B,H)
  const Tp* wHh;      // (G,H)
  const Tp* dy;       // (T,B,H) or null
  Tp* dh;             // (B,H) in: gradient of the final h, out: of the initial h
  Tp* dc;             // LSTM: (B,H) the same for c; null otherwise
  Tp* dGates;         // (T,B,G) out
  Tp* dGh;            // GRU: (T,B,G) out
  double* dhNorms;    // (T) or null: ||dL/dh_t|| per step
  const std::int32_t* lengths;  // (B) or null
  Tp* dhPrev;         // (B,H) work
  Tp* dcKept;         // (B,H) work
};

template <class Tp>
void recurrent_backward(const Kernels<Tp>& k, const BackwardCall<Tp>& s) {
  const index_t B = s.B, H = s.H, G = gate_width(s.kind, H);
  const std::size_t stateBytes = sizeof(Tp) * static_cast<std::size_t>(B * H);
  const std::size_t rowBytes = sizeof(Tp) * static_cast<std::size_t>(H);
  const std::size_t gateRowBytes = sizeof(Tp) * static_cast<std::size_t>(G);
  // dhPrev (B,H) (+)= dg (B,G) W_hh (G,H)
  const auto into_prev_state = [&](const Tp* dg, Tp beta) {
    k.gemm(GemmCall<Tp>{false, false, B, H, G, Tp(1), beta, dg, G, s.wHh, H, s.dhPrev, H, B});
  };
  for (index_t step = s.T - 1; step >= 0; --step) {
    const index_t t = s.reverse ? s.T - 1 - step : step;
    const index_t g0 = t * B * G, s0 = t * B * H;
    bool anyMasked = false;
    for (index_t b = 0; b < B && s.lengths; ++b) anyMasked = anyMasked || past_end(s.lengths, b, t);
    if (s.dy) {
      // dh += dy_t; outputs past a sequence's end are constant zeros: their gradient goes nowhere
      for (index_t b = 0; b < B; ++b) {
        if (past_end(s.lengths, b, t)) continue;
        for (index_t i = b * H; i < (b + 1) * H; ++i) s.dh[i] += s.dy[s0 + i];
      }
    }
    if (s.dhNorms) {
      double n2 = 0;  // in double, in order: as the JavaScript loop sums
      for (index_t i = 0; i < B * H; ++i) {
        const double v = s.dh[i];
        n2 += v * v;
      }
      s.dhNorms[t] = std::sqrt(n2);
    }
    if (anyMasked && s.dc) {
      for (index_t b = 0; b < B; ++b) {
        if (past_end(s.lengths, b, t)) std::memcpy(s.dcKept + b * H, s.dc + b * H, rowBytes);
      }
    }
    const Tp* gt = s.gates + g0;  // (B,G)
    Tp* dgt = s.dGates + g0;      // (B,G)
    const auto zero_masked = [&](Tp* d) {
      for (index_t b = 0; b < B && anyMasked; ++b) {
        if (past_end(s.lengths, b, t)) std::memset(d + b * G, 0, gateRowBytes);
      }
    };
    if (s.kind == K_LSTM) {
      k.lstm_bwd(B, H, gt, s.cPrev + s0, s.tanhC + s0, s.dh, s.dc, dgt);
      zero_masked(dgt);
      into_prev_state(dgt, Tp(0));
    } else if (s.kind == K_GRU) {
      // the direct path z * dh goes into dhPrev first, then dGh W_hh is added
      std::memset(s.dhPrev, 0, stateBytes);
      Tp* dght = s.dGh + g0;
      k.gru_bwd(B, H, gt, s.gh + g0, s.hPrev + s0, s.dh, dgt, dght, s.dhPrev);
      zero_masked(dgt);
      zero_masked(dght);
      into_prev_state(dght, Tp(1));
    } else {
      k.act_back(s.kind == K_RNN_TANH ? A_TANH : A_RELU, gt, s.dh, dgt, B * H);
      zero_masked(dgt);
      into_prev_state(dgt, Tp(0));
    }
    for (index_t b = 0; b < B && anyMasked; ++b) {
      if (!past_end(s.lengths, b, t)) continue;
      // padded steps pass the state's gradient through untouched
      std::memcpy(s.dhPrev + b * H, s.dh + b * H, rowBytes);
      if (s.dc) std::memcpy(s.dc + b * H, s.dcKept + b * H, rowBytes);
    }
    std::memcpy(s.dh, s.dhPrev, stateBytes);
  }
}

}  // namespace unroll
