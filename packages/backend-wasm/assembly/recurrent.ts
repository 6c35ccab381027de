// Fused LSTM (gate order i, f, g, o) and GRU (r, z, n; PyTorch's formula) step kernels, forward
// and backward, for B rows of H units. Float32 runs four units at a time with the vector
// sigmoid/tanh of vmath.ts; the last H % 4 units use the same functions on a splat, so every unit
// gets the same arithmetic. Float64 uses Math (full accuracy).

import { sigmoid4, sigmoid64, sigmoidf1, tanh4, tanhf1 } from './vmath';

// ---------------------------------------------------------------------------------------------
// LSTM
// ---------------------------------------------------------------------------------------------

/** gates (B,4H) pre-activations -> activated in place; c, h, tanhC (B,H) from cPrev (B,H). */
export function lstmForwardF32(B: i32, H: i32, gates: usize, cPrev: usize, c: usize, h: usize, tanhC: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const g0 = gates + <usize>b * 4 * Hb;
    const s0 = <usize>b * Hb;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = <usize>j << 2;
      const pi = g0 + o, pf = pi + Hb, pg = pf + Hb, po = pg + Hb;
      const i = sigmoid4(v128.load(pi));
      const f = sigmoid4(v128.load(pf));
      const g = tanh4(v128.load(pg));
      const og = sigmoid4(v128.load(po));
      v128.store(pi, i);
      v128.store(pf, f);
      v128.store(pg, g);
      v128.store(po, og);
      const cv = f32x4.add(f32x4.mul(f, v128.load(cPrev + s0 + o)), f32x4.mul(i, g));
      v128.store(c + s0 + o, cv);
      const tc = tanh4(cv);
      v128.store(tanhC + s0 + o, tc);
      v128.store(h + s0 + o, f32x4.mul(og, tc));
    }
    for (; j < H; j++) {
      const o = <usize>j << 2;
      const pi = g0 + o, pf = pi + Hb, pg = pf + Hb, po = pg + Hb;
      const i = sigmoidf1(load<f32>(pi));
      const f = sigmoidf1(load<f32>(pf));
      const g = tanhf1(load<f32>(pg));
      const og = sigmoidf1(load<f32>(po));
      store<f32>(pi, i);
      store<f32>(pf, f);
      store<f32>(pg, g);
      store<f32>(po, og);
      const cv = f * load<f32>(cPrev + s0 + o) + i * g;
      store<f32>(c + s0 + o, cv);
      const tc = tanhf1(cv);
      store<f32>(tanhC + s0 + o, tc);
      store<f32>(h + s0 + o, og * tc);
    }
  }
}

export function lstmForwardF64(B: i32, H: i32, gates: usize, cPrev: usize, c: usize, h: usize, tanhC: usize): void {
  const Hb = <usize>H << 3;
  for (let b = 0; b < B; b++) {
    const g0 = gates + <usize>b * 4 * Hb;
    const s0 = <usize>b * Hb;
    for (let j = 0; j < H; j++) {
      const o = <usize>j << 3;
      const pi = g0 + o, pf = pi + Hb, pg = pf + Hb, po = pg + Hb;
      const i = sigmoid64(load<f64>(pi));
      const f = sigmoid64(load<f64>(pf));
      const g = Math.tanh(load<f64>(pg));
      const og = sigmoid64(load<f64>(po));
      store<f64>(pi, i);
      store<f64>(pf, f);
      store<f64>(pg, g);
      store<f64>(po, og);
      const cv = f * load<f64>(cPrev + s0 + o) + i * g;
      store<f64>(c + s0 + o, cv);
      const tc = Math.tanh(cv);
      store<f64>(tanhC + s0 + o, tc);
      store<f64>(h + s0 + o, og * tc);
    }
  }
}

/**
 * Reads activated gates (B,4H), cPrev, tanhC, dh (B,H); dc (B,H) flows into c_t and is updated
 * in place to flow into c_{t-1}; writes dGates (B,4H).
 */
export function lstmBackward<T>(B: i32, H: i32, gates: usize, cPrev: usize, tanhC: usize, dh: usize, dc: usize, dGates: usize): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const Hb = <usize>H * S;
  const one = v128.splat<T>(<T>1);
  for (let b = 0; b < B; b++) {
    const g0 = gates + <usize>b * 4 * Hb;
    const d0 = dGates + <usize>b * 4 * Hb;
    const s0 = <usize>b * Hb;
    let j = 0;
    for (; j + L <= H; j += L) {
      const o = <usize>j * S;
      const pi = g0 + o;
      const i = v128.load(pi), f = v128.load(pi + Hb), g = v128.load(pi + 2 * Hb), og = v128.load(pi + 3 * Hb);
      const tc = v128.load(tanhC + s0 + o);
      const dhv = v128.load(dh + s0 + o);
      const dcv = v128.add<T>(v128.load(dc + s0 + o), v128.mul<T>(v128.mul<T>(dhv, og), v128.sub<T>(one, v128.mul<T>(tc, tc))));
      const pd = d0 + o;
      v128.store(pd, v128.mul<T>(v128.mul<T>(v128.mul<T>(dcv, g), i), v128.sub<T>(one, i)));
      v128.store(pd + Hb, v128.mul<T>(v128.mul<T>(v128.mul<T>(dcv, v128.load(cPrev + s0 + o)), f), v128.sub<T>(one, f)));
      v128.store(pd + 2 * Hb, v128.mul<T>(v128.mul<T>(dcv, i), v128.sub<T>(one, v128.mul<T>(g, g))));
      v128.store(pd + 3 * Hb, v128.mul<T>(v128.mul<T>(v128.mul<T>(dhv, tc), og), v128.sub<T>(one, og)));
      v128.store(dc + s0 + o, v128.mul<T>(dcv, f));
    }
    for (; j < H; j++) {
      const o = <usize>j * S;
      const pi = g0 + o;
      const i = load<T>(pi), f = load<T>(pi + Hb), g = load<T>(pi + 2 * Hb), og = load<T>(pi + 3 * Hb);
      const tc = load<T>(tanhC + s0 + o);
      const dhv = load<T>(dh + s0 + o);
      const dcv = load<T>(dc + s0 + o) + dhv * og * (<T>1 - tc * tc);
      const pd = d0 + o;
      store<T>(pd, dcv * g * i * (<T>1 - i));
      store<T>(pd + Hb, dcv * load<T>(cPrev + s0 + o) * f * (<T>1 - f));
      store<T>(pd + 2 * Hb, dcv * i * (<T>1 - g * g));
      store<T>(pd + 3 * Hb, dhv * tc * og * (<T>1 - og));
      store<T>(dc + s0 + o, dcv * f);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// GRU
// ---------------------------------------------------------------------------------------------

/** r,z,n written into gi (B,3H); h = (1 - z) n + z hPrev; gh (B,3H) is only read. */
export function gruForwardF32(B: i32, H: i32, gi: usize, gh: usize, hPrev: usize, h: usize): void {
  const Hb = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const g0 = <usize>b * 3 * Hb;
    const s0 = <usize>b * Hb;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = <usize>j << 2;
      const pr = gi + g0 + o, qr = gh + g0 + o;
      const r = sigmoid4(f32x4.add(v128.load(pr), v128.load(qr)));
      const z = sigmoid4(f32x4.add(v128.load(pr + Hb), v128.load(qr + Hb)));
      const n = tanh4(f32x4.add(v128.load(pr + 2 * Hb), f32x4.mul(r, v128.load(qr + 2 * Hb))));
      v128.store(pr, r);
      v128.store(pr + Hb, z);
      v128.store(pr + 2 * Hb, n);
      v128.store(h + s0 + o, f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, v128.load(hPrev + s0 + o))));
    }
    for (; j < H; j++) {
      const o = <usize>j << 2;
      const pr = gi + g0 + o, qr = gh + g0 + o;
      const r = sigmoidf1(load<f32>(pr) + load<f32>(qr));
      const z = sigmoidf1(load<f32>(pr + Hb) + load<f32>(qr + Hb));
      const n = tanhf1(load<f32>(pr + 2 * Hb) + r * load<f32>(qr + 2 * Hb));
      store<f32>(pr, r);
      store<f32>(pr + Hb, z);
      store<f32>(pr + 2 * Hb, n);
      store<f32>(h + s0 + o, (1 - z) * n + z * load<f32>(hPrev + s0 + o));
    }
  }
}

export function gruForwardF64(B: i32, H: i32, gi: usize, gh: usize, hPrev: usize, h: usize): void {
  const Hb = <usize>H << 3;
  for (let b = 0; b < B; b++) {
    const g0 = <usize>b * 3 * Hb;
    const s0 = <usize>b * Hb;
    for (let j = 0; j < H; j++) {
      const o = <usize>j << 3;
      const pr = gi + g0 + o, qr = gh + g0 + o;
      const r = sigmoid64(load<f64>(pr) + load<f64>(qr));
      const z = sigmoid64(load<f64>(pr + Hb) + load<f64>(qr + Hb));
      const n = Math.tanh(load<f64>(pr + 2 * Hb) + r * load<f64>(qr + 2 * Hb));
      store<f64>(pr, r);
      store<f64>(pr + Hb, z);
      store<f64>(pr + 2 * Hb, n);
      store<f64>(h + s0 + o, (1 - z) * n + z * load<f64>(hPrev + s0 + o));
    }
  }
}

/**
 * Reads activated gi (B,3H), gh (B,3H), hPrev, dh (B,H); writes dGi, dGh (B,3H) and adds the
 * direct path dh * z into dhPrev (B,H).
 */
export function gruBackward<T>(B: i32, H: i32, gi: usize, gh: usize, hPrev: usize, dh: usize, dGi: usize, dGh: usize, dhPrev: usize): void {
  const S = <usize>sizeof<T>();
  const L = 16 / sizeof<T>();
  const Hb = <usize>H * S;
  const one = v128.splat<T>(<T>1);
  for (let b = 0; b < B; b++) {
    const g0 = <usize>b * 3 * Hb;
    const s0 = <usize>b * Hb;
    let j = 0;
    for (; j + L <= H; j += L) {
      const o = <usize>j * S;
      const p = g0 + o;
      const r = v128.load(gi + p), z = v128.load(gi + p + Hb), n = v128.load(gi + p + 2 * Hb);
      const dhv = v128.load(dh + s0 + o);
      const dnPre = v128.mul<T>(v128.mul<T>(dhv, v128.sub<T>(one, z)), v128.sub<T>(one, v128.mul<T>(n, n)));
      const dzPre = v128.mul<T>(v128.mul<T>(v128.mul<T>(dhv, v128.sub<T>(v128.load(hPrev + s0 + o), n)), z), v128.sub<T>(one, z));
      const drPre = v128.mul<T>(v128.mul<T>(v128.mul<T>(dnPre, v128.load(gh + p + 2 * Hb)), r), v128.sub<T>(one, r));
      v128.store(dGi + p, drPre);
      v128.store(dGi + p + Hb, dzPre);
      v128.store(dGi + p + 2 * Hb, dnPre);
      v128.store(dGh + p, drPre);
      v128.store(dGh + p + Hb, dzPre);
      v128.store(dGh + p + 2 * Hb, v128.mul<T>(dnPre, r));
      const q = dhPrev + s0 + o;
      v128.store(q, v128.add<T>(v128.load(q), v128.mul<T>(dhv, z)));
    }
    for (; j < H; j++) {
      const o = <usize>j * S;
      const p = g0 + o;
      const r = load<T>(gi + p), z = load<T>(gi + p + Hb), n = load<T>(gi + p + 2 * Hb);
      const dhv = load<T>(dh + s0 + o);
      const dnPre = dhv * (<T>1 - z) * (<T>1 - n * n);
      const dzPre = dhv * (load<T>(hPrev + s0 + o) - n) * z * (<T>1 - z);
      const drPre = dnPre * load<T>(gh + p + 2 * Hb) * r * (<T>1 - r);
      store<T>(dGi + p, drPre);
      store<T>(dGi + p + Hb, dzPre);
      store<T>(dGi + p + 2 * Hb, dnPre);
      store<T>(dGh + p, drPre);
      store<T>(dGh + p + Hb, dzPre);
      store<T>(dGh + p + 2 * Hb, dnPre * r);
      const q = dhPrev + s0 + o;
      store<T>(q, load<T>(q) + dhv * z);
    }
  }
}
