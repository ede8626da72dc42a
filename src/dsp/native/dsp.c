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
#define VSQRTHALF wasm_f32x4_splat(0.70710678118654752440f)
#include __FILE__
#undef T
#undef NAME
#undef SPLAT
#undef VADD
#undef VSUB
#undef VMUL
#undef VSQRT
#undef VQUARTER
#undef VSQRTHALF

#define T double
#define NAME(x) f64_##x
#define SPLAT(p) wasm_v128_load64_splat(p)
#define VADD wasm_f64x2_add
#define VSUB wasm_f64x2_sub
#define VMUL wasm_f64x2_mul
#define VSQRT wasm_f64x2_sqrt
#define VQUARTER wasm_f64x2_splat(0.25)
#define VSQRTHALF wasm_f64x2_splat(0.70710678118654752440)
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

/*
 * PCEN with librosa's default power 0.5 and a bias > 0 (src/dsp/pcen.ts, pcenLoop, is the reference this
 * must equal bit for bit), two bands at once, one per f64x2 lane: the smoothing filter runs along each
 * band's frames, so lanes are bands and nothing crosses lanes. Two thirds of its time in JS was V8's scalar
 * fdlibm exp and log1p; exp_x2 and log1p_x2 below are the same fdlibm algorithms (the same operations in the
 * same order, hence the same bits) for two lanes, over the arguments PCEN meets. An argument outside that
 * range (0, tiny, huge, NaN: marked rare) sends the step of both bands to V8's own Math.exp and Math.log1p,
 * imported, so every output equals the JS loop's.
 */
__attribute__((import_module("env"), import_name("exp"))) double js_exp(double);
__attribute__((import_module("env"), import_name("log1p"))) double js_log1p(double);

/*
 * The constants of exp and log1p, as vectors in memory the caller owns (`K`, PK_COUNT vectors) rather than
 * v128.const immediates: V8 builds each immediate with several instructions every time it is used, which
 * took more time than the arithmetic; a load is one. pcen_sqrt writes them on entry; its stores to `out` may
 * alias them as far as clang knows, so they are loaded again each step instead of becoming immediates.
 */
enum {
  PK_ONE, PK_TWO, PK_HALF, PK_MINUS_HALF, PK_ZERO, PK_LN2_HI, PK_LN2_LO, PK_INVLN2, PK_EXP_LIMIT, PK_INF,
  PK_LP1, PK_LP2, PK_LP3, PK_LP4, PK_LP5, PK_LP6, PK_LP7, PK_P1, PK_P2, PK_P3, PK_P4, PK_P5,
  PK_I_SQRT2_HI, PK_I_TINY_LOG1P, PK_I_HUGE_LOG1P, PK_I_1023, PK_I_ONE, PK_I_MANTISSA,
  PK_I_SQRT2_MANT, PK_I_HIGH_1, PK_I_HIGH_HALF, PK_I_HIDDEN, PK_I_TINY_EXP, PK_I_HALF_LN2, PK_I64_EXP_BIAS,
  PK_COUNT
};

/* How many vectors pcen_sqrt's K must hold (native.ts asks, so the two never disagree). */
__attribute__((export_name("pcen_constant_count"))) int pcen_constant_count(void) { return PK_COUNT; }

static void pcen_constants(V *K) {
  K[PK_ONE] = wasm_f64x2_splat(1.0);
  K[PK_TWO] = wasm_f64x2_splat(2.0);
  K[PK_HALF] = wasm_f64x2_splat(0.5);
  K[PK_MINUS_HALF] = wasm_f64x2_splat(-0.5);
  K[PK_ZERO] = wasm_f64x2_splat(0.0);
  K[PK_LN2_HI] = wasm_f64x2_splat(6.93147180369123816490e-01);
  K[PK_LN2_LO] = wasm_f64x2_splat(1.90821492927058770002e-10);
  K[PK_INVLN2] = wasm_f64x2_splat(1.44269504088896338700e+00);
  K[PK_EXP_LIMIT] = wasm_f64x2_splat(708.0);
  K[PK_INF] = wasm_f64x2_splat(__builtin_inf());
  K[PK_LP1] = wasm_f64x2_splat(6.666666666666735130e-01);
  K[PK_LP2] = wasm_f64x2_splat(3.999999999940941908e-01);
  K[PK_LP3] = wasm_f64x2_splat(2.857142874366239149e-01);
  K[PK_LP4] = wasm_f64x2_splat(2.222219843214978396e-01);
  K[PK_LP5] = wasm_f64x2_splat(1.818357216161805012e-01);
  K[PK_LP6] = wasm_f64x2_splat(1.531383769920937332e-01);
  K[PK_LP7] = wasm_f64x2_splat(1.479819860511658591e-01);
  K[PK_P1] = wasm_f64x2_splat(1.66666666666666019037e-01);
  K[PK_P2] = wasm_f64x2_splat(-2.77777777770155933842e-03);
  K[PK_P3] = wasm_f64x2_splat(6.61375632143793436117e-05);
  K[PK_P4] = wasm_f64x2_splat(-1.65339022054652515390e-06);
  K[PK_P5] = wasm_f64x2_splat(4.13813679705723846039e-08);
  K[PK_I_SQRT2_HI] = wasm_i32x4_splat(0x3FDA827A);   /* high word of sqrt(2) - 1 */
  K[PK_I_TINY_LOG1P] = wasm_i32x4_splat(0x3E200000); /* 2^-29 */
  K[PK_I_HUGE_LOG1P] = wasm_i32x4_splat(0x43400000); /* 2^53 */
  K[PK_I_1023] = wasm_i32x4_splat(1023);
  K[PK_I_ONE] = wasm_i32x4_splat(1);
  K[PK_I_MANTISSA] = wasm_i32x4_splat(0x000FFFFF);
  K[PK_I_SQRT2_MANT] = wasm_i32x4_splat(0x6A09E);
  K[PK_I_HIGH_1] = wasm_i32x4_splat(0x3FF00000);
  K[PK_I_HIGH_HALF] = wasm_i32x4_splat(0x3FE00000);
  K[PK_I_HIDDEN] = wasm_i32x4_splat(0x00100000);
  K[PK_I_TINY_EXP] = wasm_i32x4_splat(0x3E300000);  /* 2^-28 */
  K[PK_I_HALF_LN2] = wasm_i32x4_splat(0x3FD62E42);  /* high word of ln2 / 2 */
  K[PK_I64_EXP_BIAS] = wasm_i64x2_splat(0x3FF0000000000000LL);
}

/* The high 32-bit words of both f64 lanes, in i32 lanes 0 and 1. */
static inline V high_words(V x) { return wasm_i32x4_shuffle(x, x, 1, 3, 1, 3); }

/* An i32 mask in lanes 0 and 1 widened to an f64-lane mask. */
static inline V wide_mask(V m) { return wasm_i64x2_extend_low_i32x4(m); }

/* K[first] + z (K[first + 1] + z (... + z K[last])), in fdlibm's order of operations. */
static inline V horner(const V *K, V z, int first, int last) {
  V r = K[last];
  for (int i = last - 1; i >= first; i--) r = wasm_f64x2_add(K[i], wasm_f64x2_mul(z, r));
  return r;
}

/* fdlibm log1p for 2^-29 <= x < 2^53; other lanes are marked in *rare. */
static V log1p_x2(const V *K, V x, V *rare) {
  const V one = K[PK_ONE];
  V hx = high_words(x);
  V small = wasm_i32x4_lt(hx, K[PK_I_SQRT2_HI]); /* 1 + x < sqrt 2: k = 0, f = x */
  V out = wasm_v128_or(wasm_i32x4_lt(hx, K[PK_I_TINY_LOG1P]), wasm_i32x4_ge(hx, K[PK_I_HUGE_LOG1P]));
  /* 1 + x = 2^k (1 + f), with c the rounding error of 1 + x divided by it */
  V u = wasm_f64x2_add(one, x);
  V hu = high_words(u);
  V k = wasm_i32x4_sub(wasm_i32x4_shr(hu, 20), K[PK_I_1023]);
  V kpos = wasm_f64x2_gt(wasm_f64x2_convert_low_i32x4(k), K[PK_ZERO]);
  V c = wasm_v128_bitselect(wasm_f64x2_sub(one, wasm_f64x2_sub(u, x)), wasm_f64x2_sub(x, wasm_f64x2_sub(u, one)), kpos);
  c = wasm_f64x2_div(c, u);
  hu = wasm_v128_and(hu, K[PK_I_MANTISSA]);
  V below = wasm_i32x4_lt(hu, K[PK_I_SQRT2_MANT]); /* u below sqrt 2: 1 + f = u / 2^k, else u / 2^(k+1) */
  V high = wasm_v128_or(hu, wasm_v128_bitselect(K[PK_I_HIGH_1], K[PK_I_HIGH_HALF], below));
  k = wasm_i32x4_add(k, wasm_v128_andnot(K[PK_I_ONE], below));
  hu = wasm_v128_bitselect(hu, wasm_i32x4_shr(wasm_i32x4_sub(K[PK_I_HIDDEN], hu), 2), below);
  out = wasm_v128_or(out, wasm_v128_andnot(wasm_i32x4_eq(hu, K[PK_ZERO]), small)); /* |f| < 2^-20: fdlibm's other formula */
  V normalized = wasm_i32x4_shuffle(u, high, 0, 4, 2, 5);
  V smallD = wide_mask(small);
  V f = wasm_v128_bitselect(x, wasm_f64x2_sub(normalized, one), smallD);
  c = wasm_v128_andnot(c, smallD);
  V dk = wasm_f64x2_convert_low_i32x4(wasm_v128_andnot(k, small));

  V hfsq = wasm_f64x2_mul(wasm_f64x2_mul(K[PK_HALF], f), f);
  V s = wasm_f64x2_div(f, wasm_f64x2_add(K[PK_TWO], f));
  V z = wasm_f64x2_mul(s, s);
  V R = wasm_f64x2_mul(z, horner(K, z, PK_LP1, PK_LP7));
  V sR = wasm_f64x2_mul(s, wasm_f64x2_add(hfsq, R));
  V near = wasm_f64x2_sub(f, wasm_f64x2_sub(hfsq, sR));
  V tail = wasm_f64x2_add(wasm_f64x2_mul(dk, K[PK_LN2_LO]), c);
  V far = wasm_f64x2_sub(wasm_f64x2_mul(dk, K[PK_LN2_HI]), wasm_f64x2_sub(wasm_f64x2_sub(hfsq, wasm_f64x2_add(sR, tail)), f));
  *rare = wasm_v128_or(*rare, wide_mask(out));
  return wasm_v128_bitselect(near, far, smallD);
}

/*
 * fdlibm exp for 2^-28 <= |x| < 708, x != 1; other lanes are marked in *rare. fdlibm's k = 0 result
 * 1 - ((r c) / (c - 2) - r) is written 1 + ((r c) / (2 - c) + r), the same bits (c - 2 = -(2 - c) and
 * a / -b = -(a / b) exactly), so one division serves both cases.
 */
static V exp_x2(const V *K, V x, V *rare) {
  const V one = K[PK_ONE];
  V ax = wasm_f64x2_abs(x);
  V hx = high_words(ax);
  V tiny = wide_mask(wasm_i32x4_lt(hx, K[PK_I_TINY_EXP]));
  V huge = wasm_v128_not(wasm_f64x2_lt(ax, K[PK_EXP_LIMIT])); /* also NaN */
  *rare = wasm_v128_or(*rare, wasm_v128_or(wasm_v128_or(tiny, huge), wasm_f64x2_eq(x, one)));
  /* x = k ln2 + r, |r| <= ln2 / 2, for |x| > ln2 / 2; else k = 0 */
  V reduce = wasm_i32x4_gt(hx, K[PK_I_HALF_LN2]);
  V half = wasm_v128_bitselect(K[PK_MINUS_HALF], K[PK_HALF], wasm_f64x2_lt(x, K[PK_ZERO]));
  V k = wasm_i32x4_trunc_sat_f64x2_zero(wasm_f64x2_add(wasm_f64x2_mul(K[PK_INVLN2], x), half));
  k = wasm_v128_and(k, reduce);
  V t = wasm_f64x2_convert_low_i32x4(k);
  V hi = wasm_f64x2_sub(x, wasm_f64x2_mul(t, K[PK_LN2_HI]));
  V lo = wasm_f64x2_mul(t, K[PK_LN2_LO]);
  V r = wasm_f64x2_sub(hi, lo);
  V rr = wasm_f64x2_mul(r, r);
  V c = wasm_f64x2_sub(r, wasm_f64x2_mul(rr, horner(K, rr, PK_P1, PK_P5)));
  V q = wasm_f64x2_div(wasm_f64x2_mul(r, c), wasm_f64x2_sub(K[PK_TWO], c));
  V y0 = wasm_f64x2_add(one, wasm_f64x2_add(q, r));
  V y1 = wasm_f64x2_sub(one, wasm_f64x2_sub(wasm_f64x2_sub(lo, q), hi));
  V twopk = wasm_i64x2_add(wasm_i64x2_shl(wasm_i64x2_extend_low_i32x4(k), 52), K[PK_I64_EXP_BIAS]);
  V kzero = wide_mask(wasm_i32x4_eq(k, K[PK_ZERO]));
  return wasm_v128_bitselect(y0, wasm_f64x2_mul(y1, twopk), kzero);
}

/* One PCEN step of one band in scalar code, through V8's own exp and log1p (the rare arguments). */
static double pcen_step(double smoothed, double x, double ngain, double logEps, double eps, double biasPow, double bias) {
  double gain = js_exp(ngain * (logEps + js_log1p(smoothed / eps)));
  double u = (x * gain) / bias;
  return biasPow * (u == __builtin_inf() ? u : u / (__builtin_sqrt(1 + u) + 1));
}

/* Steps t and t + 1 of one band in scalar code. */
static void pcen_steps(double sm0, double sm1, const double *x, double *out, double ngain, double logEps, double eps, double biasPow, double bias) {
  out[0] = pcen_step(sm0, x[0], ngain, logEps, eps, biasPow, bias);
  out[1] = pcen_step(sm1, x[1], ngain, logEps, eps, biasPow, bias);
}

/*
 * out = pcen(S) for bands [0, bins) of `frames` values each (row-major), ref the smoothing input (S, or its
 * max filter across bands), b the smoothing coefficient, ngain = -gain, biasPow = bias^0.5; K: room for
 * PK_COUNT vectors.
 */
__attribute__((export_name("pcen_sqrt"))) void pcen_sqrt(V *K, const double *S, const double *ref, double *out, int bins, int frames,
                                                          double b, double ngain, double logEps, double eps, double biasPow, double bias) {
  pcen_constants(K);
  const V bv = wasm_f64x2_splat(b), feedback = wasm_f64x2_splat(1 - b), ng = wasm_f64x2_splat(ngain), le = wasm_f64x2_splat(logEps);
  const V ev = wasm_f64x2_splat(eps), bp = wasm_f64x2_splat(biasPow), bias2 = wasm_f64x2_splat(bias);
  for (int k = 0; k < bins; k += 2) {
    int k1 = k + 1 < bins ? k + 1 : k;
    const double *s0 = S + k * frames, *s1 = S + k1 * frames, *r0 = ref + k * frames, *r1 = ref + k1 * frames;
    double *o0 = out + k * frames, *o1 = out + k1 * frames;
    V state = feedback;
    int t = 0;
    /* Two steps at a time, their exps and logs side by side: one step's chain of dependent divisions and
       polynomials leaves most of the core idle, and the smoothing filter (cheap) is all that links them. */
    for (; t + 1 < frames; t += 2) {
      V sm0 = wasm_f64x2_add(wasm_f64x2_mul(bv, wasm_f64x2_make(r0[t], r1[t])), state);
      state = wasm_f64x2_mul(feedback, sm0);
      V sm1 = wasm_f64x2_add(wasm_f64x2_mul(bv, wasm_f64x2_make(r0[t + 1], r1[t + 1])), state);
      state = wasm_f64x2_mul(feedback, sm1);
      V rare = K[PK_ZERO];
      V l0 = log1p_x2(K, wasm_f64x2_div(sm0, ev), &rare);
      V l1 = log1p_x2(K, wasm_f64x2_div(sm1, ev), &rare);
      V g0 = exp_x2(K, wasm_f64x2_mul(ng, wasm_f64x2_add(le, l0)), &rare);
      V g1 = exp_x2(K, wasm_f64x2_mul(ng, wasm_f64x2_add(le, l1)), &rare);
      V u0 = wasm_f64x2_div(wasm_f64x2_mul(wasm_f64x2_make(s0[t], s1[t]), g0), bias2);
      V u1 = wasm_f64x2_div(wasm_f64x2_mul(wasm_f64x2_make(s0[t + 1], s1[t + 1]), g1), bias2);
      rare = wasm_v128_or(rare, wasm_v128_not(wasm_f64x2_lt(wasm_f64x2_max(u0, u1), K[PK_INF])));
      if (wasm_v128_any_true(rare)) {
        pcen_steps(wasm_f64x2_extract_lane(sm0, 0), wasm_f64x2_extract_lane(sm1, 0), s0 + t, o0 + t, ngain, logEps, eps, biasPow, bias);
        pcen_steps(wasm_f64x2_extract_lane(sm0, 1), wasm_f64x2_extract_lane(sm1, 1), s1 + t, o1 + t, ngain, logEps, eps, biasPow, bias);
        continue;
      }
      V y0 = wasm_f64x2_mul(bp, wasm_f64x2_div(u0, wasm_f64x2_add(wasm_f64x2_sqrt(wasm_f64x2_add(K[PK_ONE], u0)), K[PK_ONE])));
      V y1 = wasm_f64x2_mul(bp, wasm_f64x2_div(u1, wasm_f64x2_add(wasm_f64x2_sqrt(wasm_f64x2_add(K[PK_ONE], u1)), K[PK_ONE])));
      o0[t] = wasm_f64x2_extract_lane(y0, 0);
      o1[t] = wasm_f64x2_extract_lane(y0, 1);
      o0[t + 1] = wasm_f64x2_extract_lane(y1, 0);
      o1[t + 1] = wasm_f64x2_extract_lane(y1, 1);
    }
    if (t < frames) {
      V sm = wasm_f64x2_add(wasm_f64x2_mul(bv, wasm_f64x2_make(r0[t], r1[t])), state);
      o0[t] = pcen_step(wasm_f64x2_extract_lane(sm, 0), s0[t], ngain, logEps, eps, biasPow, bias);
      o1[t] = pcen_step(wasm_f64x2_extract_lane(sm, 1), s1[t], ngain, logEps, eps, biasPow, bias);
    }
  }
}

/*
 * float32 to float64 (exact), four at a time. V8's TypedArray.prototype.set between the two types converts
 * one element at a time (about 1 ns each); the float64 path copies every signal and spectrogram in so.
 */
__attribute__((export_name("widen_f32"))) void widen_f32(const float *src, double *dst, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    V x = wasm_v128_load(src + i);
    wasm_v128_store(dst + i, wasm_f64x2_promote_low_f32x4(x));
    wasm_v128_store(dst + i + 2, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1)));
  }
  for (; i < n; i++) dst[i] = src[i];
}

#else /* the generic part, once per element type */

/*
 * In-place complex FFT of m points (a power of two >= 4) on bit-reversed input: radix-2 decimation in
 * time, two stages merged per pass (a radix-4 butterfly with twiddles W^2, W, W^3 on inputs 1, 2, 3 where
 * W = exp(-2 pi i j / 4h)), after one twiddle-free radix-8 pass when log2 m is odd. tw holds, pass after pass,
 * for j = 0 .. h-1: Re W, Im W, Re W^2, Im W^2, Re W^3, Im W^3.
 */
static void NAME(fft)(V *z, int m, const T *tw) {
  int h;
  if ((__builtin_ctz(m) & 1) != 0) {
    /*
     * Odd log2 m: three levels merged into one twiddle-free radix-8 pass. A plain radix-2 pass here cost
     * nearly as much as a radix-4 one; this way nFft = 256, 1024 and 4096 run one pass fewer (9-11 % faster
     * at 1024, the default recipe's size). Twiddled radix-8 passes were slower: 16 data vectors and 14
     * twiddles do not fit 16 registers (docs/decisions/fft.md, session 9). Element q of the 8-point DFT is
     * input rho(q), the 3-bit reversal of q: u0..u7 = x[0], x[4], x[2], x[6], x[1], x[5], x[3], x[7].
     */
    const V r = VSQRTHALF;
    for (int k = 0; k < m; k += 8) {
      V *x = z + 2 * k;
      V u0r = x[0], u0i = x[1], u1r = x[8], u1i = x[9], u2r = x[4], u2i = x[5], u3r = x[12], u3i = x[13];
      V u4r = x[2], u4i = x[3], u5r = x[10], u5i = x[11], u6r = x[6], u6i = x[7], u7r = x[14], u7i = x[15];
      // E = DFT4(u0, u2, u4, u6), O = DFT4(u1, u3, u5, u7); -i (a + ib) = b - ia
      V p0r = VADD(u0r, u4r), p0i = VADD(u0i, u4i), p1r = VSUB(u0r, u4r), p1i = VSUB(u0i, u4i);
      V p2r = VADD(u2r, u6r), p2i = VADD(u2i, u6i), p3r = VSUB(u2r, u6r), p3i = VSUB(u2i, u6i);
      V e0r = VADD(p0r, p2r), e0i = VADD(p0i, p2i), e2r = VSUB(p0r, p2r), e2i = VSUB(p0i, p2i);
      V e1r = VADD(p1r, p3i), e1i = VSUB(p1i, p3r), e3r = VSUB(p1r, p3i), e3i = VADD(p1i, p3r);
      V q0r = VADD(u1r, u5r), q0i = VADD(u1i, u5i), q1r = VSUB(u1r, u5r), q1i = VSUB(u1i, u5i);
      V q2r = VADD(u3r, u7r), q2i = VADD(u3i, u7i), q3r = VSUB(u3r, u7r), q3i = VSUB(u3i, u7i);
      V o0r = VADD(q0r, q2r), o0i = VADD(q0i, q2i), o2r = VSUB(q0r, q2r), o2i = VSUB(q0i, q2i);
      V o1r = VADD(q1r, q3i), o1i = VSUB(q1i, q3r), o3r = VSUB(q1r, q3i), o3i = VADD(q1i, q3r);
      // Y[s] = E[s] + W8^s O[s], Y[s + 4] = E[s] - W8^s O[s]; W8 = (1 - i) / sqrt 2, W8^2 = -i, W8^3 = -(1 + i) / sqrt 2
      V t1r = VMUL(VADD(o1r, o1i), r), t1i = VMUL(VSUB(o1i, o1r), r);
      V t3r = VMUL(VSUB(o3i, o3r), r), t3i = VMUL(VADD(o3r, o3i), r);
      x[0] = VADD(e0r, o0r);
      x[1] = VADD(e0i, o0i);
      x[8] = VSUB(e0r, o0r);
      x[9] = VSUB(e0i, o0i);
      x[2] = VADD(e1r, t1r);
      x[3] = VADD(e1i, t1i);
      x[10] = VSUB(e1r, t1r);
      x[11] = VSUB(e1i, t1i);
      x[4] = VADD(e2r, o2i);
      x[5] = VSUB(e2i, o2r);
      x[12] = VSUB(e2r, o2i);
      x[13] = VADD(e2i, o2r);
      x[6] = VADD(e3r, t3r);
      x[7] = VSUB(e3i, t3i);
      x[14] = VSUB(e3r, t3r);
      x[15] = VADD(e3i, t3i);
    }
    h = 8;
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
