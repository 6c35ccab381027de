// Shared declarations of the unroll native backend: operation codes (the orders of the kernel
// lists of @unroll/tensor, src/vocabulary.ts; src/vocabulary.test.ts checks them) and the
// table of kernels that each instruction-set build provides.
#pragma once

#include <cstddef>
#include <cstdint>

namespace unroll {

using index_t = std::int64_t;

// Unary kernels, in the order of UNARY_KERNELS.
enum UnaryOp : int {
  U_NEG, U_ABS, U_EXP, U_LOG, U_SQRT, U_TANH, U_SIGMOID, U_RELU, U_SIGN, U_SQUARE,
  U_RECIPROCAL, U_POW, U_CLIP, U_SIN, U_COS, U_FLOOR, U_COPY, U_STEP, U_COUNT
};

// Binary kernels, in the order of BINARY_KERNELS. Comparisons come last (FIRST_COMPARISON).
enum BinaryOp : int {
  B_ADD, B_SUB, B_MUL, B_DIV, B_MAXIMUM, B_MINIMUM, B_POW,
  B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_COUNT
};
inline bool is_comparison(int op) { return op >= B_EQ && op < B_COUNT; }

// Reductions, in the order of REDUCE_KERNELS.
enum ReduceOp : int { R_SUM, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN, R_LOGSUMEXP, R_COUNT };

// activationBackward kinds, in the order of ACTIVATION_KERNELS.
enum ActKind : int { A_TANH, A_RELU, A_SIGMOID, A_COUNT };

// Element types of typed arrays the kernels read or write.
enum ElemType : int { E_F32 = 0, E_F64 = 1, E_I32 = 2 };

// Most dimensions a strided kernel accepts (after merging contiguous dimensions).
constexpr int kMaxDims = 32;

// A row-major gemm on already-offset pointers: C = alpha op(A) op(B) + beta C.
template <class T>
struct GemmCall {
  bool transA, transB;
  index_t m, n, k;
  T alpha, beta;
  const T* a; index_t lda;
  const T* b; index_t ldb;
  T* c; index_t ldc;
  // Rows of the whole product when this call is one thread's block of it: kernel paths are chosen
  // from it, so that splitting a product over threads never changes its rounding.
  index_t mWhole;
};

// A strided broadcast view over `nd` output dimensions (shape and per-operand strides).
struct Strided {
  int nd;
  index_t shape[kMaxDims];
  index_t stride[3][kMaxDims];
};

// Kernels of one instruction set. Every pointer is non-null. gemm is single-threaded here;
// threading is done by the caller on independent blocks of C.
struct KernelTable {
  const char* name;
  void (*sgemm)(const GemmCall<float>&);
  void (*dgemm)(const GemmCall<double>&);
  // Packing block sizes of op(B) columns and op(A) rows (threads split C on multiples of them).
  int sgemm_nr, sgemm_mr, dgemm_nr, dgemm_mr;

  void (*unary_f32)(int op, const float* x, float* out, index_t n, double p0, double p1);
  void (*unary_f64)(int op, const double* x, double* out, index_t n, double p0, double p1);

  // out (same type, or int32 for comparisons when outI32) = a op b over a Strided view.
  void (*binary_f32)(int op, const float* a, const float* b, void* out, bool outI32, const Strided& s);
  void (*binary_f64)(int op, const double* a, const double* b, void* out, bool outI32, const Strided& s);

  // out = cond != 0 ? a : b; cond has element type condType. stride[0] is cond's, 1 a's, 2 b's.
  void (*where_f32)(const void* cond, int condType, const float* a, const float* b, float* out, const Strided& s);
  void (*where_f64)(const void* cond, int condType, const double* a, const double* b, double* out, const Strided& s);

  // Arg-reductions write to out of outType (E_I32, or the input's own type).
  void (*reduce_f32)(int op, const float* x, index_t outer, index_t n, index_t inner, void* out, int outType);
  void (*reduce_f64)(int op, const double* x, index_t outer, index_t n, index_t inner, void* out, int outType);

  // dst[dstOff + i] = src[offset + strided index i]; stride[0] is the source's.
  void (*copy_f32)(const float* src, const Strided& s, float* dst);
  void (*copy_f64)(const double* src, const Strided& s, double* dst);

  void (*softmax_f32)(const float* x, index_t rows, index_t cols, float* out, bool log);
  void (*softmax_f64)(const double* x, index_t rows, index_t cols, double* out, bool log);

  void (*act_back_f32)(int kind, const float* y, const float* dy, float* out, index_t n);
  void (*act_back_f64)(int kind, const double* y, const double* dy, double* out, index_t n);

  void (*lstm_fwd_f32)(index_t B, index_t H, float* gates, const float* cPrev, float* c, float* h, float* tanhC);
  void (*lstm_fwd_f64)(index_t B, index_t H, double* gates, const double* cPrev, double* c, double* h, double* tanhC);
  void (*lstm_bwd_f32)(index_t B, index_t H, const float* gates, const float* cPrev, const float* tanhC,
                       const float* dh, float* dc, float* dGates);
  void (*lstm_bwd_f64)(index_t B, index_t H, const double* gates, const double* cPrev, const double* tanhC,
                       const double* dh, double* dc, double* dGates);
  void (*gru_fwd_f32)(index_t B, index_t H, float* gi, const float* gh, const float* hPrev, float* h);
  void (*gru_fwd_f64)(index_t B, index_t H, double* gi, const double* gh, const double* hPrev, double* h);
  void (*gru_bwd_f32)(index_t B, index_t H, const float* gi, const float* gh, const float* hPrev, const float* dh,
                      float* dGi, float* dGh, float* dhPrev);
  void (*gru_bwd_f64)(index_t B, index_t H, const double* gi, const double* gh, const double* hPrev, const double* dh,
                      double* dGi, double* dGh, double* dhPrev);
};

// Defined in kernels_scalar.cc, kernels_avx2.cc and kernels_avx512.cc (the latter two only on x86-64).
const KernelTable* kernels_scalar();
const KernelTable* kernels_avx2();
const KernelTable* kernels_avx512();

}  // namespace unroll
