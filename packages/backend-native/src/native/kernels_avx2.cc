// AVX2 + FMA kernels (8 floats / 4 doubles per vector). Compiled with -mavx2 -mfma; only called
// after __builtin_cpu_supports("avx2") and ("fma") said yes.
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#include <cstdint>

namespace unroll {
namespace {

alignas(32) const std::int32_t kMask32[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
alignas(32) const std::int64_t kMask64[8] = {-1, -1, -1, -1, 0, 0, 0, 0};

struct VF {
  using T = float;
  using Mask = __m256;
  static constexpr int W = 8;
  __m256 v;

  static inline __m256i tail(int n) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMask32 + 8 - n)); }
  static inline VF zero() { return {_mm256_setzero_ps()}; }
  static inline VF set1(float x) { return {_mm256_set1_ps(x)}; }
  static inline VF load(const float* p) { return {_mm256_loadu_ps(p)}; }
  static inline void store(float* p, VF a) { _mm256_storeu_ps(p, a.v); }
  static inline VF load_n(const float* p, int n) { return {_mm256_maskload_ps(p, tail(n))}; }
  static inline void store_n(float* p, VF a, int n) { _mm256_maskstore_ps(p, tail(n), a.v); }
  static inline VF add(VF a, VF b) { return {_mm256_add_ps(a.v, b.v)}; }
  static inline VF sub(VF a, VF b) { return {_mm256_sub_ps(a.v, b.v)}; }
  static inline VF mul(VF a, VF b) { return {_mm256_mul_ps(a.v, b.v)}; }
  static inline VF div(VF a, VF b) { return {_mm256_div_ps(a.v, b.v)}; }
  static inline VF fma(VF a, VF b, VF c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
  static inline VF neg(VF a) { return {_mm256_xor_ps(a.v, _mm256_set1_ps(-0.0f))}; }
  static inline VF abs(VF a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
  static inline VF min(VF a, VF b) { return {_mm256_min_ps(a.v, b.v)}; }
  static inline VF max(VF a, VF b) { return {_mm256_max_ps(a.v, b.v)}; }
  static inline VF round(VF a) { return {_mm256_round_ps(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }
  static inline VF copysign(VF mag, VF s) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    return {_mm256_or_ps(_mm256_andnot_ps(sign, mag.v), _mm256_and_ps(sign, s.v))};
  }
  // a * 2^n in two exact steps so that n in [-150, 128] neither overflows the exponent field nor
  // rounds twice (the first product stays normal).
  static inline VF scale2(VF a, VF n) {
    const __m256i ni = _mm256_cvtps_epi32(n.v);
    const __m256i n1 = _mm256_srai_epi32(ni, 1);
    const __m256i n2 = _mm256_sub_epi32(ni, n1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    return {_mm256_mul_ps(_mm256_mul_ps(a.v, s1), s2)};
  }
  static inline Mask lt(VF a, VF b) { return _mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ); }
  static inline Mask ge(VF a, VF b) { return _mm256_cmp_ps(a.v, b.v, _CMP_GE_OQ); }
  static inline VF select(Mask m, VF a, VF b) { return {_mm256_blendv_ps(b.v, a.v, m)}; }
  static inline void transpose(VF* r) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0].v, r[1].v), t1 = _mm256_unpackhi_ps(r[0].v, r[1].v);
    const __m256 t2 = _mm256_unpacklo_ps(r[2].v, r[3].v), t3 = _mm256_unpackhi_ps(r[2].v, r[3].v);
    const __m256 t4 = _mm256_unpacklo_ps(r[4].v, r[5].v), t5 = _mm256_unpackhi_ps(r[4].v, r[5].v);
    const __m256 t6 = _mm256_unpacklo_ps(r[6].v, r[7].v), t7 = _mm256_unpackhi_ps(r[6].v, r[7].v);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0].v = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1].v = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2].v = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3].v = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4].v = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5].v = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6].v = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7].v = _mm256_permute2f128_ps(u3, u7, 0x31);
  }
};

struct VD {
  using T = double;
  using Mask = __m256d;
  static constexpr int W = 4;
  __m256d v;

  static inline __m256i tail(int n) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kMask64 + 4 - n)); }
  static inline VD zero() { return {_mm256_setzero_pd()}; }
  static inline VD set1(double x) { return {_mm256_set1_pd(x)}; }
  static inline VD load(const double* p) { return {_mm256_loadu_pd(p)}; }
  static inline void store(double* p, VD a) { _mm256_storeu_pd(p, a.v); }
  static inline VD load_n(const double* p, int n) { return {_mm256_maskload_pd(p, tail(n))}; }
  static inline void store_n(double* p, VD a, int n) { _mm256_maskstore_pd(p, tail(n), a.v); }
  static inline VD add(VD a, VD b) { return {_mm256_add_pd(a.v, b.v)}; }
  static inline VD sub(VD a, VD b) { return {_mm256_sub_pd(a.v, b.v)}; }
  static inline VD mul(VD a, VD b) { return {_mm256_mul_pd(a.v, b.v)}; }
  static inline VD div(VD a, VD b) { return {_mm256_div_pd(a.v, b.v)}; }
  static inline VD fma(VD a, VD b, VD c) { return {_mm256_fmadd_pd(a.v, b.v, c.v)}; }
  static inline VD max(VD a, VD b) { return {_mm256_max_pd(a.v, b.v)}; }
  static inline VD min(VD a, VD b) { return {_mm256_min_pd(a.v, b.v)}; }
  static inline void transpose(VD* r) {
    const __m256d t0 = _mm256_unpacklo_pd(r[0].v, r[1].v), t1 = _mm256_unpackhi_pd(r[0].v, r[1].v);
    const __m256d t2 = _mm256_unpacklo_pd(r[2].v, r[3].v), t3 = _mm256_unpackhi_pd(r[2].v, r[3].v);
    r[0].v = _mm256_permute2f128_pd(t0, t2, 0x20);
    r[1].v = _mm256_permute2f128_pd(t1, t3, 0x20);
    r[2].v = _mm256_permute2f128_pd(t0, t2, 0x31);
    r[3].v = _mm256_permute2f128_pd(t1, t3, 0x31);
  }
};

}  // namespace
}  // namespace unroll

#define ISA_NAME "avx2"
#ifndef SGEMM_MR
#define SGEMM_MR 6
#endif
#ifndef SGEMM_NV
#define SGEMM_NV 2
#endif
#ifndef SGEMM_KC
#define SGEMM_KC 256
#endif
#ifndef SGEMM_MC
#define SGEMM_MC 144
#endif
#ifndef SGEMM_NC
#define SGEMM_NC 2048
#endif
#ifndef DGEMM_MR
#define DGEMM_MR 6
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
const KernelTable* kernels_avx2() {
  static const KernelTable table = make_table();
  return &table;
}
}  // namespace unroll

#endif  // x86-64
