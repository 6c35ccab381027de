import type { GemmArgs } from '../../backend-contract.js';

// Cache blocking: a KC x NC panel of op(B) and an MC x KC block of op(A) are packed into
// contiguous float64 buffers, 4-wide strips each, so the 4x4 register tile reads both
// sequentially. Transposes cost nothing extra: they only change how packing reads.
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 512;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(NC * KC);

/** Reference-backend gemm: C = alpha * op(A) op(B) + beta * C, row-major, cache-blocked. */
export function gemmJs(g: GemmArgs): void {
  const { m, n, k, c, cOffset, ldc, beta } = g;
  scaleC(c, cOffset, ldc, m, n, beta);
  if (m === 0 || n === 0 || k === 0 || g.alpha === 0) return;
  if (m <= 2) {
    // a row or two (step-by-step sampling): packing would cost more than the product
    smallM(g);
    return;
  }
  if (packA.length < MC * KC) packA = new Float64Array(MC * KC);
  if (packB.length < NC * KC) packB = new Float64Array(NC * KC);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelB(g, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packBlockA(g, ic, mc, pc, kc);
        macroKernel(mc, nc, kc, g.alpha, c, cOffset + ic * ldc + jc, ldc);
      }
    }
  }
}

function smallM(g: GemmArgs): void {
  const { m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, transA, transB } = g;
  for (let i = 0; i < m; i++) {
    const ci = cOffset + i * ldc;
    if (transB) {
      for (let j = 0; j < n; j++) {
        const bj = bOffset + j * ldb;
        let s = 0;
        if (transA) for (let p = 0; p < k; p++) s += a[aOffset + p * lda + i]! * b[bj + p]!;
        else {
          const ai = aOffset + i * lda;
          for (let p = 0; p < k; p++) s += a[ai + p]! * b[bj + p]!;
        }
        c[ci + j] = c[ci + j]! + alpha * s;
      }
    } else {
      for (let p = 0; p < k; p++) {
        const av = alpha * (transA ? a[aOffset + p * lda + i]! : a[aOffset + i * lda + p]!);
        if (av === 0) continue;
        const bp = bOffset + p * ldb;
        for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + av * b[bp + j]!;
      }
    }
  }
}

function scaleC(c: GemmArgs['c'], off: number, ldc: number, m: number, n: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const row = off + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else for (let j = 0; j < n; j++) c[row + j] = beta * c[row + j]!;
  }
}

// packB layout: for each strip of NR columns, kc rows of NR values (zero-padded).
function packPanelB(g: GemmArgs, pc: number, kc: number, jc: number, nc: number): void {
  const { b, bOffset, ldb, transB } = g;
  const pb = packB;
  let dst = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    for (let p = 0; p < kc; p++) {
      for (let jj = 0; jj < NR; jj++) {
        if (jj < w) {
          const row = pc + p;
          const col = jc + j0 + jj;
          pb[dst++] = transB ? b[bOffset + col * ldb + row]! : b[bOffset + row * ldb + col]!;
        } else pb[dst++] = 0;
      }
    }
  }
}

// packA layout: for each strip of MR rows, kc columns of MR values (zero-padded).
function packBlockA(g: GemmArgs, ic: number, mc: number, pc: number, kc: number): void {
  const { a, aOffset, lda, transA } = g;
  const pa = packA;
  let dst = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = Math.min(MR, mc - i0);
    for (let p = 0; p < kc; p++) {
      for (let ii = 0; ii < MR; ii++) {
        if (ii < h) {
          const row = ic + i0 + ii;
          const col = pc + p;
          pa[dst++] = transA ? a[aOffset + col * lda + row]! : a[aOffset + row * lda + col]!;
        } else pa[dst++] = 0;
      }
    }
  }
}

function macroKernel(mc: number, nc: number, kc: number, alpha: number, c: GemmArgs['c'], cOff: number, ldc: number): void {
  const pa = packA;
  const pb = packB;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const bBase = (j0 / NR) * kc * NR;
    const w = Math.min(NR, nc - j0);
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const aBase = (i0 / MR) * kc * MR;
      const h = Math.min(MR, mc - i0);
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let ai = aBase;
      let bi = bBase;
      for (let p = 0; p < kc; p++) {
        const a0 = pa[ai]!, a1 = pa[ai + 1]!, a2 = pa[ai + 2]!, a3 = pa[ai + 3]!;
        const b0 = pb[bi]!, b1 = pb[bi + 1]!, b2 = pb[bi + 2]!, b3 = pb[bi + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        ai += 4;
        bi += 4;
      }
      const r0 = cOff + i0 * ldc + j0;
      if (h === MR && w === NR) {
        const r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        c[r0] = c[r0]! + alpha * c00; c[r0 + 1] = c[r0 + 1]! + alpha * c01; c[r0 + 2] = c[r0 + 2]! + alpha * c02; c[r0 + 3] = c[r0 + 3]! + alpha * c03;
        c[r1] = c[r1]! + alpha * c10; c[r1 + 1] = c[r1 + 1]! + alpha * c11; c[r1 + 2] = c[r1 + 2]! + alpha * c12; c[r1 + 3] = c[r1 + 3]! + alpha * c13;
        c[r2] = c[r2]! + alpha * c20; c[r2 + 1] = c[r2 + 1]! + alpha * c21; c[r2 + 2] = c[r2 + 2]! + alpha * c22; c[r2 + 3] = c[r2 + 3]! + alpha * c23;
        c[r3] = c[r3]! + alpha * c30; c[r3 + 1] = c[r3 + 1]! + alpha * c31; c[r3 + 2] = c[r3 + 2]! + alpha * c32; c[r3 + 3] = c[r3 + 3]! + alpha * c33;
      } else {
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let ii = 0; ii < h; ii++) {
          for (let jj = 0; jj < w; jj++) c[r0 + ii * ldc + jj] = c[r0 + ii * ldc + jj]! + alpha * tile[ii * 4 + jj]!;
        }
      }
    }
  }
}
