// AVX-512F kernels (16 floats / 8 doubles per vector, FMA, mask registers). Compiled with
// -mavx512f; only called after __builtin_cpu_supports("avx512f") said yes.
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include <cstdint>

namespace unroll {
namespace {

// Index vectors of the butterfly transpose: the stage with block size b swaps the off-diagonal
// b x b blocks of each 2b x 2b block. lo picks the new row i (bit b of i clear), hi row i + b.
struct TransposeIdx {
  alignas(64) std::int32_t lo32[4][16];
  alignas(64) std::int32_t hi32[4][16];
  alignas(64) std::int64_t lo64[3][8];
  alignas(64) std::int64_t hi64[3][8];
};

constexpr TransposeIdx make_transpose_idx() {
  TransposeIdx x{};
  for (int s = 0; s < 4; ++s) {
    const int b = 1 << s;
    for (int j = 0; j < 16; ++j) {
      x.lo32[s][j] = (j & b) ? 16 + j - b : j;
      x.hi32[s][j] = (j & b) ? 16 + j : j + b;
    }
  }
  for (int s = 0; s < 3; ++s) {
    const int b = 1 << s;
    for (int j = 0; j < 8; ++j) {
      x.lo64[s][j] = (j & b) ? 8 + j - b : j;
      x.hi64[s][j] = (j & b) ? 8 + j : j + b;
    }
  }
  return x;
}
constexpr TransposeIdx kTransposeIdx = make_transpose_idx();

struct VF {
  using T = float;
  using Mask = __mmask16;
  static constexpr int W = 16;
  __m512 v;

  static inline __mmask16 tail(int n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static inline VF zero() { return {_mm512_setzero_ps()}; }
  static inline VF set1(float x) { return {_mm512_set1_ps(x)}; }
  static inline VF load(const float* p) { return {_mm512_loadu_ps(p)}; }
  static inline void store(float* p, VF a) { _mm512_storeu_ps(p, a.v); }
  static inline VF load_n(const float* p, int n) { return {_mm512_maskz_loadu_ps(tail(n), p)}; }
  static inline void store_n(float* p, VF a, int n) { _mm512_mask_storeu_ps(p, tail(n), a.v); }
  static inline VF add(VF a, VF b) { return {_mm512_add_ps(a.v, b.v)}; }
  static inline VF sub(VF a, VF b) { return {_mm512_sub_ps(a.v, b.v)}; }
  static inline VF mul(VF a, VF b) { return {_mm512_mul_ps(a.v, b.v)}; }
  static inline VF div(VF a, VF b) { return {_mm512_div_ps(a.v, b.v)}; }
  static inline VF fma(VF a, VF b, VF c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
  static inline VF neg(VF a) {
    return {_mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a.v), _mm512_set1_epi32(INT32_MIN)))};
  }
  static inline VF abs(VF a) {
    return {_mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a.v), _mm512_set1_epi32(INT32_MAX)))};
  }
  static inline VF min(VF a, VF b) { return {_mm512_min_ps(a.v, b.v)}; }
  static inline VF max(VF a, VF b) { return {_mm512_max_ps(a.v, b.v)}; }
  static inline VF round(VF a) { return {_mm512_roundscale_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
  static inline VF copysign(VF mag, VF s) {
    // bit select: sign bit from s, the rest from mag
    return {_mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_set1_epi32(INT32_MIN), _mm512_castps_si512(s.v),
                                                          _mm512_castps_si512(mag.v), 0xCA))};
  }
  // a * 2^n: scalef rounds once, overflows to inf and underflows through the denormals.
  static inline VF scale2(VF a, VF n) { return {_mm512_scalef_ps(a.v, n.v)}; }
  static inline Mask lt(VF a, VF b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ); }
  static inline Mask ge(VF a, VF b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_GE_OQ); }
  static inline VF select(Mask m, VF a, VF b) { return {_mm512_mask_blend_ps(m, b.v, a.v)}; }
  static inline void transpose(VF* r) {
    const TransposeIdx& t = kTransposeIdx;
#pragma GCC unroll 4
    for (int s = 3; s >= 0; --s) {
      const int b = 1 << s;
      const __m512i lo = _mm512_load_si512(t.lo32[s]);
      const __m512i hi = _mm512_load_si512(t.hi32[s]);
#pragma GCC unroll 16
      for (int i = 0; i < 16; ++i) {
        if (i & b) continue;
        const __m512 x = r[i].v, y = r[i + b].v;
        r[i].v = _mm512_permutex2var_ps(x, lo, y);
        r[i + b].v = _mm512_permutex2var_ps(x, hi, y);
      }
    }
  }
};

struct VD {
  using T = double;
  using Mask = __mmask8;
  static constexpr int W = 8;
  __m512d v;

  static inline __mmask8 tail(int n) { return static_cast<__mmask8>((1u << n) - 1u); }
  static inline VD zero() { return {_mm512_setzero_pd()}; }
  static inline VD set1(double x) { return {_mm512_set1_pd(x)}; }
  static inline VD load(const double* p) { return {_mm512_loadu_pd(p)}; }
  static inline void store(double* p, VD a) { _mm512_storeu_pd(p, a.v); }
  static inline VD load_n(const double* p, int n) { return {_mm512_maskz_loadu_pd(tail(n), p)}; }
  static inline void store_n(double* p, VD a, int n) { _mm512_mask_storeu_pd(p, tail(n), a.v); }
  static inline VD add(VD a, VD b) { return {_mm512_add_pd(a.v, b.v)}; }
  static inline VD sub(VD a, VD b) { return {_mm512_sub_pd(a.v, b.v)}; }
  static inline VD mul(VD a, VD b) { return {_mm512_mul_pd(a.v, b.v)}; }
  static inline VD div(VD a, VD b) { return {_mm512_div_pd(a.v, b.v)}; }
  static inline VD fma(VD a, VD b, VD c) { return {_mm512_fmadd_pd(a.v, b.v, c.v)}; }
  static inline VD max(VD a, VD b) { return {_mm512_max_pd(a.v, b.v)}; }
  static inline VD min(VD a, VD b) { return {_mm512_min_pd(a.v, b.v)}; }
  static inline void transpose(VD* r) {
    const TransposeIdx& t = kTransposeIdx;
#pragma GCC unroll 3
    for (int s = 2; s >= 0; --s) {
      const int b = 1 << s;
      const __m512i lo = _mm512_load_si512(t.lo64[s]);
      const __m512i hi = _mm512_load_si512(t.hi64[s]);
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) {
        if (i & b) continue;
        const __m512d x = r[i].v, y = r[i + b].v;
        r[i].v = _mm512_permutex2var_pd(x, lo, y);
        r[i + b].v = _mm512_permutex2var_pd(x, hi, y);
      }
    }
  }
};

}  // namespace
}  // namespace unroll

#define ISA_NAME "avx512"
#ifndef SGEMM_MR
#define SGEMM_MR 12
#endif
#ifndef SGEMM_NV
#define SGEMM_NV 2
#endif
#ifndef SGEMM_KC
#define SGEMM_KC 256
#endif
#ifndef SGEMM_MC
#define SGEMM_MC 192
#endif
#ifndef SGEMM_NC
#define SGEMM_NC 2048
#endif
#ifndef DGEMM_MR
#define DGEMM_MR 12
#endif
#ifndef DGEMM_NV
#define DGEMM_NV 2
#endif
#ifndef DGEMM_KC
#define DGEMM_KC 256
#endif
#ifndef DGEMM_MC
#define DGEMM_MC 96
#endif
#ifndef DGEMM_NC
#define DGEMM_NC 2048
#endif
#include "kernels_impl.h"

namespace unroll {
const KernelTable* kernels_avx512() {
  static const KernelTable table = make_table();
  return &table;
}
}  // namespace unroll

#endif  // x86-64
