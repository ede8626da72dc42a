/*
 * The training hot loops of the wasm backend in 128-bit wasm SIMD (issue 10). Built by
 * `npm run build:wasm` (scripts/build-wasm.ts) into kernels.wasm beside this file, which is committed so
 * that installs need no C compiler.
 *
 * The module imports tfjs's own wasm memory and works on tensors in place: every pointer is a byte offset
 * into that memory. So it must own no memory of its own: no globals, no static data, no stack arrays (the
 * build fails if the module has a data or global section). Everything it needs beyond the tensors comes in
 * as pointers to scratch that the caller allocated with tfjs's malloc.
 *
 * Why C and not JavaScript: V8 does not vectorise, and these loops are memory-bound or multiply-add bound
 * over millions of values per step. In JavaScript they ran at 3-10 ns per value; here the memory-bound ones
 * run at the speed of memory and the filter gradient at about the rate of XNNPACK's forward convolutions.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

static inline int min_int(int a, int b) { return a < b ? a : b; }
static inline int max_int(int a, int b) { return a > b ? a : b; }

/* Rows per block of the per-channel sums: about 4096 values (16 KB) that stay in L1 while every channel
 * group sweeps them, and short enough that float32 partial sums lose nothing that matters before they are
 * added into the float64 totals. */
static inline int block_rows(int channels) { return max_int(16, 4096 / channels); }

static inline void flush4(double *s, v128_t acc) {
  s[0] += wasm_f32x4_extract_lane(acc, 0);
  s[1] += wasm_f32x4_extract_lane(acc, 1);
  s[2] += wasm_f32x4_extract_lane(acc, 2);
  s[3] += wasm_f32x4_extract_lane(acc, 3);
}

/*
 * Over `rows` rows of `channels` values (NHWC seen as [positions, channels]), per channel c:
 *   s0[c] += sum (a - ka[c]),  s1[c] += sum (a - ka[c]) * (b - kb[c]).
 * The shifts keep float32 partial sums accurate: batchnorm passes the first row (forward) or the batch mean
 * (backward), so the sums are of values near zero and the variance does not cancel catastrophically.
 */
EXPORT(channel_sums)
void channel_sums(const float *a, const float *ka, const float *b, const float *kb, int rows, int channels, double *s0, double *s1) {
  if (channels % 4 != 0) {
    for (int r = 0; r < rows; r++) {
      const float *pa = a + r * channels, *pb = b + r * channels;
      for (int c = 0; c < channels; c++) {
        float da = pa[c] - ka[c];
        s0[c] += da;
        s1[c] += (double)da * (pb[c] - kb[c]);
      }
    }
    return;
  }
  const int block = block_rows(channels);
  for (int r0 = 0; r0 < rows; r0 += block) {
    const int r1 = min_int(rows, r0 + block);
    for (int c = 0; c < channels; c += 4) {
      const v128_t sa = wasm_v128_load(ka + c), sb = wasm_v128_load(kb + c);
      // Two rows per iteration into separate accumulators: the adds of one row do not wait on the other's.
      v128_t p0 = wasm_f32x4_splat(0), p1 = p0, q0 = p0, q1 = p0;
      const float *pa = a + r0 * channels + c, *pb = b + r0 * channels + c;
      int r = r0;
      for (; r + 2 <= r1; r += 2, pa += 2 * channels, pb += 2 * channels) {
        const v128_t da0 = wasm_f32x4_sub(wasm_v128_load(pa), sa);
        const v128_t da1 = wasm_f32x4_sub(wasm_v128_load(pa + channels), sa);
        p0 = wasm_f32x4_add(p0, da0);
        p1 = wasm_f32x4_add(p1, da1);
        q0 = wasm_f32x4_add(q0, wasm_f32x4_mul(da0, wasm_f32x4_sub(wasm_v128_load(pb), sb)));
        q1 = wasm_f32x4_add(q1, wasm_f32x4_mul(da1, wasm_f32x4_sub(wasm_v128_load(pb + channels), sb)));
      }
      if (r < r1) {
        const v128_t da = wasm_f32x4_sub(wasm_v128_load(pa), sa);
        p0 = wasm_f32x4_add(p0, da);
        q0 = wasm_f32x4_add(q0, wasm_f32x4_mul(da, wasm_f32x4_sub(wasm_v128_load(pb), sb)));
      }
      flush4(s0 + c, wasm_f32x4_add(p0, p1));
      flush4(s1 + c, wasm_f32x4_add(q0, q1));
    }
  }
}

/* s[c] += sum a over the rows (a reduction over every axis but the last). */
EXPORT(channel_sum)
void channel_sum(const float *a, int rows, int channels, double *s) {
  if (channels % 4 != 0) {
    for (int r = 0; r < rows; r++)
      for (int c = 0; c < channels; c++) s[c] += a[r * channels + c];
    return;
  }
  const int block = block_rows(channels);
  for (int r0 = 0; r0 < rows; r0 += block) {
    const int r1 = min_int(rows, r0 + block);
    for (int c = 0; c < channels; c += 4) {
      v128_t p0 = wasm_f32x4_splat(0), p1 = p0;
      const float *pa = a + r0 * channels + c;
      int r = r0;
      for (; r + 2 <= r1; r += 2, pa += 2 * channels) {
        p0 = wasm_f32x4_add(p0, wasm_v128_load(pa));
        p1 = wasm_f32x4_add(p1, wasm_v128_load(pa + channels));
      }
      if (r < r1) p0 = wasm_f32x4_add(p0, wasm_v128_load(pa));
      flush4(s + c, wasm_f32x4_add(p0, p1));
    }
  }
}

/* out = a * ka[c] + b * kb[c] + k0[c] per position; b = 0 (null) for out = a * ka[c] + k0[c]. */
EXPORT(channel_affine)
void channel_affine(const float *a, const float *ka, const float *b, const float *kb, const float *k0, int rows, int channels, float *out) {
  if (channels % 4 != 0) {
    for (int r = 0; r < rows; r++) {
      const int i = r * channels;
      for (int c = 0; c < channels; c++) out[i + c] = a[i + c] * ka[c] + (b ? b[i + c] * kb[c] : 0.0f) + k0[c];
    }
    return;
  }
  if (b == 0) {
    for (int r = 0; r < rows; r++) {
      const int i = r * channels;
      for (int c = 0; c < channels; c += 4) {
        const v128_t v = wasm_f32x4_mul(wasm_v128_load(a + i + c), wasm_v128_load(ka + c));
        wasm_v128_store(out + i + c, wasm_f32x4_add(v, wasm_v128_load(k0 + c)));
      }
    }
    return;
  }
  for (int r = 0; r < rows; r++) {
    const int i = r * channels;
    for (int c = 0; c < channels; c += 4) {
      const v128_t v = wasm_f32x4_mul(wasm_v128_load(a + i + c), wasm_v128_load(ka + c));
      const v128_t u = wasm_f32x4_mul(wasm_v128_load(b + i + c), wasm_v128_load(kb + c));
      wasm_v128_store(out + i + c, wasm_f32x4_add(wasm_f32x4_add(v, u), wasm_v128_load(k0 + c)));
    }
  }
}

/* dx = dy where x > 0, else 0: the gradient of ReLU, in one pass instead of Step, Cast and Multiply. */
EXPORT(relu_grad)
void relu_grad(const float *dy, const float *x, float *dx, int n) {
  const v128_t zero = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(wasm_v128_load(x + i), zero)));
  for (; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0f;
}

/*
 * dx of 2x2 max pooling at stride 2 over [n, h, w, c], windows inside the input (2*ho <= h, 2*wo <= w).
 * Each output's gradient goes to the first maximum of its window in row-major order, as tfjs's cpu backend
 * does, so ties (common after a ReLU) resolve alike: a later position wins only when strictly greater.
 * Windows do not overlap, so every input is written once (the gradient or 0), with no fill; rows and
 * columns past the last window are zero. Branch-free masks instead of the comparisons' branches, which
 * mispredict on real activations.
 */
EXPORT(max_pool_2x2_grad)
void max_pool_2x2_grad(const float *x, const float *dy, float *dx, int n, int h, int w, int c, int ho, int wo) {
  const int row = w * c;
  const float *g = dy;
  for (int b = 0; b < n; b++) {
    const int image = b * h * row;
    for (int oy = 0; oy < ho; oy++) {
      const int r0 = image + 2 * oy * row, r1 = r0 + row;
      for (int ox = 0; ox < wo; ox++, g += c) {
        const int i00 = r0 + 2 * ox * c, i01 = i00 + c, i10 = r1 + 2 * ox * c, i11 = i10 + c;
        int ch = 0;
        if (c % 4 == 0) {
          for (; ch < c; ch += 4) {
            const v128_t v00 = wasm_v128_load(x + i00 + ch), v01 = wasm_v128_load(x + i01 + ch);
            const v128_t v10 = wasm_v128_load(x + i10 + ch), v11 = wasm_v128_load(x + i11 + ch);
            const v128_t g1 = wasm_f32x4_gt(v01, v00);
            v128_t best = wasm_v128_bitselect(v01, v00, g1);
            const v128_t g2 = wasm_f32x4_gt(v10, best);
            best = wasm_v128_bitselect(v10, best, g2);
            const v128_t g3 = wasm_f32x4_gt(v11, best);
            // The winner is the last position whose comparison held: 3 if g3, else 2 if g2, else 1 if g1, else 0.
            const v128_t w3 = g3, w2 = wasm_v128_andnot(g2, g3);
            const v128_t w1 = wasm_v128_andnot(g1, wasm_v128_or(g2, g3));
            const v128_t w0 = wasm_v128_not(wasm_v128_or(g1, wasm_v128_or(g2, g3)));
            const v128_t d = wasm_v128_load(g + ch);
            wasm_v128_store(dx + i00 + ch, wasm_v128_and(d, w0));
            wasm_v128_store(dx + i01 + ch, wasm_v128_and(d, w1));
            wasm_v128_store(dx + i10 + ch, wasm_v128_and(d, w2));
            wasm_v128_store(dx + i11 + ch, wasm_v128_and(d, w3));
          }
        }
        for (; ch < c; ch++) {
          const float v00 = x[i00 + ch], v01 = x[i01 + ch], v10 = x[i10 + ch], v11 = x[i11 + ch];
          int at = 0;
          float best = v00;
          if (v01 > best) best = v01, at = 1;
          if (v10 > best) best = v10, at = 2;
          if (v11 > best) at = 3;
          const float d = g[ch];
          dx[i00 + ch] = at == 0 ? d : 0.0f;
          dx[i01 + ch] = at == 1 ? d : 0.0f;
          dx[i10 + ch] = at == 2 ? d : 0.0f;
          dx[i11 + ch] = at == 3 ? d : 0.0f;
        }
      }
      // An odd last column has no window.
      for (int i = r0 + 2 * wo * c; i < r0 + row; i++) dx[i] = dx[i + row] = 0.0f;
    }
    // An odd last row has no window.
    for (int i = image + 2 * ho * row; i < image + h * row; i++) dx[i] = 0.0f;
  }
}

/* The 4x8 register tile's step, on accumulators named a00..a31 in scope: a<r><v> += x<r> * g<v>, for 4
 * broadcast inputs (rows or pixels) and 2 vectors of 4 columns. */
#define MADD_4x8(x0, x1, x2, x3, g0, g1)                                                                         \
  do {                                                                                                           \
    a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(x0, g0)), a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(x0, g1));        \
    a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(x1, g0)), a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(x1, g1));        \
    a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(x2, g0)), a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(x2, g1));        \
    a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(x3, g0)), a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(x3, g1));        \
  } while (0)

/*
 * The filter gradient of a convolution with strides (sh, sw), accumulated into dw [fh, fw, ci, co] (row
 * k = (ky*fw + kx)*ci + c, column o):  dw[k][o] += sum over output pixels p of xp[pos(p) + offset(k)] * dy[p][o].
 * xp is the input zero-padded on a grid of rows `wp` positions wide and `plane` positions per image, NHWC,
 * so tap k of output pixel (b, oy, ox) reads grid position b*plane + (oy*sh + ky)*wp + ox*sw + kx, channel
 * c: no bounds tests in the loop. dy [nb, ho, wo, co] is read as it is.
 *
 * Register tiling: a tile is 4 rows of dw by 8 columns (8 float32x4 accumulators); for each output pixel it
 * loads 2 vectors of dy and 4 broadcast inputs and does 8 multiply-adds. Tiles sweep one output row at a
 * time, so the dy row (wo*co values) and the fh input rows it reads stay in L1 across all tiles. co must be
 * a multiple of 4 (the caller checks).
 */
static inline void tile4x8(const float *xrow, const float *dyrow, int wo, int ps, int co, int o0, int o1, int o2, int o3, float *dw0, int k_stride) {
  float *d0 = dw0, *d1 = dw0 + k_stride, *d2 = dw0 + 2 * k_stride, *d3 = dw0 + 3 * k_stride;
  v128_t a00 = wasm_v128_load(d0), a01 = wasm_v128_load(d0 + 4);
  v128_t a10 = wasm_v128_load(d1), a11 = wasm_v128_load(d1 + 4);
  v128_t a20 = wasm_v128_load(d2), a21 = wasm_v128_load(d2 + 4);
  v128_t a30 = wasm_v128_load(d3), a31 = wasm_v128_load(d3 + 4);
  const float *x0 = xrow + o0, *x1 = xrow + o1, *x2 = xrow + o2, *x3 = xrow + o3;
  for (int ox = 0; ox < wo; ox++) {
    const v128_t g0 = wasm_v128_load(dyrow), g1 = wasm_v128_load(dyrow + 4);
    const v128_t b0 = wasm_v128_load32_splat(x0), b1 = wasm_v128_load32_splat(x1);
    const v128_t b2 = wasm_v128_load32_splat(x2), b3 = wasm_v128_load32_splat(x3);
    MADD_4x8(b0, b1, b2, b3, g0, g1);
    dyrow += co;
    x0 += ps, x1 += ps, x2 += ps, x3 += ps;
  }
  wasm_v128_store(d0, a00), wasm_v128_store(d0 + 4, a01);
  wasm_v128_store(d1, a10), wasm_v128_store(d1 + 4, a11);
  wasm_v128_store(d2, a20), wasm_v128_store(d2 + 4, a21);
  wasm_v128_store(d3, a30), wasm_v128_store(d3 + 4, a31);
}

/* One row of dw by 4 columns: the edges of the tiling (K not a multiple of 4, co not a multiple of 8). ps is
 * the distance in floats between neighbouring output pixels' inputs (sw * ci). */
static inline void tile1x4(const float *xrow, const float *dyrow, int wo, int ps, int co, int off, float *d) {
  v128_t a0 = wasm_v128_load(d), a1 = wasm_f32x4_splat(0);
  const float *x0 = xrow + off;
  int ox = 0;
  for (; ox + 2 <= wo; ox += 2) {
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(x0), wasm_v128_load(dyrow)));
    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load32_splat(x0 + ps), wasm_v128_load(dyrow + co)));
    dyrow += 2 * co;
    x0 += 2 * ps;
  }
  if (ox < wo) a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(x0), wasm_v128_load(dyrow)));
  wasm_v128_store(d, wasm_f32x4_add(a0, a1));
}

/* Where row k = (ky*fw + kx)*ci + c of dw reads, relative to the grid position of its output pixel. */
static inline int tap_offset(int k, int wp, int fw, int ci) {
  const int tap = k / ci;
  return ((tap / fw) * wp + tap % fw) * ci + k % ci;
}

EXPORT(filter_grad)
void filter_grad(const float *xp, int wp, int plane, const float *dy, float *dw, int nb, int ho, int wo, int fh, int fw, int ci, int co, int sh, int sw) {
  const int k_total = fh * fw * ci;
  const int k4 = k_total - k_total % 4;
  const int co8 = co - co % 8;
  const int ps = sw * ci;
  for (int b = 0; b < nb; b++) {
    for (int oy = 0; oy < ho; oy++) {
      const float *xrow = xp + (b * plane + oy * sh * wp) * ci;
      const float *dyrow = dy + ((b * ho + oy) * wo) * co;
      for (int k = 0; k < k4; k += 4) {
        const int o0 = tap_offset(k, wp, fw, ci), o1 = tap_offset(k + 1, wp, fw, ci);
        const int o2 = tap_offset(k + 2, wp, fw, ci), o3 = tap_offset(k + 3, wp, fw, ci);
        for (int o = 0; o < co8; o += 8) tile4x8(xrow, dyrow + o, wo, ps, co, o0, o1, o2, o3, dw + k * co + o, co);
        for (int r = 0; co8 < co && r < 4; r++) tile1x4(xrow, dyrow + co8, wo, ps, co, tap_offset(k + r, wp, fw, ci), dw + (k + r) * co + co8);
      }
      for (int k = k4; k < k_total; k++)
        for (int o = 0; o < co; o += 4) tile1x4(xrow, dyrow + o, wo, ps, co, tap_offset(k, wp, fw, ci), dw + k * co + o);
    }
  }
}

/* A conv tile's 4 pixels x 8 channels into y (pixel stride co), through ReLU when asked. Arguments by value:
 * inlined, they stay in registers. */
static inline void store_px4x8(float *y, int co, int relu, v128_t a00, v128_t a01, v128_t a10, v128_t a11, v128_t a20, v128_t a21, v128_t a30, v128_t a31) {
  if (relu) {
    const v128_t z = wasm_f32x4_splat(0);
    a00 = wasm_f32x4_max(a00, z), a01 = wasm_f32x4_max(a01, z), a10 = wasm_f32x4_max(a10, z), a11 = wasm_f32x4_max(a11, z);
    a20 = wasm_f32x4_max(a20, z), a21 = wasm_f32x4_max(a21, z), a30 = wasm_f32x4_max(a30, z), a31 = wasm_f32x4_max(a31, z);
  }
  wasm_v128_store(y, a00), wasm_v128_store(y + 4, a01);
  wasm_v128_store(y + co, a10), wasm_v128_store(y + co + 4, a11);
  wasm_v128_store(y + 2 * co, a20), wasm_v128_store(y + 2 * co + 4, a21);
  wasm_v128_store(y + 3 * co, a30), wasm_v128_store(y + 3 * co + 4, a31);
}

/*
 * A convolution with strides (sh, sw), forward: y[p][o] = bias[o] + sum over k of xp[pos(p) + offset(k)] *
 * w[k][o], then ReLU when asked; w is [fh, fw, ci, co] (row k = (ky*fw + kx)*ci + c), xp the input
 * zero-padded on a grid of hp x wp positions per image (NHWC), so output pixel (b, oy, ox) at tap (ky, kx)
 * reads grid position (b, oy*sh + ky, ox*sw + kx) with no bounds tests. At stride 1 it also serves the
 * input gradient (a convolution of the padded dy with the rotated filter).
 *
 * Register tiling as in the filter gradient: 4 neighbouring output pixels by 8 output channels in 8
 * float32x4 accumulators; per input channel of each tap, 2 vectors of w, 4 broadcast inputs and 8
 * multiply-adds. A tile's w columns (K x 8 values) and the fh input rows stay in L1 while the tile slides
 * along the output row. ps is the distance in floats between neighbouring output pixels' inputs (sw * ci).
 * co must be a multiple of 4 (the caller checks).
 */
static inline void conv_px4x8(const float *x, int wp, int fh, int fw, int ci, int ps, const float *w, int co, v128_t b0, v128_t b1, int relu, float *y) {
  v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
  for (int ky = 0; ky < fh; ky++) {
    for (int kx = 0; kx < fw; kx++) {
      const float *px = x + (ky * wp + kx) * ci;
      const float *pw = w + ((ky * fw + kx) * ci) * co;
      for (int c = 0; c < ci; c++, pw += co) {
        const v128_t g0 = wasm_v128_load(pw), g1 = wasm_v128_load(pw + 4);
        const v128_t s0 = wasm_v128_load32_splat(px + c), s1 = wasm_v128_load32_splat(px + ps + c);
        const v128_t s2 = wasm_v128_load32_splat(px + 2 * ps + c), s3 = wasm_v128_load32_splat(px + 3 * ps + c);
        MADD_4x8(s0, s1, s2, s3, g0, g1);
      }
    }
  }
  store_px4x8(y, co, relu, a00, a01, a10, a11, a20, a21, a30, a31);
}

/* A first layer's 3x3 taps on one input channel, unrolled: the generic tile's loops over taps and over a
 * single channel cost more than the arithmetic (measured: 6.2 against 3.5 ms for 1 -> 16 channels at 64x128,
 * batch 16). */
static inline void conv_px4x8_3x3_ci1(const float *x, int wp, int sw, const float *w, int co, v128_t b0, v128_t b1, int relu, float *y) {
  v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
#pragma clang loop unroll(full)
  for (int t = 0; t < 9; t++) {
    const float *px = x + (t / 3) * wp + t % 3;
    const float *pw = w + t * co;
    const v128_t g0 = wasm_v128_load(pw), g1 = wasm_v128_load(pw + 4);
    const v128_t s0 = wasm_v128_load32_splat(px), s1 = wasm_v128_load32_splat(px + sw);
    const v128_t s2 = wasm_v128_load32_splat(px + 2 * sw), s3 = wasm_v128_load32_splat(px + 3 * sw);
    MADD_4x8(s0, s1, s2, s3, g0, g1);
  }
  store_px4x8(y, co, relu, a00, a01, a10, a11, a20, a21, a30, a31);
}

/* One output pixel by 4 output channels: the edges of the tiling. */
static inline void conv_px1x4(const float *x, int wp, int fh, int fw, int ci, const float *w, int co, v128_t b0, int relu, float *y) {
  v128_t a0 = b0, a1 = wasm_f32x4_splat(0);
  for (int ky = 0; ky < fh; ky++) {
    for (int kx = 0; kx < fw; kx++) {
      const float *px = x + (ky * wp + kx) * ci;
      const float *pw = w + ((ky * fw + kx) * ci) * co;
      int c = 0;
      for (; c + 2 <= ci; c += 2, pw += 2 * co) {
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(px + c), wasm_v128_load(pw)));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load32_splat(px + c + 1), wasm_v128_load(pw + co)));
      }
      if (c < ci) a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(px + c), wasm_v128_load(pw)));
    }
  }
  a0 = wasm_f32x4_add(a0, a1);
  wasm_v128_store(y, relu ? wasm_f32x4_max(a0, wasm_f32x4_splat(0)) : a0);
}

EXPORT(conv2d)
void conv2d(const float *xp, int hp, int wp, const float *w, const float *bias, float *y, int nb, int ho, int wo, int fh, int fw, int ci, int co, int sh, int sw, int relu) {
  const int co8 = co - co % 8;
  const int ps = sw * ci;
  for (int b = 0; b < nb; b++) {
    for (int oy = 0; oy < ho; oy++) {
      const float *xrow = xp + ((b * hp + oy * sh) * wp) * ci;
      float *yrow = y + ((b * ho + oy) * wo) * co;
      for (int o = 0; o < co8; o += 8) {
        const v128_t b0 = bias ? wasm_v128_load(bias + o) : wasm_f32x4_splat(0);
        const v128_t b1 = bias ? wasm_v128_load(bias + o + 4) : wasm_f32x4_splat(0);
        int ox = 0;
        if (fh == 3 && fw == 3 && ci == 1)
          for (; ox + 4 <= wo; ox += 4) conv_px4x8_3x3_ci1(xrow + ox * ps, wp, sw, w + o, co, b0, b1, relu, yrow + ox * co + o);
        else
          for (; ox + 4 <= wo; ox += 4) conv_px4x8(xrow + ox * ps, wp, fh, fw, ci, ps, w + o, co, b0, b1, relu, yrow + ox * co + o);
        for (; ox < wo; ox++) {
          conv_px1x4(xrow + ox * ps, wp, fh, fw, ci, w + o, co, b0, relu, yrow + ox * co + o);
          conv_px1x4(xrow + ox * ps, wp, fh, fw, ci, w + o + 4, co, b1, relu, yrow + ox * co + o + 4);
        }
      }
      if (co8 < co) {
        const v128_t b0 = bias ? wasm_v128_load(bias + co8) : wasm_f32x4_splat(0);
        for (int ox = 0; ox < wo; ox++) conv_px1x4(xrow + ox * ps, wp, fh, fw, ci, w + co8, co, b0, relu, yrow + ox * co + co8);
      }
    }
  }
}

/*
 * The input gradient of a convolution with strides (sh, sw), scattered onto the padded grid:
 *   dxp[(b, oy*sh + ky, ox*sw + kx)][c] += sum over o of dy[b, oy, ox][o] * wt[ky, kx][o][c],
 * wt being the filter with its channel axes swapped ([fh, fw, co, ci]). dxp (hp x wp positions per image,
 * ci channels, zeroed by the caller) is then cropped to dx. For one tap, 4 neighbouring output pixels land
 * on 4 distinct grid positions sw apart, so a tile of 4 pixels by 8 channels sums over o in registers (the
 * forward tile's arithmetic on dy and wt) and adds into the grid once; taps run one after another. ci must
 * be a multiple of 4 (the caller checks).
 */
static inline void scatter_px4x8(float *d, int ps, v128_t a00, v128_t a01, v128_t a10, v128_t a11, v128_t a20, v128_t a21, v128_t a30, v128_t a31) {
  wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), a00)), wasm_v128_store(d + 4, wasm_f32x4_add(wasm_v128_load(d + 4), a01));
  d += ps;
  wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), a10)), wasm_v128_store(d + 4, wasm_f32x4_add(wasm_v128_load(d + 4), a11));
  d += ps;
  wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), a20)), wasm_v128_store(d + 4, wasm_f32x4_add(wasm_v128_load(d + 4), a21));
  d += ps;
  wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), a30)), wasm_v128_store(d + 4, wasm_f32x4_add(wasm_v128_load(d + 4), a31));
}

EXPORT(conv_input_grad)
void conv_input_grad(const float *dy, const float *wt, float *dxp, int nb, int ho, int wo, int hp, int wp, int fh, int fw, int ci, int co, int sh, int sw) {
  const int ci8 = ci - ci % 8;
  const int ps = sw * ci;
  for (int b = 0; b < nb; b++) {
    for (int oy = 0; oy < ho; oy++) {
      const float *dyrow = dy + ((b * ho + oy) * wo) * co;
      for (int ky = 0; ky < fh; ky++) {
        for (int kx = 0; kx < fw; kx++) {
          float *drow = dxp + ((b * hp + oy * sh + ky) * wp + kx) * ci;
          const float *wk = wt + (ky * fw + kx) * co * ci;
          for (int c = 0; c < ci; c += 8) {
            const int wide = c < ci8;
            int ox = 0;
            for (; wide && ox + 4 <= wo; ox += 4) {
              const float *g = dyrow + ox * co;
              v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
              const float *pw = wk + c;
              for (int o = 0; o < co; o++, pw += ci) {
                const v128_t g0 = wasm_v128_load(pw), g1 = wasm_v128_load(pw + 4);
                const v128_t s0 = wasm_v128_load32_splat(g + o), s1 = wasm_v128_load32_splat(g + co + o);
                const v128_t s2 = wasm_v128_load32_splat(g + 2 * co + o), s3 = wasm_v128_load32_splat(g + 3 * co + o);
                MADD_4x8(s0, s1, s2, s3, g0, g1);
              }
              scatter_px4x8(drow + ox * ps + c, ps, a00, a01, a10, a11, a20, a21, a30, a31);
            }
            // Edges: the last pixels of the row, and every pixel of the last 4 channels when ci % 8 == 4, one
            // pixel by 4 channels at a time.
            for (; ox < wo; ox++) {
              for (int c4 = c; c4 < c + 8 && c4 < ci; c4 += 4) {
                v128_t a = wasm_f32x4_splat(0);
                const float *pw = wk + c4;
                const float *g = dyrow + ox * co;
                for (int o = 0; o < co; o++, pw += ci) a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load32_splat(g + o), wasm_v128_load(pw)));
                float *d = drow + ox * ps + c4;
                wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), a));
              }
            }
          }
        }
      }
    }
  }
}
