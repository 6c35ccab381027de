// Node-API entry points of the unroll native backend.
//
// The hot kernels are plain napi_callbacks taking positional arguments (no option objects, no
// allocation): they read the typed arrays' data pointers in place, check every index they will
// touch against the arrays' lengths (a bad call throws a RangeError instead of corrupting
// memory), and call the kernel table of the selected instruction set. node-addon-api is used
// for the module's setup and its cold functions.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <algorithm>
#include <atomic>
#include <type_traits>
#include <vector>

#include "common.h"
#include "gemm_threads.h"
#include "pool.h"
#include "sequence.h"
#include "typed_kernels.h"

namespace unroll {
namespace {

// ---------------------------------------------------------------------------------------------
// Instruction-set selection
// ---------------------------------------------------------------------------------------------

enum Level { L_SCALAR = 0, L_AVX2 = 1, L_AVX512 = 2 };
const char* const kLevelNames[] = {"scalar", "avx2", "avx512"};

int detect_best() {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f");
  if (avx512 && kernels_avx512()) return L_AVX512;
  if (avx2 && kernels_avx2()) return L_AVX2;
#endif
  return L_SCALAR;
}

const int g_best = detect_best();

const KernelTable* table_for(int level) {
  switch (level) {
    case L_AVX512: return kernels_avx512();
    case L_AVX2: return kernels_avx2();
    default: return kernels_scalar();
  }
}

int parse_level(const char* s) {
  if (std::strcmp(s, "avx512") == 0) return L_AVX512;
  if (std::strcmp(s, "avx2") == 0) return L_AVX2;
  if (std::strcmp(s, "scalar") == 0) return L_SCALAR;
  return -1;  // 'auto' and anything else: the best available
}

int initial_level() {
  const char* env = std::getenv("UNROLL_NATIVE_SIMD");
  const int want = env ? parse_level(env) : -1;
  return want < 0 || want > g_best ? g_best : want;
}

std::atomic<int> g_level{initial_level()};
std::atomic<const KernelTable*> g_table{table_for(g_level.load())};

inline const KernelTable* T() { return g_table.load(std::memory_order_relaxed); }

// ---------------------------------------------------------------------------------------------
// Argument helpers (raw C API: this is the per-call path)
// ---------------------------------------------------------------------------------------------

constexpr std::size_t kMaxArgs = 20;

struct Args {
  napi_env env;
  napi_value argv[kMaxArgs];
  std::size_t argc = kMaxArgs;
  bool ok = true;
  const char* fn;

  Args(napi_env e, napi_callback_info info, const char* name, std::size_t expected) : env(e), fn(name) {
    if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) {
      fail_type("could not read the arguments");
    } else if (argc < expected) {
      fail_type("too few arguments");
    }
  }

  void fail_type(const char* what) {
    if (!ok) return;
    ok = false;
    char msg[256];
    std::snprintf(msg, sizeof msg, "unroll native %s: %s", fn, what);
    napi_throw_type_error(env, nullptr, msg);
  }
  void fail_range(const char* what) {
    if (!ok) return;
    ok = false;
    char msg[256];
    std::snprintf(msg, sizeof msg, "unroll native %s: %s", fn, what);
    napi_throw_range_error(env, nullptr, msg);
  }

  double num(std::size_t i) {
    double d = 0;
    if (ok && napi_get_value_double(env, argv[i], &d) != napi_ok) fail_type("expected a number");
    return d;
  }
  // A whole number in [lo, 2^53].
  index_t integer(std::size_t i, double lo = 0) {
    const double d = num(i);
    if (ok && !(d >= lo && d <= 9007199254740992.0 && d == std::floor(d))) fail_range("expected a whole number in range");
    return ok ? static_cast<index_t>(d) : 0;
  }
  bool boolean(std::size_t i) {
    bool b = false;
    if (ok && napi_get_value_bool(env, argv[i], &b) != napi_ok) fail_type("expected a boolean");
    return b;
  }

  struct Arr {
    void* data = nullptr;
    index_t len = 0;
    int type = -1;
  };
  Arr array(std::size_t i) {
    Arr a;
    if (!ok) return a;
    napi_typedarray_type t;
    std::size_t len = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, argv[i], &t, &len, &data, nullptr, nullptr) != napi_ok) {
      fail_type("expected a typed array");
      return a;
    }
    a.data = data;
    a.len = static_cast<index_t>(len);
    switch (t) {
      case napi_float32_array: a.type = E_F32; break;
      case napi_float64_array: a.type = E_F64; break;
      case napi_int32_array: a.type = E_I32; break;
      default: fail_type("expected a Float32Array, Float64Array or Int32Array");
    }
    return a;
  }
  // A Float32Array or Float64Array (returns its type; all float arrays of one call must agree).
  Arr float_array(std::size_t i, int& type) {
    Arr a = array(i);
    if (!ok) return a;
    if (a.type != E_F32 && a.type != E_F64) fail_type("expected a Float32Array or Float64Array");
    else if (type < 0) type = a.type;
    else if (a.type != type) fail_type("float arrays of one call must all be Float32Array or all Float64Array");
    return a;
  }
  // Whether argument i is null or undefined (an absent optional array).
  bool absent(std::size_t i) {
    napi_valuetype vt = napi_undefined;
    if (ok && napi_typeof(env, argv[i], &vt) != napi_ok) fail_type("could not read an argument");
    return !ok || vt == napi_null || vt == napi_undefined;
  }
  // A float array, or null / undefined (data stays null).
  Arr optional_float_array(std::size_t i, int& type) { return absent(i) ? Arr{} : float_array(i, type); }
  // Any typed array, or null / undefined (data stays null).
  Arr optional_array(std::size_t i) { return absent(i) ? Arr{} : array(i); }
  // The array must have at least `need` elements.
  void need(const Arr& a, index_t need, const char* name) {
    if (!ok || a.len >= need) return;
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s has %lld elements, %lld needed", name, static_cast<long long>(a.len),
                  static_cast<long long>(need));
    fail_range(msg);
  }
};

// Reads nd and the meta array [shape(nd), strides of operand 0 (nd), ..., operand K-1 (nd)].
bool read_strided(Args& A, std::size_t ndArg, std::size_t metaArg, int K, Strided& s) {
  const index_t nd = A.integer(ndArg);
  if (!A.ok) return false;
  if (nd > kMaxDims) {
    A.fail_range("too many dimensions");
    return false;
  }
  Args::Arr meta = A.array(metaArg);
  if (!A.ok) return false;
  if (meta.type != E_F64) {
    A.fail_type("shape and strides must come in a Float64Array");
    return false;
  }
  A.need(meta, nd * (K + 1), "meta");
  if (!A.ok) return false;
  const double* m = static_cast<const double*>(meta.data);
  s.nd = static_cast<int>(nd);
  for (int d = 0; d < s.nd; ++d) {
    const double sh = m[d];
    if (!(sh >= 0 && sh <= 2147483647.0 && sh == std::floor(sh))) {
      A.fail_range("bad shape");
      return false;
    }
    s.shape[d] = static_cast<index_t>(sh);
    for (int q = 0; q < K; ++q) {
      const double st = m[(q + 1) * nd + d];
      if (!(std::fabs(st) <= 2147483647.0 && st == std::floor(st))) {
        A.fail_range("bad stride");
        return false;
      }
      s.stride[q][d] = static_cast<index_t>(st);
    }
  }
  return true;
}

index_t total_of(const Strided& s) {
  index_t t = 1;
  for (int d = 0; d < s.nd; ++d) t *= s.shape[d];
  return t;
}

// Checks that every element of operand q read through s from `offset` lies in [0, len).
bool check_reach(Args& A, const Strided& s, int q, index_t offset, const Args::Arr& arr, const char* name) {
  index_t lo = offset, hi = offset;
  for (int d = 0; d < s.nd; ++d) {
    const index_t span = s.stride[q][d] * (s.shape[d] - 1);
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= arr.len) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "the strided view of %s reaches [%lld, %lld], outside its %lld elements", name,
                  static_cast<long long>(lo), static_cast<long long>(hi), static_cast<long long>(arr.len));
    A.fail_range(msg);
    return false;
  }
  return true;
}

// Drops size-1 dimensions and merges neighbours that are contiguous in every operand.
void simplify(Strided& s, int K) {
  int w = 0;
  for (int d = 0; d < s.nd; ++d) {
    if (s.shape[d] == 1) continue;
    bool merge = w > 0;
    for (int q = 0; q < K && merge; ++q) merge = s.stride[q][w - 1] == s.stride[q][d] * s.shape[d];
    if (merge) {
      s.shape[w - 1] *= s.shape[d];
      for (int q = 0; q < K; ++q) s.stride[q][w - 1] = s.stride[q][d];
    } else {
      s.shape[w] = s.shape[d];
      for (int q = 0; q < K; ++q) s.stride[q][w] = s.stride[q][d];
      ++w;
    }
  }
  s.nd = w;
}

// The one place where a call's element type is decided: runs f with the kernels of the selected
// instruction set for float (type E_F32) or double, as a Kernels<Tp> (f is a generic lambda that
// reads Tp from it: `using Tp = elem_t<decltype(K)>;`).
template <class F>
void with_float_kernels(int type, F&& f) {
  if (type == E_F32) f(kernels_for<float>(T()));
  else f(kernels_for<double>(T()));
}

template <class K>
using elem_t = typename std::decay_t<K>::Elem;

// A checked array's data as Tp* (null for an absent optional array).
template <class Tp>
Tp* data_of(const Args::Arr& a) {
  return static_cast<Tp*>(a.data);
}

// gemm(flags, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc)
// flags: bit 0 transA, bit 1 transB.
napi_value Gemm(napi_env env, napi_callback_info info) {
  Args A(env, info, "gemm", 15);
  const index_t flags = A.integer(0);
  const index_t m = A.integer(1), n = A.integer(2), k = A.integer(3);
  const double alpha = A.num(4);
  int type = -1;
  const Args::Arr a = A.float_array(5, type);
  const index_t aOff = A.integer(6), lda = A.integer(7);
  const Args::Arr b = A.float_array(8, type);
  const index_t bOff = A.integer(9), ldb = A.integer(10);
  const double beta = A.num(11);
  const Args::Arr c = A.float_array(12, type);
  const index_t cOff = A.integer(13), ldc = A.integer(14);
  if (!A.ok) return nullptr;
  const bool transA = flags & 1, transB = flags & 2;
  if (m > 0 && n > 0) {
    A.need(c, cOff + (m - 1) * ldc + n, "C");
    if (k > 0 && alpha != 0) {
      const index_t aRows = transA ? k : m, aCols = transA ? m : k;
      const index_t bRows = transB ? n : k, bCols = transB ? k : n;
      A.need(a, aOff + (aRows - 1) * lda + aCols, "A");
      A.need(b, bOff + (bRows - 1) * ldb + bCols, "B");
    }
  }
  if (!A.ok || m == 0 || n == 0) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.gemm(GemmCall<Tp>{transA, transB, m, n, k, static_cast<Tp>(alpha), static_cast<Tp>(beta), data_of<Tp>(a) + aOff, lda,
                        data_of<Tp>(b) + bOff, ldb, data_of<Tp>(c) + cOff, ldc, m});
  });
  return nullptr;
}

// unary(op, x, out, p0, p1)
napi_value Unary(napi_env env, napi_callback_info info) {
  Args A(env, info, "unary", 5);
  const index_t op = A.integer(0);
  int type = -1;
  const Args::Arr x = A.float_array(1, type);
  const Args::Arr out = A.float_array(2, type);
  const double p0 = A.num(3), p1 = A.num(4);
  if (A.ok && op >= U_COUNT) A.fail_range("unknown unary op");
  A.need(out, x.len, "out");
  if (!A.ok) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.unary(static_cast<int>(op), data_of<Tp>(x), data_of<Tp>(out), x.len, p0, p1);
  });
  return nullptr;
}

// binary(op, a, b, out, nd, meta[shape, aStrides, bStrides])
napi_value Binary(napi_env env, napi_callback_info info) {
  Args A(env, info, "binary", 6);
  const index_t op = A.integer(0);
  int type = -1;
  const Args::Arr a = A.float_array(1, type);
  const Args::Arr b = A.float_array(2, type);
  const Args::Arr out = A.array(3);
  Strided s;
  if (!A.ok || !read_strided(A, 4, 5, 2, s)) return nullptr;
  if (op >= B_COUNT) A.fail_range("unknown binary op");
  const bool outI32 = out.type == E_I32;
  if (A.ok && out.type != type && !(outI32 && is_comparison(static_cast<int>(op))))
    A.fail_type("out must have the inputs' type (or be an Int32Array for comparisons)");
  const index_t total = total_of(s);
  A.need(out, total, "out");
  if (!A.ok || total == 0) return nullptr;
  if (!check_reach(A, s, 0, 0, a, "a") || !check_reach(A, s, 1, 0, b, "b")) return nullptr;
  simplify(s, 2);
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.binary(static_cast<int>(op), data_of<Tp>(a), data_of<Tp>(b), out.data, outI32, s);
  });
  return nullptr;
}

// where(cond, a, b, out, nd, meta[shape, condStrides, aStrides, bStrides])
napi_value Where(napi_env env, napi_callback_info info) {
  Args A(env, info, "where", 6);
  const Args::Arr cond = A.array(0);
  int type = -1;
  const Args::Arr a = A.float_array(1, type);
  const Args::Arr b = A.float_array(2, type);
  const Args::Arr out = A.float_array(3, type);
  Strided s;
  if (!A.ok || !read_strided(A, 4, 5, 3, s)) return nullptr;
  const index_t total = total_of(s);
  A.need(out, total, "out");
  if (!A.ok || total == 0) return nullptr;
  if (!check_reach(A, s, 0, 0, cond, "cond") || !check_reach(A, s, 1, 0, a, "a") || !check_reach(A, s, 2, 0, b, "b"))
    return nullptr;
  simplify(s, 3);
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.where(cond.data, cond.type, data_of<Tp>(a), data_of<Tp>(b), data_of<Tp>(out), s);
  });
  return nullptr;
}

// reduce(op, x, outer, n, inner, out)
napi_value Reduce(napi_env env, napi_callback_info info) {
  Args A(env, info, "reduce", 6);
  const index_t op = A.integer(0);
  int type = -1;
  const Args::Arr x = A.float_array(1, type);
  const index_t outer = A.integer(2), n = A.integer(3), inner = A.integer(4);
  const Args::Arr out = A.array(5);
  if (!A.ok) return nullptr;
  if (op >= R_COUNT) A.fail_range("unknown reduce op");
  const bool isArg = op == R_ARGMAX || op == R_ARGMIN;
  if (A.ok && out.type != type && !(isArg && out.type == E_I32)) A.fail_type("out must have x's type (or be an Int32Array for arg-reductions)");
  A.need(x, outer * n * inner, "x");
  A.need(out, outer * inner, "out");
  if (!A.ok || outer * inner == 0) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.reduce(static_cast<int>(op), data_of<Tp>(x), outer, n, inner, out.data, out.type);
  });
  return nullptr;
}

// copyStrided(src, offset, nd, meta[shape, strides], dst, dstOffset)
napi_value CopyStrided(napi_env env, napi_callback_info info) {
  Args A(env, info, "copyStrided", 6);
  int type = -1;
  const Args::Arr src = A.float_array(0, type);
  const index_t offset = A.integer(1);
  Strided s;
  if (!A.ok || !read_strided(A, 2, 3, 1, s)) return nullptr;
  const Args::Arr dst = A.float_array(4, type);
  const index_t dstOff = A.integer(5);
  const index_t total = total_of(s);
  A.need(dst, dstOff + total, "dst");
  if (!A.ok || total == 0) return nullptr;
  if (!check_reach(A, s, 0, offset, src, "src")) return nullptr;
  simplify(s, 1);
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.copy(data_of<Tp>(src) + offset, s, data_of<Tp>(dst) + dstOff);
  });
  return nullptr;
}

// softmax(x, rows, cols, out, log)
napi_value Softmax(napi_env env, napi_callback_info info) {
  Args A(env, info, "softmax", 5);
  int type = -1;
  const Args::Arr x = A.float_array(0, type);
  const index_t rows = A.integer(1), cols = A.integer(2);
  const Args::Arr out = A.float_array(3, type);
  const bool log = A.boolean(4);
  A.need(x, rows * cols, "x");
  A.need(out, rows * cols, "out");
  if (!A.ok) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.softmax(data_of<Tp>(x), rows, cols, data_of<Tp>(out), log);
  });
  return nullptr;
}

// activationBackward(kind, y, dy, out)
napi_value ActivationBackward(napi_env env, napi_callback_info info) {
  Args A(env, info, "activationBackward", 4);
  const index_t kind = A.integer(0);
  int type = -1;
  const Args::Arr y = A.float_array(1, type);
  const Args::Arr dy = A.float_array(2, type);
  const Args::Arr out = A.float_array(3, type);
  if (A.ok && kind >= A_COUNT) A.fail_range("unknown activation");
  A.need(dy, y.len, "dy");
  A.need(out, y.len, "out");
  if (!A.ok) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.act_back(static_cast<int>(kind), data_of<Tp>(y), data_of<Tp>(dy), data_of<Tp>(out), y.len);
  });
  return nullptr;
}

// lstmForward(B, H, gates, cPrev, c, h, tanhC)
napi_value LstmForward(napi_env env, napi_callback_info info) {
  Args A(env, info, "lstmForward", 7);
  const index_t B = A.integer(0), H = A.integer(1);
  int type = -1;
  const Args::Arr gates = A.float_array(2, type), cPrev = A.float_array(3, type), c = A.float_array(4, type),
                  h = A.float_array(5, type), tanhC = A.float_array(6, type);
  A.need(gates, B * gate_width(K_LSTM, H), "gates");
  A.need(cPrev, B * H, "cPrev");
  A.need(c, B * H, "c");
  A.need(h, B * H, "h");
  A.need(tanhC, B * H, "tanhC");
  if (!A.ok) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.lstm_fwd(B, H, data_of<Tp>(gates), data_of<Tp>(cPrev), data_of<Tp>(c), data_of<Tp>(h), data_of<Tp>(tanhC));
  });
  return nullptr;
}

// lstmBackward(B, H, gates, cPrev, tanhC, dh, dc, dGates)
napi_value LstmBackward(napi_env env, napi_callback_info info) {
  Args A(env, info, "lstmBackward", 8);
  const index_t B = A.integer(0), H = A.integer(1);
  int type = -1;
  const Args::Arr gates = A.float_array(2, type), cPrev = A.float_array(3, type), tanhC = A.float_array(4, type),
                  dh = A.float_array(5, type), dc = A.float_array(6, type), dGates = A.float_array(7, type);
  A.need(gates, B * gate_width(K_LSTM, H), "gates");
  A.need(cPrev, B * H, "cPrev");
  A.need(tanhC, B * H, "tanhC");
  A.need(dh, B * H, "dh");
  A.need(dc, B * H, "dc");
  A.need(dGates, B * gate_width(K_LSTM, H), "dGates");
  if (!A.ok) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.lstm_bwd(B, H, data_of<Tp>(gates), data_of<Tp>(cPrev), data_of<Tp>(tanhC), data_of<Tp>(dh), data_of<Tp>(dc), data_of<Tp>(dGates));
  });
  return nullptr;
}

// gruForward(B, H, gi, gh, hPrev, h)
napi_value GruForward(napi_env env, napi_callback_info info) {
  Args A(env, info, "gruForward", 6);
  const index_t B = A.integer(0), H = A.integer(1);
  int type = -1;
  const Args::Arr gi = A.float_array(2, type), gh = A.float_array(3, type), hPrev = A.float_array(4, type),
                  h = A.float_array(5, type);
  A.need(gi, B * gate_width(K_GRU, H), "gi");
  A.need(gh, B * gate_width(K_GRU, H), "gh");
  A.need(hPrev, B * H, "hPrev");
  A.need(h, B * H, "h");
  if (!A.ok) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.gru_fwd(B, H, data_of<Tp>(gi), data_of<Tp>(gh), data_of<Tp>(hPrev), data_of<Tp>(h));
  });
  return nullptr;
}

// gruBackward(B, H, gi, gh, hPrev, dh, dGi, dGh, dhPrev)
napi_value GruBackward(napi_env env, napi_callback_info info) {
  Args A(env, info, "gruBackward", 9);
  const index_t B = A.integer(0), H = A.integer(1);
  int type = -1;
  const Args::Arr gi = A.float_array(2, type), gh = A.float_array(3, type), hPrev = A.float_array(4, type),
                  dh = A.float_array(5, type), dGi = A.float_array(6, type), dGh = A.float_array(7, type),
                  dhPrev = A.float_array(8, type);
  A.need(gi, B * gate_width(K_GRU, H), "gi");
  A.need(gh, B * gate_width(K_GRU, H), "gh");
  A.need(hPrev, B * H, "hPrev");
  A.need(dh, B * H, "dh");
  A.need(dGi, B * gate_width(K_GRU, H), "dGi");
  A.need(dGh, B * gate_width(K_GRU, H), "dGh");
  A.need(dhPrev, B * H, "dhPrev");
  if (!A.ok) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    K.gru_bwd(B, H, data_of<Tp>(gi), data_of<Tp>(gh), data_of<Tp>(hPrev), data_of<Tp>(dh), data_of<Tp>(dGi), data_of<Tp>(dGh),
              data_of<Tp>(dhPrev));
  });
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Cold functions (node-addon-api)
// ---------------------------------------------------------------------------------------------

// Typed arrays are calloc'ed by Node. glibc serves blocks above 128 KiB with fresh mmap pages and
// returns freed memory at the top of the heap to the system, so a loop that allocates and frees
// (T,B,H) activations or 256x256 results pays a page fault per 4 KiB on every allocation: in a
// virtual machine that made a 256x256 product 3-5x slower than its arithmetic. Blocks up to
// 32 MiB come from the heap instead, and the heap keeps up to 512 MiB of free memory. The
// process's resident memory then stays at its high-water mark (as with PyTorch's caching
// allocator). UNROLL_NATIVE_SYSTEM_MALLOC=1 leaves glibc's defaults.
bool g_malloc_tuned = false;

void tune_malloc() {
#if defined(__GLIBC__)
  const char* keep = std::getenv("UNROLL_NATIVE_SYSTEM_MALLOC");
  if (keep && *keep && std::strcmp(keep, "0") != 0) return;
  g_malloc_tuned = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1 && mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024) == 1;
#endif
}

Napi::Object MakeInfo(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("simd", kLevelNames[g_level.load()]);
  o.Set("best", kLevelNames[g_best]);
  o.Set("threads", pool_threads());
  o.Set("malloc", g_malloc_tuned ? "tuned" : "system");
  return o;
}

Napi::Value Info(const Napi::CallbackInfo& info) { return MakeInfo(info.Env()); }

// setSimd(level: 'avx512' | 'avx2' | 'scalar' | 'auto') -> info; capped at what the CPU supports.
Napi::Value SetSimd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "unroll native setSimd: expected 'avx512', 'avx2', 'scalar' or 'auto'").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string s = info[0].As<Napi::String>().Utf8Value();
  int want = parse_level(s.c_str());
  if (want < 0 && s != "auto") {
    Napi::TypeError::New(env, "unroll native setSimd: expected 'avx512', 'avx2', 'scalar' or 'auto', got '" + s + "'").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (want < 0 || want > g_best) want = g_best;
  g_level.store(want);
  g_table.store(table_for(want));
  return MakeInfo(env);
}

// setThreads(n) -> info
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "unroll native setThreads: expected a number").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  pool_set_threads(info[0].As<Napi::Number>().Int32Value());
  return MakeInfo(env);
}

// Work blocks of the time loops ((B,H) each), grown when needed.
thread_local std::vector<double> tl_sequence_work;

// Two (B,H) work blocks of the call's element type.
template <class Tp>
Tp* sequence_work(index_t B, index_t H) {
  const std::size_t bytes = 2 * static_cast<std::size_t>(B * H) * sizeof(Tp);
  if (tl_sequence_work.size() * sizeof(double) < bytes) tl_sequence_work.resize(bytes / sizeof(double) + 1);
  return reinterpret_cast<Tp*>(tl_sequence_work.data());
}

// lengths: an Int32Array of B entries, or null.
const std::int32_t* read_lengths(Args& A, std::size_t i, index_t B) {
  const Args::Arr l = A.optional_array(i);
  if (!A.ok || !l.data) return nullptr;
  if (l.type != E_I32) A.fail_type("lengths must be an Int32Array");
  A.need(l, B, "lengths");
  return static_cast<const std::int32_t*>(l.data);
}

// recurrentForward(kind, T, B, H, reverse, gates, wHh, bHh, gh|null, ghStride, h, c, y,
//                  hPrev|null, cPrev|null, tanhC|null, tanhStride, lengths|null): see sequence.h
napi_value RecurrentForward(napi_env env, napi_callback_info info) {
  Args A(env, info, "recurrentForward", 18);
  const index_t kind = A.integer(0), steps = A.integer(1), B = A.integer(2), H = A.integer(3);
  const bool reverse = A.integer(4) != 0;
  int type = -1;
  const Args::Arr gates = A.float_array(5, type), wHh = A.float_array(6, type), bHh = A.float_array(7, type);
  const Args::Arr gh = A.optional_float_array(8, type);
  const index_t ghStride = A.integer(9);
  const Args::Arr h = A.float_array(10, type), c = A.float_array(11, type), y = A.float_array(12, type);
  const Args::Arr hPrev = A.optional_float_array(13, type), cPrev = A.optional_float_array(14, type);
  const Args::Arr tanhC = A.optional_float_array(15, type);
  const index_t tanhStride = A.integer(16);
  if (A.ok && kind >= K_COUNT) A.fail_range("unknown cell kind");
  if (!A.ok) return nullptr;
  const std::int32_t* lengths = read_lengths(A, 17, B);
  const index_t G = gate_width(static_cast<int>(kind), H);
  const index_t last = steps > 0 ? steps - 1 : 0;
  A.need(gates, steps * B * G, "gates");
  A.need(wHh, G * H, "wHh");
  A.need(h, B * H, "h");
  A.need(c, B * H, "c");
  A.need(y, steps * B * H, "y");
  if (hPrev.data) A.need(hPrev, steps * B * H, "hPrev");
  if (kind == K_LSTM) {
    if (A.ok && !tanhC.data) A.fail_type("tanhC is needed for an LSTM");
    A.need(tanhC, last * tanhStride + B * H, "tanhC");
    if (cPrev.data) A.need(cPrev, steps * B * H, "cPrev");
  }
  if (kind == K_GRU) {
    A.need(bHh, G, "bHh");
    if (A.ok && !gh.data) A.fail_type("gh is needed for a GRU");
    A.need(gh, last * ghStride + B * G, "gh");
  }
  if (!A.ok || steps == 0 || B == 0 || H == 0) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    Tp* w = sequence_work<Tp>(B, H);
    const ForwardCall<Tp> call{static_cast<int>(kind), steps, B, H, reverse, data_of<Tp>(gates), data_of<Tp>(wHh),
                               data_of<Tp>(bHh), data_of<Tp>(gh), ghStride, data_of<Tp>(h), data_of<Tp>(c), data_of<Tp>(y),
                               data_of<Tp>(hPrev), data_of<Tp>(cPrev), data_of<Tp>(tanhC), tanhStride, lengths, w, w + B * H};
    recurrent_forward<Tp>(K, call);
  });
  return nullptr;
}

// recurrentBackward(kind, T, B, H, reverse, gates, gh|null, hPrev, cPrev|null, tanhC|null, wHh, dy|null,
//                   dh, dc|null, dGates, dGh|null, dhNorms|null, lengths|null): see sequence.h
napi_value RecurrentBackward(napi_env env, napi_callback_info info) {
  Args A(env, info, "recurrentBackward", 18);
  const index_t kind = A.integer(0), steps = A.integer(1), B = A.integer(2), H = A.integer(3);
  const bool reverse = A.integer(4) != 0;
  int type = -1;
  const Args::Arr gates = A.float_array(5, type), gh = A.optional_float_array(6, type), hPrev = A.float_array(7, type);
  const Args::Arr cPrev = A.optional_float_array(8, type), tanhC = A.optional_float_array(9, type);
  const Args::Arr wHh = A.float_array(10, type), dy = A.optional_float_array(11, type), dh = A.float_array(12, type);
  const Args::Arr dc = A.optional_float_array(13, type), dGates = A.float_array(14, type), dGh = A.optional_float_array(15, type);
  const Args::Arr norms = A.optional_array(16);
  if (A.ok && norms.data && norms.type != E_F64) A.fail_type("dhNorms must be a Float64Array");
  if (A.ok && kind >= K_COUNT) A.fail_range("unknown cell kind");
  if (!A.ok) return nullptr;
  const std::int32_t* lengths = read_lengths(A, 17, B);
  const index_t G = gate_width(static_cast<int>(kind), H);
  A.need(gates, steps * B * G, "gates");
  A.need(hPrev, steps * B * H, "hPrev");
  A.need(wHh, G * H, "wHh");
  if (dy.data) A.need(dy, steps * B * H, "dy");
  A.need(dh, B * H, "dh");
  A.need(dGates, steps * B * G, "dGates");
  if (norms.data) A.need(norms, steps, "dhNorms");
  if (kind == K_LSTM) {
    if (A.ok && !(cPrev.data && tanhC.data && dc.data)) A.fail_type("cPrev, tanhC and dc are needed for an LSTM");
    A.need(cPrev, steps * B * H, "cPrev");
    A.need(tanhC, steps * B * H, "tanhC");
    A.need(dc, B * H, "dc");
  }
  if (kind == K_GRU) {
    if (A.ok && !(gh.data && dGh.data)) A.fail_type("gh and dGh are needed for a GRU");
    A.need(gh, steps * B * G, "gh");
    A.need(dGh, steps * B * G, "dGh");
  }
  if (!A.ok || steps == 0 || B == 0 || H == 0) return nullptr;
  with_float_kernels(type, [&](const auto& K) {
    using Tp = elem_t<decltype(K)>;
    Tp* w = sequence_work<Tp>(B, H);
    const BackwardCall<Tp> call{static_cast<int>(kind), steps, B, H, reverse, data_of<Tp>(gates), data_of<Tp>(gh),
                                data_of<Tp>(hPrev), data_of<Tp>(cPrev), data_of<Tp>(tanhC), data_of<Tp>(wHh), data_of<Tp>(dy),
                                data_of<Tp>(dh), kind == K_LSTM ? data_of<Tp>(dc) : nullptr, data_of<Tp>(dGates),
                                data_of<Tp>(dGh), static_cast<double*>(norms.data), lengths, w, w + B * H};
    recurrent_backward<Tp>(K, call);
  });
  return nullptr;
}

void AddRaw(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
  exports.Set(name, Napi::Value(env, fn));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tune_malloc();
  AddRaw(env, exports, "gemm", Gemm);
  AddRaw(env, exports, "unary", Unary);
  AddRaw(env, exports, "binary", Binary);
  AddRaw(env, exports, "where", Where);
  AddRaw(env, exports, "reduce", Reduce);
  AddRaw(env, exports, "copyStrided", CopyStrided);
  AddRaw(env, exports, "softmax", Softmax);
  AddRaw(env, exports, "activationBackward", ActivationBackward);
  AddRaw(env, exports, "lstmForward", LstmForward);
  AddRaw(env, exports, "lstmBackward", LstmBackward);
  AddRaw(env, exports, "gruForward", GruForward);
  AddRaw(env, exports, "gruBackward", GruBackward);
  AddRaw(env, exports, "recurrentForward", RecurrentForward);
  AddRaw(env, exports, "recurrentBackward", RecurrentBackward);
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setSimd", Napi::Function::New(env, SetSimd, "setSimd"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  return exports;
}

}  // namespace
}  // namespace unroll

static Napi::Object InitUnrollNative(Napi::Env env, Napi::Object exports) { return unroll::Init(env, exports); }

NODE_API_MODULE(unroll_native, InitUnrollNative)
