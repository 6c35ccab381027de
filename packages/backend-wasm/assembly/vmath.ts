// Vectorised float32 transcendental functions (f32x4) and their scalar counterparts.
//
// Accuracy (checked against Math.* in src/vmath.test.ts over their whole range):
//   exp4      Cephes expf polynomial after Cody-Waite range reduction, ~2 ulp; overflow to
//             Infinity, gradual underflow to 0, NaN in -> NaN out.
//   sigmoid4  1 / (1 + exp(-x)): relative error ~3e-7 everywhere (no cancellation).
//   tanh4     |x| < 0.625: odd polynomial x * P(x^2) fitted for relative error (~1e-7);
//             otherwise sign(x) * (1 - e) / (1 + e) with e = exp(-2|x|) (~3e-7).
// Float64 kernels do not use these: they call AssemblyScript's Math (musl ports, < 1 ulp).

// @ts-ignore: decorator
@inline const LOG2E: f32 = <f32>Math.LOG2E;
// Cody-Waite split of ln 2: C1 has few significant bits, so n * C1 is exact for |n| <= 2^14.
// @ts-ignore: decorator
@inline const LN2_HI: f32 = 0.693359375;
// @ts-ignore: decorator
@inline const LN2_LO: f32 = -2.12194440e-4;
// 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits.
// @ts-ignore: decorator
@inline const MAGIC: f32 = 12582912.0;
// @ts-ignore: decorator
@inline const MAGIC_BITS: i32 = 0x4b400000;
// Cephes expf: exp(r) ~= 1 + r + r^2 * P(r) on |r| <= ln2 / 2.
// @ts-ignore: decorator
@inline const E0: f32 = 1.9875691500e-4;
// @ts-ignore: decorator
@inline const E1: f32 = 1.3981999507e-3;
// @ts-ignore: decorator
@inline const E2: f32 = 8.3334519073e-3;
// @ts-ignore: decorator
@inline const E3: f32 = 4.1665795894e-2;
// @ts-ignore: decorator
@inline const E4: f32 = 1.6666665459e-1;
// @ts-ignore: decorator
@inline const E5: f32 = 5.0000001201e-1;

// tanh(x) = x + x * u * Q(u), u = x^2, on |x| < 0.625 (least squares for relative error).
// @ts-ignore: decorator
@inline const TANH_SMALL: f32 = 0.625;
// @ts-ignore: decorator
@inline const T1: f32 = -0.33333274722099304;
// @ts-ignore: decorator
@inline const T2: f32 = 0.13331365585327148;
// @ts-ignore: decorator
@inline const T3: f32 = -0.0537358894944191;
// @ts-ignore: decorator
@inline const T4: f32 = 0.020630382001399994;
// @ts-ignore: decorator
@inline const T5: f32 = -0.005697599146515131;

/** exp of each lane. */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  // clamp: exp(-104) underflows to 0, exp(89) overflows. pmax(x, lo) = x < lo ? lo : x and
  // pmin(x, hi) = hi < x ? hi : x keep NaN (one instruction each, unlike min/max)
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-104.0)), f32x4.splat(89.0));
  // n = round(x / ln2) by the 1.5 * 2^23 trick: t's low mantissa bits hold n
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const fx = f32x4.sub(t, f32x4.splat(MAGIC));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(LN2_LO)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(E0), r), f32x4.splat(E1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E5));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
  // 2^n as 2^(n>>1) * 2^(n - (n>>1)): both factors stay normal for n in [-150, 128]
  const n = i32x4.sub(t, i32x4.splat(MAGIC_BITS));
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** Logistic function of each lane. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(x))));
}

/** tanh of each lane. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  // |tanh(x)| from |x|, then the sign of x (so tanh(-0) = -0 and the function is exactly odd)
  const ax = f32x4.abs(x);
  // small |x|: odd polynomial
  const u = f32x4.mul(x, x);
  let q = f32x4.add(f32x4.mul(f32x4.splat(T5), u), f32x4.splat(T4));
  q = f32x4.add(f32x4.mul(q, u), f32x4.splat(T3));
  q = f32x4.add(f32x4.mul(q, u), f32x4.splat(T2));
  q = f32x4.add(f32x4.mul(q, u), f32x4.splat(T1));
  const small = f32x4.add(ax, f32x4.mul(ax, f32x4.mul(u, q)));
  // large |x|: (1 - e) / (1 + e), e = exp(-2|x|)
  const e = exp4(f32x4.mul(ax, f32x4.splat(-2.0)));
  const large = f32x4.div(f32x4.sub(f32x4.splat(1.0), e), f32x4.add(f32x4.splat(1.0), e));
  const t = v128.bitselect(small, large, f32x4.lt(ax, f32x4.splat(TANH_SMALL)));
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

/** Scalar versions: the vector function on a splat, so tails and vector lanes agree exactly. */
// @ts-ignore: decorator
@inline export function expf1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline export function sigmoidf1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline export function tanhf1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}

/** Float64 logistic function, as the reference: no overflow for large |x|. */
// @ts-ignore: decorator
@inline export function sigmoid64(v: f64): f64 {
  if (v >= 0) return 1.0 / (1.0 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1.0 + e);
}
