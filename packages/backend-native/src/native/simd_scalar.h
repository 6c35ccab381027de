// One-lane "vectors": the portable build, and the interface every vector type implements.
#pragma once

#include <cmath>

namespace unroll {
namespace {

template <class Tp>
struct VScalar {
  using T = Tp;
  using Mask = bool;
  static constexpr int W = 1;
  T v;

  static inline VScalar zero() { return {T(0)}; }
  static inline VScalar set1(T x) { return {x}; }
  static inline VScalar load(const T* p) { return {*p}; }
  static inline void store(T* p, VScalar a) { *p = a.v; }
  // First n lanes (0 <= n <= W); the others read as 0 and are not written.
  static inline VScalar load_n(const T* p, int n) { return {n > 0 ? *p : T(0)}; }
  static inline void store_n(T* p, VScalar a, int n) { if (n > 0) *p = a.v; }
  static inline VScalar add(VScalar a, VScalar b) { return {a.v + b.v}; }
  static inline VScalar sub(VScalar a, VScalar b) { return {a.v - b.v}; }
  static inline VScalar mul(VScalar a, VScalar b) { return {a.v * b.v}; }
  static inline VScalar div(VScalar a, VScalar b) { return {a.v / b.v}; }
  // a * b + c (two roundings here: no FMA instruction is assumed on the portable build)
  static inline VScalar fma(VScalar a, VScalar b, VScalar c) { return {a.v * b.v + c.v}; }
  static inline VScalar neg(VScalar a) { return {-a.v}; }
  static inline VScalar abs(VScalar a) { return {std::fabs(a.v)}; }
  // x86 semantics: the second operand when either is NaN
  static inline VScalar min(VScalar a, VScalar b) { return {a.v < b.v ? a.v : b.v}; }
  static inline VScalar max(VScalar a, VScalar b) { return {a.v > b.v ? a.v : b.v}; }
  static inline VScalar round(VScalar a) { return {std::nearbyint(a.v)}; }
  // |mag| with the sign of s
  static inline VScalar copysign(VScalar mag, VScalar s) { return {std::copysign(mag.v, s.v)}; }
  // a * 2^n for integral n (rounded once, into the denormals if need be)
  static inline VScalar scale2(VScalar a, VScalar n) {
    if (n.v != n.v) return {a.v + n.v};
    return {std::ldexp(a.v, static_cast<int>(n.v))};
  }
  static inline Mask lt(VScalar a, VScalar b) { return a.v < b.v; }
  static inline Mask ge(VScalar a, VScalar b) { return a.v >= b.v; }
  static inline VScalar select(Mask m, VScalar a, VScalar b) { return m ? a : b; }
  // In-place transpose of a W x W block held in W vectors.
  static inline void transpose(VScalar*) {}
};

}  // namespace
}  // namespace unroll
