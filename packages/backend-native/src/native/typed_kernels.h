// The kernels of a KernelTable for one element type (float or double), so that code written once
// as a template over Tp reaches the _f32 or _f64 entries (addon.cc's dtype dispatcher, the
// recurrent time loops of sequence.h).
#pragma once

#include "common.h"
#include "gemm_threads.h"

namespace unroll {

template <class Tp>
struct Kernels {
  using Elem = Tp;
  void (*gemm_block)(const GemmCall<Tp>&);  // one thread's product
  int nr, mr;
  void (*unary)(int op, const Tp* x, Tp* out, index_t n, double p0, double p1);
  void (*binary)(int op, const Tp* a, const Tp* b, void* out, bool outI32, const Strided& s);
  void (*where)(const void* cond, int condType, const Tp* a, const Tp* b, Tp* out, const Strided& s);
  void (*reduce)(int op, const Tp* x, index_t outer, index_t n, index_t inner, void* out, int outType);
  void (*copy)(const Tp* src, const Strided& s, Tp* dst);
  void (*softmax)(const Tp* x, index_t rows, index_t cols, Tp* out, bool log);
  void (*act_back)(int kind, const Tp* y, const Tp* dy, Tp* out, index_t n);
  void (*lstm_fwd)(index_t B, index_t H, Tp* gates, const Tp* cPrev, Tp* c, Tp* h, Tp* tanhC);
  void (*lstm_bwd)(index_t B, index_t H, const Tp* gates, const Tp* cPrev, const Tp* tanhC, const Tp* dh, Tp* dc, Tp* dGates);
  void (*gru_fwd)(index_t B, index_t H, Tp* gi, const Tp* gh, const Tp* hPrev, Tp* h);
  void (*gru_bwd)(index_t B, index_t H, const Tp* gi, const Tp* gh, const Tp* hPrev, const Tp* dh, Tp* dGi, Tp* dGh, Tp* dhPrev);

  // C = alpha op(A) op(B) + beta C, split over the thread pool when it is large enough.
  void gemm(const GemmCall<Tp>& g) const { gemm_dispatch<Tp>(g, gemm_block, nr, mr); }
};

template <class Tp>
Kernels<Tp> kernels_for(const KernelTable* t);

template <>
inline Kernels<float> kernels_for<float>(const KernelTable* t) {
  return {t->sgemm, t->sgemm_nr, t->sgemm_mr, t->unary_f32, t->binary_f32, t->where_f32, t->reduce_f32, t->copy_f32,
          t->softmax_f32, t->act_back_f32, t->lstm_fwd_f32, t->lstm_bwd_f32, t->gru_fwd_f32, t->gru_bwd_f32};
}

template <>
inline Kernels<double> kernels_for<double>(const KernelTable* t) {
  return {t->dgemm, t->dgemm_nr, t->dgemm_mr, t->unary_f64, t->binary_f64, t->where_f64, t->reduce_f64, t->copy_f64,
          t->softmax_f64, t->act_back_f64, t->lstm_fwd_f64, t->lstm_bwd_f64, t->gru_fwd_f64, t->gru_bwd_f64};
}

}  // namespace unroll
