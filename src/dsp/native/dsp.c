/*
 * The spectral core's SIMD kernels: windowing, real FFT, |X|^2 and the sparse mel product for several
 * frames at once, one frame per SIMD lane (4 frames in f32x4, 2 in f64x2). Every frame goes through the
 * same butterflies with the same twiddles, so lane-parallel code needs no shuffle inside the FFT, and the
 * mel output of the frames t .. t+LANES-1 of one band is one contiguous vector store into the row-major
 * [nMels, frames] result.
 *
 * Built by scripts/build-wasm.ts (npm run build:wasm) into dsp.wasm; driven by src/dsp/native.ts, which
 * lays every table out in the module's memory (twiddles, bit reversal, window, filterbank) and passes byte
 * addresses. No static data and no stack: every array lives in memory the caller owns.
 *
 * The generic part below is compiled twice, for float (f32_*) and double (f64_*), by including this file
 * into itself with the element type's macros set: one text for both precisions.
 *
 * Buffer layout ("lanes"): complex element i of the FFT buffer is two vectors, its real parts then its
 * imaginary parts across the frames: z[2i], z[2i+1]. The power buffer holds bin k as one vector p[k].
 */
#include <wasm_simd128.h>

#ifndef DSP_BODY
#define DSP_BODY

typedef v128_t V;

#define T float
#define NAME(x) f32_##x
#define SPLAT(p) wasm_v128_load32_splat(p)
#define VADD wasm_f32x4_add
#define VSUB wasm_f32x4_sub
#define VMUL wasm_f32x4_mul
#define VSQRT wasm_f32x4_sqrt
#define VQUARTER wasm_f32x4_splat(0.25f)
#include __FILE__
#undef T
#undef NAME
#undef SPLAT
#undef VADD
#undef VSUB
#undef VMUL
#undef VSQRT
#undef VQUARTER

#define T double
#define NAME(x) f64_##x
#define SPLAT(p) wasm_v128_load64_splat(p)
#define VADD wasm_f64x2_add
#define VSUB wasm_f64x2_sub
#define VMUL wasm_f64x2_mul
#define VSQRT wasm_f64x2_sqrt
#define VQUARTER wasm_f64x2_splat(0.25)
#include __FILE__

/*
 * Window 4 frames of n samples (n a multiple of 4) into z in bit-reversed order of complex index: sample
 * 2i is the real and 2i+1 the imaginary part of element i (the half-length complex FFT of a real signal).
 * Four samples of each frame are loaded, windowed and transposed 4x4, so each store is one vector.
 */
static void f32_gather(const float *const *frames, const float *win, const int *rev, V *z, int n) {
  const float *x0 = frames[0], *x1 = frames[1], *x2 = frames[2], *x3 = frames[3];
  for (int s = 0; s < n; s += 4) {
    V w = wasm_v128_load(win + s);
    V a0 = wasm_f32x4_mul(wasm_v128_load(x0 + s), w);
    V a1 = wasm_f32x4_mul(wasm_v128_load(x1 + s), w);
    V a2 = wasm_f32x4_mul(wasm_v128_load(x2 + s), w);
    V a3 = wasm_f32x4_mul(wasm_v128_load(x3 + s), w);
    V t0 = wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5);
    V t1 = wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5);
    V t2 = wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7);
    V t3 = wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7);
    V *e0 = z + 2 * rev[s >> 1];
    V *e1 = z + 2 * rev[(s >> 1) + 1];
    e0[0] = wasm_i64x2_shuffle(t0, t1, 0, 2);
    e0[1] = wasm_i64x2_shuffle(t0, t1, 1, 3);
    e1[0] = wasm_i64x2_shuffle(t2, t3, 0, 2);
    e1[1] = wasm_i64x2_shuffle(t2, t3, 1, 3);
  }
}

/* As f32_gather for 2 frames of doubles: two samples per frame per step, transposed 2x2. */
static void f64_gather(const double *const *frames, const double *win, const int *rev, V *z, int n) {
  const double *x0 = frames[0], *x1 = frames[1];
  for (int s = 0; s < n; s += 2) {
    V w = wasm_v128_load(win + s);
    V a0 = wasm_f64x2_mul(wasm_v128_load(x0 + s), w);
    V a1 = wasm_f64x2_mul(wasm_v128_load(x1 + s), w);
    V *e = z + 2 * rev[s >> 1];
    e[0] = wasm_i64x2_shuffle(a0, a1, 0, 2);
    e[1] = wasm_i64x2_shuffle(a0, a1, 1, 3);
  }
}

/*
 * The mel power of `groups` groups of frames (4 frames per group in f32, 2 in f64): frames[g * lanes + f]
 * is the address of frame f of group g (nFft = 2m samples, unwindowed); mel band b of group g is stored
 * at out + (b * outStride + g * lanes) elements. power1 != 0 takes |X| instead of |X|^2. With nMels = 0
 * only the power spectrum is computed, into p (the FFT benchmark).
 */
#define MEL_FRAMES(P, LANES)                                                                                   \
  __attribute__((export_name(#P "_mel_frames"))) void P##_mel_frames(const T *const *frames, int groups, const T *win, const int *rev, V *z, const T *tw,     \
                      const T *rtw, int m, V *p, int power1, const int *start, const int *length,             \
                      const T *weights, int nMels, T *out, int outStride) {                                   \
    for (int g = 0; g < groups; g++) {                                                                         \
      P##_gather(frames + g * LANES, win, rev, z, 2 * m);                                                      \
      P##_fft(z, m, tw);                                                                                       \
      P##_power(z, rtw, p, m, power1);                                                                         \
      P##_mel(p, start, length, weights, nMels, out + g * LANES, outStride);                                   \
    }                                                                                                          \
  }
#undef T
#define T float
MEL_FRAMES(f32, 4)
#undef T
#define T double
MEL_FRAMES(f64, 2)

#else /* the generic part, once per element type */

/*
 * In-place complex FFT of m points (a power of two >= 4) on bit-reversed input: radix-2 decimation in
 * time, two stages merged per pass (a radix-4 butterfly with twiddles W^2, W, W^3 on inputs 1, 2, 3 where
 * W = exp(-2 pi i j / 4h)), after one plain radix-2 pass when log2 m is odd. tw holds, pass after pass,
 * for j = 0 .. h-1: Re W, Im W, Re W^2, Im W^2, Re W^3, Im W^3.
 */
static void NAME(fft)(V *z, int m, const T *tw) {
  int h;
  if ((__builtin_ctz(m) & 1) != 0) {
    for (int k = 0; k < m; k += 2) {
      V *a = z + 2 * k;
      V r0 = a[0], i0 = a[1], r1 = a[2], i1 = a[3];
      a[0] = VADD(r0, r1);
      a[1] = VADD(i0, i1);
      a[2] = VSUB(r0, r1);
      a[3] = VSUB(i0, i1);
    }
    h = 2;
  } else {
    // the first merged pass has h = 1: every twiddle is 1
    for (int k = 0; k < m; k += 4) {
      V *a = z + 2 * k;
      V a0r = a[0], a0i = a[1], a1r = a[2], a1i = a[3], a2r = a[4], a2i = a[5], a3r = a[6], a3i = a[7];
      V A0r = VADD(a0r, a1r), A0i = VADD(a0i, a1i), A1r = VSUB(a0r, a1r), A1i = VSUB(a0i, a1i);
      V A2r = VADD(a2r, a3r), A2i = VADD(a2i, a3i), A3r = VSUB(a2r, a3r), A3i = VSUB(a2i, a3i);
      a[0] = VADD(A0r, A2r);
      a[1] = VADD(A0i, A2i);
      a[4] = VSUB(A0r, A2r);
      a[5] = VSUB(A0i, A2i);
      a[2] = VADD(A1r, A3i);
      a[3] = VSUB(A1i, A3r);
      a[6] = VSUB(A1r, A3i);
      a[7] = VADD(A1i, A3r);
    }
    h = 4;
  }
  for (; h < m; h *= 4) {
    for (int k = 0; k < m; k += 4 * h) {
      const T *w = tw;
      V *a = z + 2 * k;
      V *b = a + 2 * h;
      V *c = b + 2 * h;
      V *d = c + 2 * h;
      for (int j = 0; j < h; j++, w += 6) {
        V w1r = SPLAT(w), w1i = SPLAT(w + 1), w2r = SPLAT(w + 2), w2i = SPLAT(w + 3), w3r = SPLAT(w + 4), w3i = SPLAT(w + 5);
        V a0r = a[2 * j], a0i = a[2 * j + 1];
        V br = b[2 * j], bi = b[2 * j + 1];
        V cr = c[2 * j], ci = c[2 * j + 1];
        V dr = d[2 * j], di = d[2 * j + 1];
        V a1r = VSUB(VMUL(br, w2r), VMUL(bi, w2i)), a1i = VADD(VMUL(br, w2i), VMUL(bi, w2r));
        V a2r = VSUB(VMUL(cr, w1r), VMUL(ci, w1i)), a2i = VADD(VMUL(cr, w1i), VMUL(ci, w1r));
        V a3r = VSUB(VMUL(dr, w3r), VMUL(di, w3i)), a3i = VADD(VMUL(dr, w3i), VMUL(di, w3r));
        V A0r = VADD(a0r, a1r), A0i = VADD(a0i, a1i), A1r = VSUB(a0r, a1r), A1i = VSUB(a0i, a1i);
        V A2r = VADD(a2r, a3r), A2i = VADD(a2i, a3i), A3r = VSUB(a2r, a3r), A3i = VSUB(a2i, a3i);
        a[2 * j] = VADD(A0r, A2r);
        a[2 * j + 1] = VADD(A0i, A2i);
        c[2 * j] = VSUB(A0r, A2r);
        c[2 * j + 1] = VSUB(A0i, A2i);
        b[2 * j] = VADD(A1r, A3i);
        b[2 * j + 1] = VSUB(A1i, A3r);
        d[2 * j] = VSUB(A1r, A3i);
        d[2 * j + 1] = VADD(A1i, A3r);
      }
    }
    tw += 6 * h;
  }
}

/*
 * |X[k]|^2 (or |X[k]| when power1) for k = 0 .. m of the real signal whose half-length transform is z:
 * with E = Z[k] + conj Z[m-k], O = -i (Z[k] - conj Z[m-k]) and w = exp(-2 pi i k / 2m),
 * X[k] = (E + w O) / 2 and X[m-k] = conj(E - w O) / 2. rtw holds cos, sin of 2 pi k / 2m for k = 0 .. m/2.
 */
static void NAME(power)(const V *z, const T *rtw, V *p, int m, int power1) {
  V q = VQUARTER;
  V r0 = z[0], i0 = z[1];
  V lo = VADD(r0, i0), hi = VSUB(r0, i0);
  p[0] = VMUL(lo, lo);
  p[m] = VMUL(hi, hi);
  for (int k = 1; k <= m / 2; k++) {
    V zr = z[2 * k], zi = z[2 * k + 1];
    V yr = z[2 * (m - k)], yi = z[2 * (m - k) + 1];
    V er = VADD(zr, yr), ei = VSUB(zi, yi);
    V or = VADD(zi, yi), oi = VSUB(yr, zr);
    V c = SPLAT(rtw + 2 * k), s = SPLAT(rtw + 2 * k + 1);
    // w O with w = c - i s
    V wr = VADD(VMUL(c, or), VMUL(s, oi)), wi = VSUB(VMUL(c, oi), VMUL(s, or));
    V xr = VADD(er, wr), xi = VADD(ei, wi);
    V yr2 = VSUB(er, wr), yi2 = VSUB(ei, wi);
    p[k] = VMUL(VADD(VMUL(xr, xr), VMUL(xi, xi)), q);
    p[m - k] = VMUL(VADD(VMUL(yr2, yr2), VMUL(yi2, yi2)), q);
  }
  if (power1) {
    for (int k = 0; k <= m; k++) p[k] = VSQRT(p[k]);
  }
}

/* out[b * stride] (one vector: the frames' values of band b) = sum_j weights[offset_b + j] * p[start_b + j]. */
static void NAME(mel)(const V *p, const int *start, const int *length, const T *weights, int nMels, T *out, int stride) {
  const T *w = weights;
  for (int b = 0; b < nMels; b++) {
    const V *s = p + start[b];
    int n = length[b];
    V acc = wasm_i64x2_const_splat(0);
    for (int j = 0; j < n; j++) acc = VADD(acc, VMUL(SPLAT(w + j), s[j]));
    wasm_v128_store(out + b * stride, acc);
    w += n;
  }
}

#endif
