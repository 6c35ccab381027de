// The kernels, written once over a vector abstraction and compiled once per instruction set.
//
// Each kernels_<isa>.cc defines, before including this file:
//   VF, VD   vector types of float / double lanes (see simd_scalar.h for the interface)
//   SGEMM_MR, SGEMM_NV, DGEMM_MR, DGEMM_NV   register tile: MR rows x (NV vectors) columns of C
//   ISA_NAME                                  "avx512", "avx2" or "scalar"
// and then calls make_table() to build its KernelTable.
//
// Everything here has internal linkage (anonymous namespace): the copies compiled with
// -mavx512f or -mavx2 never leak into code that runs on a CPU without those instructions.
// Nothing from the C++ standard library with out-of-line template code is used for the same
// reason (only <cmath> functions, which resolve to libm symbols).
#pragma once

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#if defined(_WIN32)
#include <malloc.h>
#endif

#include "common.h"

namespace unroll {
namespace {

template <class T> inline T min_of(T a, T b) { return b < a ? b : a; }
template <class T> inline T max_of(T a, T b) { return a < b ? b : a; }
inline index_t ceil_div(index_t a, index_t b) { return (a + b - 1) / b; }

// ---------------------------------------------------------------------------------------------
// Scalar semantics of the reference JS backend (computed in double, as JavaScript does)
// ---------------------------------------------------------------------------------------------

// Math.pow: a NaN exponent gives NaN and so does (+-1) ** (+-Infinity), unlike C's pow.
inline double js_pow(double a, double b) {
  if (b != b) return b;
  if (b == 0) return 1;
  if ((a == 1 || a == -1) && std::isinf(b)) return std::numeric_limits<double>::quiet_NaN();
  return std::pow(a, b);
}

// The reference's 1 / (1 + exp(-v)) for v >= 0 and exp(v) / (1 + exp(v)) below, bit for bit,
// written without a branch on the sign.
inline double js_sigmoid(double v) {
  const double e = std::exp(-std::fabs(v));
  return (v >= 0 ? 1.0 : e) / (1 + e);
}

inline double unary_scalar(int op, double v, double p0, double p1) {
  switch (op) {
    case U_NEG: return -v;
    case U_ABS: return std::fabs(v);
    case U_EXP: return std::exp(v);
    case U_LOG: return std::log(v);
    case U_SQRT: return std::sqrt(v);
    case U_TANH: return std::tanh(v);
    case U_SIGMOID: return js_sigmoid(v);
    case U_RELU: return v > 0 ? v : 0;
    case U_SIGN: return v > 0 ? 1 : v < 0 ? -1 : 0;
    case U_SQUARE: return v * v;
    case U_RECIPROCAL: return 1 / v;
    case U_POW: return js_pow(v, p0);
    case U_CLIP: return v < p0 ? p0 : v > p1 ? p1 : v;
    case U_SIN: return std::sin(v);
    case U_COS: return std::cos(v);
    case U_FLOOR: return std::floor(v);
    case U_COPY: return v;
    case U_STEP: return v > 0 ? 1 : 0;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

// ---------------------------------------------------------------------------------------------
// float32 vector math: exp, tanh, sigmoid (Cephes-style, about 1-2 ulp), NaN and inf preserving
// ---------------------------------------------------------------------------------------------

template <class V>
struct MathF {
  // exp(x): Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, degree-7 polynomial, scaled by 2^n.
  // Above ln(FLT_MAX) it overflows to +inf, below about -103.97 it underflows to 0 (denormals in
  // between are rounded once), NaN stays NaN.
  static inline V exp(V x) {
    // min/max return their second operand when either is NaN, so NaN passes through the clamp.
    x = V::max(V::set1(-104.0f), V::min(V::set1(89.0f), x));
    const V n = V::round(V::mul(x, V::set1(1.44269504088896341f)));
    V r = V::fma(n, V::set1(-0.693359375f), x);
    r = V::fma(n, V::set1(2.12194440e-4f), r);
    V p = V::set1(1.9875691500e-4f);
    p = V::fma(p, r, V::set1(1.3981999507e-3f));
    p = V::fma(p, r, V::set1(8.3334519073e-3f));
    p = V::fma(p, r, V::set1(4.1665795894e-2f));
    p = V::fma(p, r, V::set1(1.6666665459e-1f));
    p = V::fma(p, r, V::set1(5.0000001201e-1f));
    p = V::fma(p, V::mul(r, r), r);
    p = V::add(p, V::set1(1.0f));
    return V::scale2(p, n);
  }

  // tanh(x): an odd polynomial below |x| = 0.625, else 1 - 2 / (exp(2|x|) + 1) with x's sign.
  static inline V tanh(V x) {
    const V ax = V::abs(x);
    const V z = V::mul(x, x);
    V p = V::set1(-5.70498872745e-3f);
    p = V::fma(p, z, V::set1(2.06390887954e-2f));
    p = V::fma(p, z, V::set1(-5.37397155531e-2f));
    p = V::fma(p, z, V::set1(1.33314422036e-1f));
    p = V::fma(p, z, V::set1(-3.33332819422e-1f));
    const V small = V::fma(V::mul(p, z), ax, ax);
    const V e = exp(V::add(ax, ax));
    const V big = V::sub(V::set1(1.0f), V::div(V::set1(2.0f), V::add(e, V::set1(1.0f))));
    // both branches are computed on |x| and take x's sign last (tanh(-0) = -0, NaN stays NaN)
    return V::copysign(V::select(V::lt(ax, V::set1(0.625f)), small, big), x);
  }

  // sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = exp(-|x|).
  static inline V sigmoid(V x) {
    const V e = exp(V::neg(V::abs(x)));
    const V num = V::select(V::ge(x, V::zero()), V::set1(1.0f), e);
    return V::div(num, V::add(V::set1(1.0f), e));
  }
};

// out[i] = f(x[i]) over whole vectors, with a masked tail. out may alias x.
template <class V, class F>
inline void map_vec(const typename V::T* x, typename V::T* out, index_t n, F f) {
  index_t i = 0;
  for (; i + V::W <= n; i += V::W) V::store(out + i, f(V::load(x + i)));
  if (i < n) {
    const int rest = static_cast<int>(n - i);
    V::store_n(out + i, f(V::load_n(x + i, rest)), rest);
  }
}

// ---------------------------------------------------------------------------------------------
// gemm: packed, cache-blocked, register-blocked (BLIS loop order)
// ---------------------------------------------------------------------------------------------

inline void* aligned_malloc(std::size_t bytes) {
#if defined(_WIN32)
  return _aligned_malloc(bytes, 64);
#else
  void* p = nullptr;
  return posix_memalign(&p, 64, bytes) == 0 ? p : nullptr;
#endif
}

inline void aligned_free(void* p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

// Packing buffers of the calling thread, grown when needed and reused by every later call.
struct PackBuffers {
  void* a = nullptr;
  std::size_t acap = 0;
  void* b = nullptr;
  std::size_t bcap = 0;
  ~PackBuffers() {
    aligned_free(a);
    aligned_free(b);
  }
};
thread_local PackBuffers tl_pack;

inline void* grow(void*& p, std::size_t& cap, std::size_t bytes) {
  if (bytes > cap) {
    aligned_free(p);
    const std::size_t rounded = (bytes + 4095) & ~static_cast<std::size_t>(4095);
    p = aligned_malloc(rounded);
    cap = p ? rounded : 0;
  }
  return p;
}

// Splits [0, total) into equal blocks of at most `block`, each a multiple of `unit`.
inline index_t balanced_block(index_t total, index_t block, index_t unit) {
  const index_t parts = ceil_div(total, block);
  return ceil_div(ceil_div(total, parts), unit) * unit;
}

template <class V, int MR, int NV, int KC, int MC, int NC>
struct Gemm {
  using T = typename V::T;
  static constexpr int W = V::W;
  static constexpr int NR = NV * W;

  // C[0:M, 0:nr] = alpha * (packed A strip (kc x M)) (B strip: kc rows of NR values, ldbp apart)
  // + beta * C. B is either packed (ldbp = NR) or read in place from a row-major op(B).
  template <int M>
  static inline void kernel(index_t kc, const T* __restrict pa, const T* __restrict pb, index_t ldbp,
                            T* __restrict c, index_t ldc, T alpha, T beta, int nr) {
    V acc[M][NV];
#pragma GCC unroll 64
    for (int i = 0; i < M; ++i) {
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[i][v] = V::zero();
    }
    for (index_t p = 0; p < kc; ++p) {
      V bv[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) bv[v] = V::load(pb + v * W);
#pragma GCC unroll 64
      for (int i = 0; i < M; ++i) {
        const V av = V::set1(pa[i]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[i][v] = V::fma(av, bv[v], acc[i][v]);
      }
      pa += M;
      pb += ldbp;
    }
    const V va = V::set1(alpha);
    const V vb = V::set1(beta);
    if (nr == NR) {
#pragma GCC unroll 64
      for (int i = 0; i < M; ++i) {
        T* cr = c + i * ldc;
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
          const V r = V::mul(acc[i][v], va);
          if (beta == T(0)) V::store(cr + v * W, r);
          else if (beta == T(1)) V::store(cr + v * W, V::add(V::load(cr + v * W), r));
          else V::store(cr + v * W, V::fma(vb, V::load(cr + v * W), r));
        }
      }
    } else {
      // partial strip: through memory, so that the runtime bounds do not pin acc to the stack
      alignas(64) T tile[M][NR];
#pragma GCC unroll 64
      for (int i = 0; i < M; ++i) {
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) V::store(&tile[i][v * W], acc[i][v]);
      }
      for (int i = 0; i < M; ++i) {
        T* cr = c + i * ldc;
        for (int v = 0; v < NV; ++v) {
          const int cnt = nr - v * W;
          if (cnt <= 0) break;
          const V r = V::mul(V::load(&tile[i][v * W]), va);
          if (cnt >= W) {
            if (beta == T(0)) V::store(cr + v * W, r);
            else if (beta == T(1)) V::store(cr + v * W, V::add(V::load(cr + v * W), r));
            else V::store(cr + v * W, V::fma(vb, V::load(cr + v * W), r));
          } else {
            if (beta == T(0)) V::store_n(cr + v * W, r, cnt);
            else if (beta == T(1)) V::store_n(cr + v * W, V::add(V::load_n(cr + v * W, cnt), r), cnt);
            else V::store_n(cr + v * W, V::fma(vb, V::load_n(cr + v * W, cnt), r), cnt);
          }
        }
      }
    }
  }

  template <int M>
  static inline void dispatch(int mr, index_t kc, const T* pa, const T* pb, index_t ldbp, T* c, index_t ldc,
                              T alpha, T beta, int nr) {
    if constexpr (M > 0) {
      if (mr == M) kernel<M>(kc, pa, pb, ldbp, c, ldc, alpha, beta, nr);
      else dispatch<M - 1>(mr, kc, pa, pb, ldbp, c, ldc, alpha, beta, nr);
    }
  }

  // Packs op(B)[pc:pc+kc, jc:jc+nc] into strips of NR columns: strip s holds kc rows of NR values
  // (zero-padded past nc).
  static void pack_b(const GemmCall<T>& g, index_t pc, index_t kc, index_t jc, index_t nc, T* __restrict pb) {
    const index_t ldb = g.ldb;
    for (index_t js = 0; js < nc; js += NR) {
      const int nr = static_cast<int>(min_of<index_t>(NR, nc - js));
      T* __restrict dst = pb + js * kc;
      if (!g.transB) {
        const T* src = g.b + pc * ldb + jc + js;
        if (nr == NR) {
          if (js == 0 && nc - nc % NR > NR) {
            // all full strips at once, row by row: each row of B is read sequentially
            const index_t full = nc / NR;
            for (index_t p = 0; p < kc; ++p) {
              const T* row = src + p * ldb;
              for (index_t q = 0; q < full; ++q) {
#pragma GCC unroll 8
                for (int v = 0; v < NV; ++v) V::store(pb + q * NR * kc + p * NR + v * W, V::load(row + q * NR + v * W));
              }
            }
            js = (full - 1) * NR;
            continue;
          }
          for (index_t p = 0; p < kc; ++p) {
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v) V::store(dst + p * NR + v * W, V::load(src + p * ldb + v * W));
          }
        } else {
          for (index_t p = 0; p < kc; ++p) {
            for (int v = 0; v < NV; ++v) {
              const int cnt = nr - v * W;
              const V x = cnt >= W ? V::load(src + p * ldb + v * W)
                          : cnt > 0 ? V::load_n(src + p * ldb + v * W, cnt)
                                    : V::zero();
              V::store(dst + p * NR + v * W, x);
            }
          }
        }
      } else {
        // op(B)(p, j) = b[j * ldb + p]: W x W blocks transposed in registers.
        const T* src = g.b + (jc + js) * ldb + pc;
        index_t p0 = 0;
        for (; p0 + W <= kc; p0 += W) {
          for (int v = 0; v < NV; ++v) {
            V rows[W];
#pragma GCC unroll 16
            for (int r = 0; r < W; ++r) {
              const int jj = v * W + r;
              rows[r] = jj < nr ? V::load(src + jj * ldb + p0) : V::zero();
            }
            V::transpose(rows);
#pragma GCC unroll 16
            for (int t = 0; t < W; ++t) V::store(dst + (p0 + t) * NR + v * W, rows[t]);
          }
        }
        for (; p0 < kc; ++p0) {
          for (int jj = 0; jj < NR; ++jj) dst[p0 * NR + jj] = jj < nr ? src[jj * ldb + p0] : T(0);
        }
      }
    }
  }

  // Packs op(A)[ic:ic+mc, pc:pc+kc] into strips of MR rows; the strip at row is holds kc columns
  // of mr = min(MR, mc - is) values (the last strip is compact, not padded).
  static void pack_a(const GemmCall<T>& g, index_t ic, index_t mc, index_t pc, index_t kc, T* __restrict pa) {
    const index_t lda = g.lda;
    for (index_t is = 0; is < mc; is += MR) {
      const int mr = static_cast<int>(min_of<index_t>(MR, mc - is));
      T* __restrict dst = pa + is * kc;
      if (g.transA) {
        const T* src = g.a + pc * lda + ic + is;
        if (mr == MR) {
          for (index_t p = 0; p < kc; ++p) {
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) dst[p * MR + i] = src[p * lda + i];
          }
        } else {
          for (index_t p = 0; p < kc; ++p)
            for (int i = 0; i < mr; ++i) dst[p * mr + i] = src[p * lda + i];
        }
      } else {
        const T* src = g.a + (ic + is) * lda + pc;
        if (mr == MR) {
          for (index_t p = 0; p < kc; ++p) {
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) dst[p * MR + i] = src[i * lda + p];
          }
        } else {
          for (int i = 0; i < mr; ++i)
            for (index_t p = 0; p < kc; ++p) dst[p * mr + i] = src[i * lda + p];
        }
      }
    }
  }

  // Transposed-output kernel for C^T = op(B)^T op(A)^T: rows of A' = op(B)^T are read in place
  // (M rows, lda' apart, contiguous in p), B' = op(A)^T is a packed strip (kc x NR, the
  // vector dimension runs along the rows of C), and the M x NR tile is written transposed:
  // C[r][i] for r < nr rows of C and i < M columns.
  template <int M>
  static inline void kernel_tc(index_t kc, const T* __restrict a, index_t lda, const T* __restrict pb,
                               T* __restrict c, index_t ldc, T alpha, T beta, int nr) {
    V acc[M][NV];
#pragma GCC unroll 64
    for (int i = 0; i < M; ++i) {
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[i][v] = V::zero();
    }
    const T* ar[M];
#pragma GCC unroll 64
    for (int i = 0; i < M; ++i) ar[i] = a + i * lda;
    for (index_t p = 0; p < kc; ++p) {
      V bv[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) bv[v] = V::load(pb + v * W);
#pragma GCC unroll 64
      for (int i = 0; i < M; ++i) {
        const V av = V::set1(ar[i][p]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[i][v] = V::fma(av, bv[v], acc[i][v]);
      }
      pb += NR;
    }
    // The tile goes through memory first, so that the loop above has every vector register for
    // its accumulators (the transposed write below needs W more).
    alignas(64) T tile[M][NR];
#pragma GCC unroll 64
    for (int i = 0; i < M; ++i) {
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) V::store(&tile[i][v * W], acc[i][v]);
    }
    const V va = V::set1(alpha);
    const V vb = V::set1(beta);
    // W x W blocks of the tile transposed in registers: rows i0..i0+W of the tile (zero past M)
    // become W rows of C, each holding the tile's columns i0.. as one (masked) vector.
    for (int i0 = 0; i0 < M; i0 += W) {
      const int cols = M - i0 < W ? M - i0 : W;
      for (int v = 0; v < NV; ++v) {
        const int rows = nr - v * W < W ? nr - v * W : W;
        if (rows <= 0) break;
        V blk[W];
#pragma GCC unroll 16
        for (int r = 0; r < W; ++r) blk[r] = i0 + r < M ? V::load(&tile[i0 + r][v * W]) : V::zero();
        V::transpose(blk);
        for (int r = 0; r < rows; ++r) {
          T* cr = c + (v * W + r) * ldc + i0;
          const V x = V::mul(blk[r], va);
          if (cols == W) {
            if (beta == T(0)) V::store(cr, x);
            else if (beta == T(1)) V::store(cr, V::add(V::load(cr), x));
            else V::store(cr, V::fma(vb, V::load(cr), x));
          } else {
            if (beta == T(0)) V::store_n(cr, x, cols);
            else if (beta == T(1)) V::store_n(cr, V::add(V::load_n(cr, cols), x), cols);
            else V::store_n(cr, V::fma(vb, V::load_n(cr, cols), x), cols);
          }
        }
      }
    }
  }

  template <int M>
  static inline void dispatch_tc(int mr, index_t kc, const T* a, index_t lda, const T* pb, T* c, index_t ldc,
                                 T alpha, T beta, int nr) {
    if constexpr (M > 0) {
      if (mr == M) kernel_tc<M>(kc, a, lda, pb, c, ldc, alpha, beta, nr);
      else dispatch_tc<M - 1>(mr, kc, a, lda, pb, c, ldc, alpha, beta, nr);
    }
  }

  // C = alpha op(A) B_stored^T + beta C computed as C^T = B_stored op(A)^T, for a transposed B and
  // few rows of C: B is read in place (no packing of the large operand), op(A)^T is packed.
  static void run_swapped(const GemmCall<T>& g, index_t kcb, T* pb) {
    const index_t m = g.m, n = g.n, k = g.k;
    // op(A)^T (k x m) packed with pack_b: a "B" view of A, transposed unless A is
    GemmCall<T> at = g;
    at.b = g.a;
    at.ldb = g.lda;
    at.transB = !g.transA;
    for (index_t pc = 0; pc < k; pc += kcb) {
      const index_t kc = min_of(kcb, k - pc);
      const T beta = pc == 0 ? g.beta : T(1);
      pack_b(at, pc, kc, 0, m, pb);
      for (index_t j0 = 0; j0 < n; j0 += MR) {
        const int mr = static_cast<int>(min_of<index_t>(MR, n - j0));
        const T* arow = g.b + j0 * g.ldb + pc;
        for (index_t i0 = 0; i0 < m; i0 += NR) {
          const int nr = static_cast<int>(min_of<index_t>(NR, m - i0));
          dispatch_tc<MR>(mr, kc, arow, g.ldb, pb + i0 * kc, g.c + i0 * g.ldc + j0, g.ldc, g.alpha, beta, nr);
        }
      }
    }
  }

  // Few rows of C times a transposed B (batch-1 sampling: h W_hh^T): dot products of rows of A
  // and rows of B, both read in place, M rows of A against NJ rows of B at a time.
  template <int M>
  static void run_dots(const GemmCall<T>& g) {
    // one row: a full vector of outputs per block (their sums come out of one transpose)
    constexpr int NJ = 24 / M < 8 ? 24 / M : 8;
    const index_t n = g.n, k = g.k;
    const index_t kFull = k - k % W;
    const int rest = static_cast<int>(k - kFull);
    for (index_t j0 = 0; j0 < n; j0 += NJ) {
      const int nj = static_cast<int>(min_of<index_t>(NJ, n - j0));
      const T* bj[NJ];
      for (int jj = 0; jj < NJ; ++jj) bj[jj] = g.b + (j0 + (jj < nj ? jj : 0)) * g.ldb;
      const T* ai[M];
      for (int i = 0; i < M; ++i) ai[i] = g.a + i * g.lda;
      V acc[M][NJ];
#pragma GCC unroll 64
      for (int i = 0; i < M; ++i) {
#pragma GCC unroll 8
        for (int jj = 0; jj < NJ; ++jj) acc[i][jj] = V::zero();
      }
      for (index_t p = 0; p < kFull; p += W) {
        V av[M];
#pragma GCC unroll 8
        for (int i = 0; i < M; ++i) av[i] = V::load(ai[i] + p);
#pragma GCC unroll 8
        for (int jj = 0; jj < NJ; ++jj) {
          const V bv = V::load(bj[jj] + p);
#pragma GCC unroll 8
          for (int i = 0; i < M; ++i) acc[i][jj] = V::fma(av[i], bv, acc[i][jj]);
        }
      }
      if (rest > 0) {
        V av[M];
#pragma GCC unroll 8
        for (int i = 0; i < M; ++i) av[i] = V::load_n(ai[i] + kFull, rest);
#pragma GCC unroll 8
        for (int jj = 0; jj < NJ; ++jj) {
          const V bv = V::load_n(bj[jj] + kFull, rest);
#pragma GCC unroll 8
          for (int i = 0; i < M; ++i) acc[i][jj] = V::fma(av[i], bv, acc[i][jj]);
        }
      }
      for (int i = 0; i < M; ++i) {
        T* cr = g.c + i * g.ldc + j0;
        if constexpr (W >= 4 && NJ <= W) {
          // horizontal sums of the NJ accumulators at once: transposed, lane jj of the sum of the
          // rows is the sum of accumulator jj (a scalar loop here was most of the product's time)
          V rows[W];
#pragma GCC unroll 16
          for (int r = 0; r < W; ++r) rows[r] = r < NJ ? acc[i][r] : V::zero();
          V::transpose(rows);
          V sum = rows[0];
#pragma GCC unroll 16
          for (int r = 1; r < W; ++r) sum = V::add(sum, rows[r]);
          alignas(64) T sums[W];
          V::store(sums, sum);
          for (int jj = 0; jj < nj; ++jj) {
            const T r = g.alpha * sums[jj];
            cr[jj] = g.beta == T(0) ? r : g.beta == T(1) ? cr[jj] + r : g.beta * cr[jj] + r;
          }
        } else {
          alignas(64) T lanes[V::W];
          for (int jj = 0; jj < nj; ++jj) {
            V::store(lanes, acc[i][jj]);
            T sum = T(0);
            for (int l = 0; l < W; ++l) sum += lanes[l];
            const T r = g.alpha * sum;
            cr[jj] = g.beta == T(0) ? r : g.beta == T(1) ? cr[jj] + r : g.beta * cr[jj] + r;
          }
        }
      }
    }
  }

  template <int M>
  static void dots_dispatch(int m, const GemmCall<T>& g) {
    if constexpr (M > 0) {
      if (m == M) run_dots<M>(g);
      else dots_dispatch<M - 1>(m, g);
    }
  }

  static void scale_c(const GemmCall<T>& g) {
    if (g.beta == T(1)) return;
    for (index_t i = 0; i < g.m; ++i) {
      T* row = g.c + i * g.ldc;
      if (g.beta == T(0)) {
        for (index_t j = 0; j < g.n; ++j) row[j] = T(0);
      } else {
        for (index_t j = 0; j < g.n; ++j) row[j] = g.beta * row[j];
      }
    }
  }

  static void run(const GemmCall<T>& g) {
    const index_t m = g.m, n = g.n, k = g.k;
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || g.alpha == T(0)) {
      scale_c(g);
      return;
    }
    const index_t kcb = balanced_block(k, KC, 1);
    const index_t mcb = balanced_block(m, MC, MR);
    const index_t ncb = balanced_block(n, NC, NR);
    T* pa = static_cast<T*>(grow(tl_pack.a, tl_pack.acap, sizeof(T) * mcb * kcb));
    T* pb = static_cast<T*>(grow(tl_pack.b, tl_pack.bcap, sizeof(T) * ncb * kcb));
    if (!pa || !pb) std::abort();
    // A transposed B with few rows of C (the recurrent step h W_hh^T, m = batch): packing B would
    // cost about as much as the product, so B is read in place and C^T is computed instead, when m
    // fills the vector lanes well (at most 1/8 of them idle).
    const index_t mPadded = ceil_div(m, NR) * NR;
    if (g.transB && m <= 2 * NR && mPadded * 8 <= m * 9 && n >= 4 * MR) {
      T* pbs = static_cast<T*>(grow(tl_pack.b, tl_pack.bcap, sizeof(T) * kcb * ceil_div(m, NR) * NR));
      if (!pbs) std::abort();
      run_swapped(g, kcb, pbs);
      return;
    }
    // 1 to 6 rows against a transposed B: dot products, no packing at all (measured faster)
    if (g.transB && !g.transA && g.mWhole <= 6) {
      dots_dispatch<6>(static_cast<int>(m), g);
      return;
    }
    if (m <= mcb) {
      // One block of rows (the recurrent step's B x 4H products): A is packed once per k block and
      // B one NR-wide strip at a time, just before its kernels, so the strip is still in L1 when
      // they read it and the packed panel never travels through L2/L3.
      for (index_t pc = 0; pc < k; pc += kcb) {
        const index_t kc = min_of(kcb, k - pc);
        const T beta = pc == 0 ? g.beta : T(1);
        pack_a(g, 0, m, pc, kc, pa);
        for (index_t jr = 0; jr < n; jr += NR) {
          const int nr = static_cast<int>(min_of<index_t>(NR, n - jr));
          // a full strip of a non-transposed B is read where it is (rows ldb apart)
          const bool direct = !g.transB && nr == NR;
          const T* bp = direct ? g.b + pc * g.ldb + jr : pb;
          if (!direct) pack_b(g, pc, kc, jr, nr, pb);
          for (index_t ir = 0; ir < m; ir += MR) {
            const int mr = static_cast<int>(min_of<index_t>(MR, m - ir));
            dispatch<MR>(mr, kc, pa + ir * kc, bp, direct ? g.ldb : NR, g.c + ir * g.ldc + jr, g.ldc, g.alpha, beta, nr);
          }
        }
      }
      return;
    }
    for (index_t jc = 0; jc < n; jc += ncb) {
      const index_t nc = min_of(ncb, n - jc);
      for (index_t pc = 0; pc < k; pc += kcb) {
        const index_t kc = min_of(kcb, k - pc);
        pack_b(g, pc, kc, jc, nc, pb);
        const T beta = pc == 0 ? g.beta : T(1);
        for (index_t ic = 0; ic < m; ic += mcb) {
          const index_t mc = min_of(mcb, m - ic);
          pack_a(g, ic, mc, pc, kc, pa);
          for (index_t jr = 0; jr < nc; jr += NR) {
            const int nr = static_cast<int>(min_of<index_t>(NR, nc - jr));
            const T* bp = pb + jr * kc;
            T* cc = g.c + ic * g.ldc + jc + jr;
            for (index_t ir = 0; ir < mc; ir += MR) {
              const int mr = static_cast<int>(min_of<index_t>(MR, mc - ir));
              dispatch<MR>(mr, kc, pa + ir * kc, bp, NR, cc + ir * g.ldc, g.ldc, g.alpha, beta, nr);
            }
          }
        }
      }
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Elementwise
// ---------------------------------------------------------------------------------------------

template <class T>
void unary_generic(int op, const T* x, T* out, index_t n, double p0, double p1) {
  switch (op) {
    case U_NEG: for (index_t i = 0; i < n; ++i) out[i] = -x[i]; return;
    case U_ABS: for (index_t i = 0; i < n; ++i) out[i] = std::fabs(x[i]); return;
    case U_RELU: for (index_t i = 0; i < n; ++i) out[i] = x[i] > T(0) ? x[i] : T(0); return;
    case U_SIGN: for (index_t i = 0; i < n; ++i) out[i] = x[i] > T(0) ? T(1) : x[i] < T(0) ? T(-1) : T(0); return;
    // one IEEE operation: rounding to float32 directly equals JavaScript's double then float32
    case U_SQUARE: for (index_t i = 0; i < n; ++i) out[i] = x[i] * x[i]; return;
    case U_RECIPROCAL: for (index_t i = 0; i < n; ++i) out[i] = T(1) / x[i]; return;
    case U_SQRT: for (index_t i = 0; i < n; ++i) out[i] = std::sqrt(x[i]); return;
    case U_FLOOR: for (index_t i = 0; i < n; ++i) out[i] = std::floor(x[i]); return;
    case U_STEP: for (index_t i = 0; i < n; ++i) out[i] = x[i] > T(0) ? T(1) : T(0); return;
    case U_COPY: if (out != x) std::memmove(out, x, sizeof(T) * n); return;
    case U_CLIP: {
      // compare in double like JavaScript, then store (the bounds may not be representable in T)
      for (index_t i = 0; i < n; ++i) {
        const double v = x[i];
        out[i] = static_cast<T>(v < p0 ? p0 : v > p1 ? p1 : v);
      }
      return;
    }
    default:
      for (index_t i = 0; i < n; ++i) out[i] = static_cast<T>(unary_scalar(op, static_cast<double>(x[i]), p0, p1));
  }
}

void unary_f32(int op, const float* x, float* out, index_t n, double p0, double p1) {
  switch (op) {
    case U_EXP: map_vec<VF>(x, out, n, [](VF v) { return MathF<VF>::exp(v); }); return;
    case U_TANH: map_vec<VF>(x, out, n, [](VF v) { return MathF<VF>::tanh(v); }); return;
    case U_SIGMOID: map_vec<VF>(x, out, n, [](VF v) { return MathF<VF>::sigmoid(v); }); return;
    default: unary_generic<float>(op, x, out, n, p0, p1);
  }
}

void unary_f64(int op, const double* x, double* out, index_t n, double p0, double p1) {
  unary_generic<double>(op, x, out, n, p0, p1);
}

// Visits the rows of a Strided view: f(offsets of the operands at the row start, output offset).
// The last dimension is the row; the multi-index advances over the others.
template <int K, class F>
inline void for_rows(const Strided& s, F f) {
  const int nd = s.nd;
  index_t total = 1;
  for (int d = 0; d < nd; ++d) total *= s.shape[d];
  if (total == 0) return;
  const index_t inner = nd == 0 ? 1 : s.shape[nd - 1];
  const index_t outer = total / inner;
  index_t idx[kMaxDims] = {0};
  index_t off[K] = {0};
  index_t o = 0;
  for (index_t r = 0; r < outer; ++r) {
    f(off, o, inner);
    o += inner;
    for (int d = nd - 2; d >= 0; --d) {
      ++idx[d];
      for (int q = 0; q < K; ++q) off[q] += s.stride[q][d];
      if (idx[d] < s.shape[d]) break;
      for (int q = 0; q < K; ++q) off[q] -= s.stride[q][d] * s.shape[d];
      idx[d] = 0;
    }
  }
}

template <class T, class O, class F>
inline void binary_loop(const T* a, const T* b, O* out, const Strided& s, F f) {
  const index_t sa = s.nd == 0 ? 0 : s.stride[0][s.nd - 1];
  const index_t sb = s.nd == 0 ? 0 : s.stride[1][s.nd - 1];
  for_rows<2>(s, [&](const index_t* off, index_t o, index_t inner) {
    const T* ar = a + off[0];
    const T* br = b + off[1];
    O* orow = out + o;
    if (sa == 1 && sb == 1) {
      for (index_t j = 0; j < inner; ++j) orow[j] = f(ar[j], br[j]);
    } else if (sa == 1 && sb == 0) {
      const T bv = br[0];
      for (index_t j = 0; j < inner; ++j) orow[j] = f(ar[j], bv);
    } else if (sa == 0 && sb == 1) {
      const T av = ar[0];
      for (index_t j = 0; j < inner; ++j) orow[j] = f(av, br[j]);
    } else {
      for (index_t j = 0; j < inner; ++j) orow[j] = f(ar[j * sa], br[j * sb]);
    }
  });
}

template <class T, class O>
void binary_typed(int op, const T* a, const T* b, O* out, const Strided& s) {
  switch (op) {
    case B_ADD: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x + y); }); return;
    case B_SUB: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x - y); }); return;
    case B_MUL: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x * y); }); return;
    case B_DIV: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x / y); }); return;
    case B_MAXIMUM: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x >= y || x != x ? x : y); }); return;
    case B_MINIMUM: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x <= y || x != x ? x : y); }); return;
    case B_POW: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(js_pow(x, y)); }); return;
    case B_EQ: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x == y ? 1 : 0); }); return;
    case B_NE: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x != y ? 1 : 0); }); return;
    case B_LT: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x < y ? 1 : 0); }); return;
    case B_LE: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x <= y ? 1 : 0); }); return;
    case B_GT: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x > y ? 1 : 0); }); return;
    case B_GE: binary_loop(a, b, out, s, [](T x, T y) { return static_cast<O>(x >= y ? 1 : 0); }); return;
    default: return;
  }
}

template <class T>
void binary_impl(int op, const T* a, const T* b, void* out, bool outI32, const Strided& s) {
  if (outI32) {
    // only comparisons write int32 here (the wrapper sends everything else to the JS backend)
    if (is_comparison(op)) binary_typed<T, std::int32_t>(op, a, b, static_cast<std::int32_t*>(out), s);
  } else {
    binary_typed<T, T>(op, a, b, static_cast<T*>(out), s);
  }
}

template <class T, class C>
void where_typed(const C* cond, const T* a, const T* b, T* out, const Strided& s) {
  const int nd = s.nd;
  const index_t sc = nd == 0 ? 0 : s.stride[0][nd - 1];
  const index_t sa = nd == 0 ? 0 : s.stride[1][nd - 1];
  const index_t sb = nd == 0 ? 0 : s.stride[2][nd - 1];
  for_rows<3>(s, [&](const index_t* off, index_t o, index_t inner) {
    const C* cr = cond + off[0];
    const T* ar = a + off[1];
    const T* br = b + off[2];
    T* orow = out + o;
    if (sc == 1 && sa == 1 && sb == 1) {
      for (index_t j = 0; j < inner; ++j) orow[j] = cr[j] != 0 ? ar[j] : br[j];
    } else {
      for (index_t j = 0; j < inner; ++j) orow[j] = cr[j * sc] != 0 ? ar[j * sa] : br[j * sb];
    }
  });
}

template <class T>
void where_impl(const void* cond, int condType, const T* a, const T* b, T* out, const Strided& s) {
  switch (condType) {
    case E_F32: where_typed(static_cast<const float*>(cond), a, b, out, s); return;
    case E_F64: where_typed(static_cast<const double*>(cond), a, b, out, s); return;
    default: where_typed(static_cast<const std::int32_t*>(cond), a, b, out, s); return;
  }
}

template <class T>
void copy_impl(const T* src, const Strided& s, T* dst) {
  const index_t ss = s.nd == 0 ? 0 : s.stride[0][s.nd - 1];
  for_rows<1>(s, [&](const index_t* off, index_t o, index_t inner) {
    const T* sr = src + off[0];
    if (ss == 1) std::memcpy(dst + o, sr, sizeof(T) * inner);
    else for (index_t j = 0; j < inner; ++j) dst[o + j] = sr[j * ss];
  });
}

// ---------------------------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------------------------

template <class T>
inline void store_index(void* out, int outType, index_t at, index_t value) {
  switch (outType) {
    case E_I32: static_cast<std::int32_t*>(out)[at] = static_cast<std::int32_t>(value); return;
    case E_F32: static_cast<float*>(out)[at] = static_cast<float>(value); return;
    default: static_cast<double*>(out)[at] = static_cast<double>(value); return;
  }
}

template <class T>
void reduce_impl(int op, const T* x, index_t outer, index_t n, index_t inner, void* outp, int outType) {
  constexpr index_t CH = 256;  // columns handled at once when inner > 1
  T* out = static_cast<T*>(outp);
  for (index_t o = 0; o < outer; ++o) {
    const T* base = x + o * n * inner;
    switch (op) {
      case R_SUM: {
        if (inner == 1) {
          double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          index_t i = 0;
          for (; i + 4 <= n; i += 4) {
            s0 += base[i];
            s1 += base[i + 1];
            s2 += base[i + 2];
            s3 += base[i + 3];
          }
          for (; i < n; ++i) s0 += base[i];
          out[o] = static_cast<T>((s0 + s1) + (s2 + s3));
        } else {
          double acc[CH];
          for (index_t j0 = 0; j0 < inner; j0 += CH) {
            const index_t w = min_of(CH, inner - j0);
            for (index_t j = 0; j < w; ++j) acc[j] = 0;
            for (index_t i = 0; i < n; ++i) {
              const T* row = base + i * inner + j0;
              for (index_t j = 0; j < w; ++j) acc[j] += row[j];
            }
            for (index_t j = 0; j < w; ++j) out[o * inner + j0 + j] = static_cast<T>(acc[j]);
          }
        }
        break;
      }
      case R_MAX:
      case R_MIN: {
        const bool isMax = op == R_MAX;
        for (index_t j0 = 0; j0 < inner; j0 += CH) {
          const index_t w = min_of(CH, inner - j0);
          T acc[CH];
          for (index_t j = 0; j < w; ++j) {
            acc[j] = n == 0 ? (isMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity())
                            : base[j0 + j];
          }
          // once the accumulator is NaN it stays NaN (the reference stops at the first NaN)
          if (isMax) {
            for (index_t i = 1; i < n; ++i) {
              const T* row = base + i * inner + j0;
              for (index_t j = 0; j < w; ++j) {
                const T v = row[j], a = acc[j];
                acc[j] = a != a ? a : (v != v || v > a) ? v : a;
              }
            }
          } else {
            for (index_t i = 1; i < n; ++i) {
              const T* row = base + i * inner + j0;
              for (index_t j = 0; j < w; ++j) {
                const T v = row[j], a = acc[j];
                acc[j] = a != a ? a : (v != v || v < a) ? v : a;
              }
            }
          }
          for (index_t j = 0; j < w; ++j) out[o * inner + j0 + j] = acc[j];
        }
        break;
      }
      case R_ARGMAX:
      case R_ARGMIN: {
        const bool isMax = op == R_ARGMAX;
        for (index_t j0 = 0; j0 < inner; j0 += CH) {
          const index_t w = min_of(CH, inner - j0);
          T best[CH];
          index_t at[CH];
          for (index_t j = 0; j < w; ++j) {
            best[j] = n == 0 ? T(0) : base[j0 + j];
            at[j] = 0;
          }
          for (index_t i = 1; i < n; ++i) {
            const T* row = base + i * inner + j0;
            for (index_t j = 0; j < w; ++j) {
              const T v = row[j], b = best[j];
              if (b != b) continue;
              if (v != v || (isMax ? v > b : v < b)) {
                best[j] = v;
                at[j] = i;
              }
            }
          }
          for (index_t j = 0; j < w; ++j) store_index<T>(outp, outType, o * inner + j0 + j, at[j]);
        }
        break;
      }
      case R_LOGSUMEXP: {
        for (index_t j = 0; j < inner; ++j) {
          const T* col = base + j;
          double m = -std::numeric_limits<double>::infinity();
          for (index_t i = 0; i < n; ++i) {
            const double v = col[i * inner];
            if (v > m || v != v) m = v;
          }
          double r;
          if (!std::isfinite(m)) {
            r = m;
          } else {
            double s = 0;
            for (index_t i = 0; i < n; ++i) s += std::exp(static_cast<double>(col[i * inner]) - m);
            r = m + std::log(s);
          }
          out[o * inner + j] = static_cast<T>(r);
        }
        break;
      }
      default: return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Softmax and activation gradients
// ---------------------------------------------------------------------------------------------

inline double sum_as_double(const float* x, index_t n) {
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  index_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int q = 0; q < 8; ++q) s[q] += x[i + q];
  }
  for (; i < n; ++i) s[0] += x[i];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

void softmax_f32(const float* x, index_t rows, index_t cols, float* out, bool log) {
  for (index_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* orow = out + r * cols;
    // row max, ignoring NaN like the reference (x > m is false for NaN)
    VF vm = VF::set1(-std::numeric_limits<float>::infinity());
    index_t j = 0;
    for (; j + VF::W <= cols; j += VF::W) vm = VF::max(VF::load(xr + j), vm);
    float lanes[VF::W];
    VF::store(lanes, vm);
    float m = -std::numeric_limits<float>::infinity();
    for (int q = 0; q < VF::W; ++q) if (lanes[q] > m) m = lanes[q];
    for (; j < cols; ++j) if (xr[j] > m) m = xr[j];
    const VF vmax = VF::set1(m);
    // e = exp(x - m) into out, summed in double
    map_vec<VF>(xr, orow, cols, [vmax](VF v) { return MathF<VF>::exp(VF::sub(v, vmax)); });
    const double s = sum_as_double(orow, cols);
    if (log) {
      const double lse = static_cast<double>(m) + std::log(s);
      for (index_t q = 0; q < cols; ++q) orow[q] = static_cast<float>(static_cast<double>(xr[q]) - lse);
    } else {
      const double inv = 1 / s;
      for (index_t q = 0; q < cols; ++q) orow[q] = static_cast<float>(static_cast<double>(orow[q]) * inv);
    }
  }
}

void softmax_f64(const double* x, index_t rows, index_t cols, double* out, bool log) {
  for (index_t r = 0; r < rows; ++r) {
    const double* xr = x + r * cols;
    double* orow = out + r * cols;
    double m = -std::numeric_limits<double>::infinity();
    for (index_t j = 0; j < cols; ++j) if (xr[j] > m) m = xr[j];
    double s = 0;
    if (log) {
      for (index_t j = 0; j < cols; ++j) s += std::exp(xr[j] - m);
      const double lse = m + std::log(s);
      for (index_t j = 0; j < cols; ++j) orow[j] = xr[j] - lse;
    } else {
      for (index_t j = 0; j < cols; ++j) {
        const double e = std::exp(xr[j] - m);
        orow[j] = e;
        s += e;
      }
      const double inv = 1 / s;
      for (index_t j = 0; j < cols; ++j) orow[j] = orow[j] * inv;
    }
  }
}

// Computed in double and rounded once, as the reference does.
template <class T>
void act_back_impl(int kind, const T* y, const T* dy, T* out, index_t n) {
  if (kind == A_TANH) {
    for (index_t i = 0; i < n; ++i) {
      const double v = y[i];
      out[i] = static_cast<T>(static_cast<double>(dy[i]) * (1 - v * v));
    }
  } else if (kind == A_SIGMOID) {
    for (index_t i = 0; i < n; ++i) {
      const double v = y[i];
      out[i] = static_cast<T>(static_cast<double>(dy[i]) * v * (1 - v));
    }
  } else {
    for (index_t i = 0; i < n; ++i) out[i] = y[i] > T(0) ? dy[i] : T(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Recurrent gate kernels (formulas of packages/tensor/src/backends/js/recurrent.ts)
// ---------------------------------------------------------------------------------------------

void lstm_fwd_f32(index_t B, index_t H, float* gates, const float* cPrev, float* c, float* h, float* tanhC) {
  using M = MathF<VF>;
  const index_t G = 4 * H;
  for (index_t b = 0; b < B; ++b) {
    float* gi = gates + b * G;
    float* gf = gi + H;
    float* gg = gi + 2 * H;
    float* go = gi + 3 * H;
    const float* cp = cPrev + b * H;
    float* cr = c + b * H;
    float* hr = h + b * H;
    float* tr = tanhC + b * H;
    auto step = [&](index_t j, int cnt) {
      const bool full = cnt == VF::W;
      auto ld = [&](const float* p) { return full ? VF::load(p + j) : VF::load_n(p + j, cnt); };
      auto st = [&](float* p, VF v) { if (full) VF::store(p + j, v); else VF::store_n(p + j, v, cnt); };
      const VF i = M::sigmoid(ld(gi));
      const VF f = M::sigmoid(ld(gf));
      const VF g = M::tanh(ld(gg));
      const VF o = M::sigmoid(ld(go));
      st(gi, i);
      st(gf, f);
      st(gg, g);
      st(go, o);
      const VF cv = VF::add(VF::mul(f, ld(cp)), VF::mul(i, g));
      st(cr, cv);
      const VF tc = M::tanh(cv);
      st(tr, tc);
      st(hr, VF::mul(o, tc));
    };
    index_t j = 0;
    for (; j + VF::W <= H; j += VF::W) step(j, VF::W);
    if (j < H) step(j, static_cast<int>(H - j));
  }
}

void lstm_fwd_f64(index_t B, index_t H, double* gates, const double* cPrev, double* c, double* h, double* tanhC) {
  const index_t G = 4 * H;
  for (index_t b = 0; b < B; ++b) {
    const index_t g0 = b * G, s0 = b * H;
    for (index_t j = 0; j < H; ++j) {
      const double i = js_sigmoid(gates[g0 + j]);
      const double f = js_sigmoid(gates[g0 + H + j]);
      const double g = std::tanh(gates[g0 + 2 * H + j]);
      const double o = js_sigmoid(gates[g0 + 3 * H + j]);
      gates[g0 + j] = i;
      gates[g0 + H + j] = f;
      gates[g0 + 2 * H + j] = g;
      gates[g0 + 3 * H + j] = o;
      const double cv = f * cPrev[s0 + j] + i * g;
      c[s0 + j] = cv;
      const double tc = std::tanh(cv);
      tanhC[s0 + j] = tc;
      h[s0 + j] = o * tc;
    }
  }
}

// Backward passes: pure arithmetic, evaluated in double in the reference's order, rounded once.
// One batch row per call, restrict-qualified parameters (dc is read and written at the same index
// only), so that the compiler vectorises the loop.
template <class T>
void lstm_bwd_row(index_t H, const T* __restrict gi, const T* __restrict gf, const T* __restrict gg,
                  const T* __restrict go, const T* __restrict cp, const T* __restrict tr, const T* __restrict dhr,
                  T* __restrict dcr, T* __restrict di, T* __restrict df, T* __restrict dg, T* __restrict dout) {
  for (index_t j = 0; j < H; ++j) {
    const double i = gi[j], f = gf[j], g = gg[j], o = go[j];
    const double tc = tr[j];
    const double dhv = dhr[j];
    const double dcv = static_cast<double>(dcr[j]) + dhv * o * (1 - tc * tc);
    di[j] = static_cast<T>(dcv * g * i * (1 - i));
    df[j] = static_cast<T>(dcv * static_cast<double>(cp[j]) * f * (1 - f));
    dg[j] = static_cast<T>(dcv * i * (1 - g * g));
    dout[j] = static_cast<T>(dhv * tc * o * (1 - o));
    dcr[j] = static_cast<T>(dcv * f);
  }
}

template <class T>
void lstm_bwd_impl(index_t B, index_t H, const T* gates, const T* cPrev, const T* tanhC, const T* dh, T* dc,
                   T* dGates) {
  const index_t G = 4 * H;
  for (index_t b = 0; b < B; ++b) {
    const T* g = gates + b * G;
    T* d = dGates + b * G;
    lstm_bwd_row<T>(H, g, g + H, g + 2 * H, g + 3 * H, cPrev + b * H, tanhC + b * H, dh + b * H, dc + b * H, d,
                    d + H, d + 2 * H, d + 3 * H);
  }
}

void gru_fwd_f32(index_t B, index_t H, float* gi, const float* gh, const float* hPrev, float* h) {
  using M = MathF<VF>;
  const index_t G = 3 * H;
  for (index_t b = 0; b < B; ++b) {
    float* ir = gi + b * G;
    float* iz = ir + H;
    float* in = ir + 2 * H;
    const float* hr_ = gh + b * G;
    const float* hz = hr_ + H;
    const float* hn = hr_ + 2 * H;
    const float* hp = hPrev + b * H;
    float* ho = h + b * H;
    auto step = [&](index_t j, int cnt) {
      const bool full = cnt == VF::W;
      auto ld = [&](const float* p) { return full ? VF::load(p + j) : VF::load_n(p + j, cnt); };
      auto st = [&](float* p, VF v) { if (full) VF::store(p + j, v); else VF::store_n(p + j, v, cnt); };
      const VF r = M::sigmoid(VF::add(ld(ir), ld(hr_)));
      const VF z = M::sigmoid(VF::add(ld(iz), ld(hz)));
      const VF n = M::tanh(VF::add(ld(in), VF::mul(r, ld(hn))));
      st(ir, r);
      st(iz, z);
      st(in, n);
      st(ho, VF::add(VF::mul(VF::sub(VF::set1(1.0f), z), n), VF::mul(z, ld(hp))));
    };
    index_t j = 0;
    for (; j + VF::W <= H; j += VF::W) step(j, VF::W);
    if (j < H) step(j, static_cast<int>(H - j));
  }
}

void gru_fwd_f64(index_t B, index_t H, double* gi, const double* gh, const double* hPrev, double* h) {
  const index_t G = 3 * H;
  for (index_t b = 0; b < B; ++b) {
    const index_t g0 = b * G, s0 = b * H;
    for (index_t j = 0; j < H; ++j) {
      const double r = js_sigmoid(gi[g0 + j] + gh[g0 + j]);
      const double z = js_sigmoid(gi[g0 + H + j] + gh[g0 + H + j]);
      const double n = std::tanh(gi[g0 + 2 * H + j] + r * gh[g0 + 2 * H + j]);
      gi[g0 + j] = r;
      gi[g0 + H + j] = z;
      gi[g0 + 2 * H + j] = n;
      h[s0 + j] = (1 - z) * n + z * hPrev[s0 + j];
    }
  }
}

template <class T>
void gru_bwd_row(index_t H, const T* __restrict ir, const T* __restrict iz, const T* __restrict in,
                 const T* __restrict hn, const T* __restrict hp, const T* __restrict dhr, T* __restrict dir,
                 T* __restrict diz, T* __restrict din, T* __restrict dhr_, T* __restrict dhz, T* __restrict dhn,
                 T* __restrict dhp) {
  for (index_t j = 0; j < H; ++j) {
    const double r = ir[j], z = iz[j], n = in[j];
    const double dhv = dhr[j];
    const double dnPre = dhv * (1 - z) * (1 - n * n);
    const double dzPre = dhv * (static_cast<double>(hp[j]) - n) * z * (1 - z);
    const double drPre = dnPre * static_cast<double>(hn[j]) * r * (1 - r);
    dir[j] = static_cast<T>(drPre);
    diz[j] = static_cast<T>(dzPre);
    din[j] = static_cast<T>(dnPre);
    dhr_[j] = static_cast<T>(drPre);
    dhz[j] = static_cast<T>(dzPre);
    dhn[j] = static_cast<T>(dnPre * r);
    dhp[j] = static_cast<T>(static_cast<double>(dhp[j]) + dhv * z);
  }
}

template <class T>
void gru_bwd_impl(index_t B, index_t H, const T* gi, const T* gh, const T* hPrev, const T* dh, T* dGi, T* dGh,
                  T* dhPrev) {
  const index_t G = 3 * H;
  for (index_t b = 0; b < B; ++b) {
    const T* i = gi + b * G;
    T* di = dGi + b * G;
    T* dg = dGh + b * G;
    gru_bwd_row<T>(H, i, i + H, i + 2 * H, gh + b * G + 2 * H, hPrev + b * H, dh + b * H, di, di + H, di + 2 * H, dg,
                   dg + H, dg + 2 * H, dhPrev + b * H);
  }
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

using SGemm = Gemm<VF, SGEMM_MR, SGEMM_NV, SGEMM_KC, SGEMM_MC, SGEMM_NC>;
using DGemm = Gemm<VD, DGEMM_MR, DGEMM_NV, DGEMM_KC, DGEMM_MC, DGEMM_NC>;

inline KernelTable make_table() {
  KernelTable t{};
  t.name = ISA_NAME;
  t.sgemm = [](const GemmCall<float>& g) { SGemm::run(g); };
  t.dgemm = [](const GemmCall<double>& g) { DGemm::run(g); };
  t.sgemm_nr = SGemm::NR;
  t.sgemm_mr = SGEMM_MR;
  t.dgemm_nr = DGemm::NR;
  t.dgemm_mr = DGEMM_MR;
  t.unary_f32 = unary_f32;
  t.unary_f64 = unary_f64;
  t.binary_f32 = binary_impl<float>;
  t.binary_f64 = binary_impl<double>;
  t.where_f32 = where_impl<float>;
  t.where_f64 = where_impl<double>;
  t.reduce_f32 = reduce_impl<float>;
  t.reduce_f64 = reduce_impl<double>;
  t.copy_f32 = copy_impl<float>;
  t.copy_f64 = copy_impl<double>;
  t.softmax_f32 = softmax_f32;
  t.softmax_f64 = softmax_f64;
  t.act_back_f32 = act_back_impl<float>;
  t.act_back_f64 = act_back_impl<double>;
  t.lstm_fwd_f32 = lstm_fwd_f32;
  t.lstm_fwd_f64 = lstm_fwd_f64;
  t.lstm_bwd_f32 = lstm_bwd_impl<float>;
  t.lstm_bwd_f64 = lstm_bwd_impl<double>;
  t.gru_fwd_f32 = gru_fwd_f32;
  t.gru_fwd_f64 = gru_fwd_f64;
  t.gru_bwd_f32 = gru_bwd_impl<float>;
  t.gru_bwd_f64 = gru_bwd_impl<double>;
  return t;
}

}  // namespace
}  // namespace unroll
