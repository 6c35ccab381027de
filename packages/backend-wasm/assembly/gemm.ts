// C = alpha * op(A) op(B) + beta * C, row-major, generic over T = f32 | f64.
//
// BLIS-style blocking: a KC x NC panel of op(B) is packed into strips of NR columns, an MC x KC
// block of op(A) (times alpha) into strips of MR rows, and a 4 x NR register tile (8 v128
// accumulators: NR = 8 floats or 4 doubles) runs over KC. A B strip (KC * NR) stays in L1 while
// the A block streams from L2. Transposes only change how packing reads. When op(B) is B itself
// and m is small, B is read in place (no panel packing): the LSTM backward step's dh W_hh.
// Products with m <= 2 (sampling one step) skip packing altogether.

// @ts-ignore: decorator
@inline const MR: i32 = 4;
// @ts-ignore: decorator
@inline const KC: i32 = 256;
// @ts-ignore: decorator
@inline const MC: i32 = 128;
/** Columns of a packed B panel: KC * NC * sizeof<T> = 1 MiB. */
// @ts-ignore: decorator
@inline function ncOf<T>(): i32 { return sizeof<T>() == 4 ? 1024 : 512; }
/** Columns of the register tile: two v128 of T. */
// @ts-ignore: decorator
@inline function nrOf<T>(): i32 { return <i32>(32 / sizeof<T>()); }
/** m up to which B is read in place when not transposed. */
// @ts-ignore: decorator
@inline const DIRECT_B_MAX_M: i32 = 64;

/** Bytes of workspace `gemm` needs (packed A block, packed B panel, an edge tile). */
export function gemmWorkBytes<T>(): usize {
  return <usize>(MC * KC + KC * ncOf<T>() + MR * nrOf<T>()) * sizeof<T>();
}

@inline function imin(a: i32, b: i32): i32 { return a < b ? a : b; }

/**
 * The register tile: c (MR x NR at stride ldcB bytes) += pa (packed MR-strip, kc steps) *
 * pb (kc rows of NR values, bStepB bytes apart: NR * sizeof<T> when packed, ldb when in place).
 */
function kernel<T>(kc: i32, pa: usize, pb: usize, bStepB: usize, c: usize, ldcB: usize): void {
  const S = sizeof<T>();
  let c00 = v128.splat<T>(<T>0), c01 = v128.splat<T>(<T>0);
  let c10 = v128.splat<T>(<T>0), c11 = v128.splat<T>(<T>0);
  let c20 = v128.splat<T>(<T>0), c21 = v128.splat<T>(<T>0);
  let c30 = v128.splat<T>(<T>0), c31 = v128.splat<T>(<T>0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = v128.add<T>(c00, v128.mul<T>(a, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(pa + S);
    c10 = v128.add<T>(c10, v128.mul<T>(a, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(pa + 2 * S);
    c20 = v128.add<T>(c20, v128.mul<T>(a, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(pa + 3 * S);
    c30 = v128.add<T>(c30, v128.mul<T>(a, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(a, b1));
    pa += 4 * S;
    pb += bStepB;
  }
  v128.store(c, v128.add<T>(v128.load(c), c00));
  v128.store(c, v128.add<T>(v128.load(c, 16), c01), 16);
  c += ldcB;
  v128.store(c, v128.add<T>(v128.load(c), c10));
  v128.store(c, v128.add<T>(v128.load(c, 16), c11), 16);
  c += ldcB;
  v128.store(c, v128.add<T>(v128.load(c), c20));
  v128.store(c, v128.add<T>(v128.load(c, 16), c21), 16);
  c += ldcB;
  v128.store(c, v128.add<T>(v128.load(c), c30));
  v128.store(c, v128.add<T>(v128.load(c, 16), c31), 16);
}

/** 4x4 transpose of f32 lanes: rows r0..r3 in, columns out through the four stores. */
// @ts-ignore: decorator
@inline function transpose4x4Store(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, strideB: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + strideB, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * strideB, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * strideB, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** Packs rows ic..ic+mc, columns pc..pc+kc of op(A), times alpha, into MR-row strips. */
function packA<T>(transA: bool, a: usize, lda: i32, ic: i32, mc: i32, pc: i32, kc: i32, alpha: T, dst: usize): void {
  const S = <usize>sizeof<T>();
  const va = v128.splat<T>(alpha);
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = imin(MR, mc - i0);
    if (!transA) {
      // row r of the strip is A[ic + i0 + r][pc ...], contiguous along p
      const row0 = a + (<usize>(ic + i0) * <usize>lda + <usize>pc) * S;
      let p = 0;
      if (sizeof<T>() == 4 && h == MR) {
        const ldaB = <usize>lda * S;
        for (; p + 4 <= kc; p += 4) {
          const src = row0 + <usize>p * S;
          transpose4x4Store(
            f32x4.mul(v128.load(src), va), f32x4.mul(v128.load(src + ldaB), va),
            f32x4.mul(v128.load(src + 2 * ldaB), va), f32x4.mul(v128.load(src + 3 * ldaB), va),
            dst + <usize>(p * MR) * S, <usize>MR * S,
          );
        }
      }
      for (; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          const v: T = r < h ? alpha * load<T>(row0 + (<usize>r * <usize>lda + <usize>p) * S) : <T>0;
          store<T>(dst + <usize>(p * MR + r) * S, v);
        }
      }
    } else {
      // op(A)[i][p] = A[p][i]: the MR values of one p are contiguous
      const col0 = a + (<usize>pc * <usize>lda + <usize>(ic + i0)) * S;
      if (h == MR) {
        for (let p = 0; p < kc; p++) {
          const src = col0 + <usize>p * <usize>lda * S;
          const d = dst + <usize>(p * MR) * S;
          v128.store(d, v128.mul<T>(v128.load(src), va));
          if (sizeof<T>() == 8) v128.store(d, v128.mul<T>(v128.load(src, 16), va), 16);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const src = col0 + <usize>p * <usize>lda * S;
          for (let r = 0; r < MR; r++) {
            const v: T = r < h ? alpha * load<T>(src + <usize>r * S) : <T>0;
            store<T>(dst + <usize>(p * MR + r) * S, v);
          }
        }
      }
    }
    dst += <usize>(kc * MR) * S;
  }
}

/** Packs rows pc..pc+kc, columns jc..jc+nc of op(B) into NR-column strips (zero-padded). */
function packB<T>(transB: bool, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const S = <usize>sizeof<T>();
  const NR = nrOf<T>();
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = imin(NR, nc - j0);
    if (!transB) {
      const src0 = b + (<usize>pc * <usize>ldb + <usize>(jc + j0)) * S;
      if (w == NR) {
        for (let p = 0; p < kc; p++) {
          const src = src0 + <usize>p * <usize>ldb * S;
          const d = dst + <usize>(p * NR) * S;
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const src = src0 + <usize>p * <usize>ldb * S;
          for (let jj = 0; jj < NR; jj++) {
            store<T>(dst + <usize>(p * NR + jj) * S, jj < w ? load<T>(src + <usize>jj * S) : <T>0);
          }
        }
      }
    } else {
      // op(B)[p][j] = B[j][p]: row jc + j0 + jj of B, contiguous along p
      const row0 = b + (<usize>(jc + j0) * <usize>ldb + <usize>pc) * S;
      const ldbB = <usize>ldb * S;
      let p = 0;
      if (sizeof<T>() == 4 && w == NR) {
        for (; p + 4 <= kc; p += 4) {
          const src = row0 + <usize>p * S;
          const d = dst + <usize>(p * NR) * S;
          transpose4x4Store(v128.load(src), v128.load(src + ldbB), v128.load(src + 2 * ldbB), v128.load(src + 3 * ldbB), d, <usize>NR * S);
          const src4 = src + 4 * ldbB;
          transpose4x4Store(v128.load(src4), v128.load(src4 + ldbB), v128.load(src4 + 2 * ldbB), v128.load(src4 + 3 * ldbB), d + 16, <usize>NR * S);
        }
      }
      for (; p < kc; p++) {
        for (let jj = 0; jj < NR; jj++) {
          store<T>(dst + <usize>(p * NR + jj) * S, jj < w ? load<T>(row0 + <usize>jj * ldbB + <usize>p * S) : <T>0);
        }
      }
    }
    dst += <usize>(kc * NR) * S;
  }
}

/** C *= beta over the m x n window (beta = 0 writes zeros, ignoring NaN in C). */
function scaleC<T>(c: usize, ldc: i32, m: i32, n: i32, beta: T): void {
  if (beta == <T>1) return;
  const S = <usize>sizeof<T>();
  const vb = v128.splat<T>(beta);
  const L = 16 / sizeof<T>();
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * <usize>ldc * S;
    if (beta == <T>0) {
      memory.fill(row, 0, <usize>n * S);
      continue;
    }
    let j = 0;
    for (; j + L <= n; j += L) v128.store(row + <usize>j * S, v128.mul<T>(v128.load(row + <usize>j * S), vb));
    for (; j < n; j++) store<T>(row + <usize>j * S, beta * load<T>(row + <usize>j * S));
  }
}

/** The product for m <= 2: no packing; axpy over rows of B, or dot products with rows of B. */
function smallM<T>(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: T, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, work: usize): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  for (let i = 0; i < m; i++) {
    const crow = c + <usize>i * <usize>ldc * S;
    // op(A) row i, times alpha, gathered contiguously into work
    for (let p = 0; p < k; p++) {
      const v = transA ? load<T>(a + (<usize>p * <usize>lda + <usize>i) * S) : load<T>(a + (<usize>i * <usize>lda + <usize>p) * S);
      store<T>(work + <usize>p * S, alpha * v);
    }
    if (!transB) {
      for (let p = 0; p < k; p++) {
        const av = load<T>(work + <usize>p * S);
        if (av == <T>0) continue;
        const va = v128.splat<T>(av);
        const brow = b + <usize>p * <usize>ldb * S;
        let j = 0;
        for (; j + L <= n; j += L) {
          const o = <usize>j * S;
          v128.store(crow + o, v128.add<T>(v128.load(crow + o), v128.mul<T>(va, v128.load(brow + o))));
        }
        for (; j < n; j++) store<T>(crow + <usize>j * S, load<T>(crow + <usize>j * S) + av * load<T>(brow + <usize>j * S));
      }
    } else {
      for (let j = 0; j < n; j++) {
        const brow = b + <usize>j * <usize>ldb * S;
        let s0 = v128.splat<T>(<T>0), s1 = v128.splat<T>(<T>0);
        let p = 0;
        for (; p + 2 * L <= k; p += 2 * L) {
          const o = <usize>p * S;
          s0 = v128.add<T>(s0, v128.mul<T>(v128.load(work + o), v128.load(brow + o)));
          s1 = v128.add<T>(s1, v128.mul<T>(v128.load(work + o, 16), v128.load(brow + o, 16)));
        }
        s0 = v128.add<T>(s0, s1);
        let s: T;
        if (sizeof<T>() == 4) {
          s = <T>(f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3));
        } else {
          s = <T>(f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1));
        }
        for (; p < k; p++) s += load<T>(work + <usize>p * S) * load<T>(brow + <usize>p * S);
        store<T>(crow + <usize>j * S, load<T>(crow + <usize>j * S) + s);
      }
    }
  }
}

/**
 * C (m x n, row stride ldc) = alpha * op(A) op(B) + beta * C. All pointers are byte addresses
 * in linear memory; `work` has gemmWorkBytes<T>() bytes.
 */
export function gemm<T>(transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: T, a: usize, lda: i32, b: usize, ldb: i32, beta: T, c: usize, ldc: i32, work: usize): void {
  if (m <= 0 || n <= 0) return;
  scaleC<T>(c, ldc, m, n, beta);
  if (k <= 0 || alpha == <T>0) return;
  if (m <= 2) {
    smallM<T>(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, work);
    return;
  }
  const S = <usize>sizeof<T>();
  const NR = nrOf<T>();
  const NC = ncOf<T>();
  const pA = work;
  const pB = work + <usize>(MC * KC) * S;
  const tile = pB + <usize>(KC * NC) * S;
  const ldcB = <usize>ldc * S;
  const direct = !transB && m <= DIRECT_B_MAX_M;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = imin(NC, n - jc);
    // full NR strips read in place when `direct`; the ragged last strip is always packed
    const ncFull = direct ? nc - nc % NR : 0;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = imin(KC, k - pc);
      if (ncFull < nc) packB<T>(transB, b, ldb, pc, kc, jc + ncFull, nc - ncFull, pB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = imin(MC, m - ic);
        packA<T>(transA, a, lda, ic, mc, pc, kc, alpha, pA);
        for (let jr = 0; jr < nc; jr += NR) {
          const w = imin(NR, nc - jr);
          let bp: usize;
          let bStep: usize;
          if (jr < ncFull) {
            bp = b + (<usize>pc * <usize>ldb + <usize>(jc + jr)) * S;
            bStep = <usize>ldb * S;
          } else {
            bp = pB + <usize>((jr - ncFull) * kc) * S;
            bStep = <usize>NR * S;
          }
          for (let ir = 0; ir < mc; ir += MR) {
            const h = imin(MR, mc - ir);
            const ap = pA + <usize>(ir * kc) * S;
            const cp = c + (<usize>(ic + ir) * <usize>ldc + <usize>(jc + jr)) * S;
            if (h == MR && w == NR) {
              kernel<T>(kc, ap, bp, bStep, cp, ldcB);
            } else {
              memory.fill(tile, 0, <usize>(MR * NR) * S);
              kernel<T>(kc, ap, bp, bStep, tile, <usize>NR * S);
              for (let r = 0; r < h; r++) {
                for (let jj = 0; jj < w; jj++) {
                  const cq = cp + (<usize>r * <usize>ldc + <usize>jj) * S;
                  store<T>(cq, load<T>(cq) + load<T>(tile + <usize>(r * NR + jj) * S));
                }
              }
            }
          }
        }
      }
    }
  }
}
