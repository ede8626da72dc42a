/*
 * The NEON intrinsics dr_mp3.h's SIMD path uses, as wasm SIMD128 (mp3.c defines __ARM_NEON so that
 * dr_mp3.h takes that path and includes this header instead of clang's). Each is the same lane-wise
 * operation: NEON's vmlaq/vmlsq are unfused like the separate wasm multiply and add; vcvtq_s32_f32 truncates
 * and saturates like i32x4.trunc_sat; vqaddq_s32 saturates. The int16 ones serve only dr_mp3's int16
 * output, which we do not call.
 */
#include <wasm_simd128.h>

typedef float float32_t;
typedef v128_t float32x4_t;
typedef v128_t float32x2_t; /* the low two lanes */
typedef v128_t int32x4_t;
typedef v128_t uint32x4_t;
typedef v128_t int16x4_t; /* the low four lanes */

#define vld1q_f32(p) wasm_v128_load(p)
#define vst1q_f32(p, v) wasm_v128_store((p), (v))
#define vst1_f32(p, v) wasm_v128_store64_lane((p), (v), 0)
#define vst1q_lane_f32(p, v, lane) (*(p) = wasm_f32x4_extract_lane((v), (lane)))
#define vst1_lane_s16(p, v, lane) (*(p) = wasm_i16x8_extract_lane((v), (lane)))
#define vmovq_n_f32(s) wasm_f32x4_splat(s)
#define vdupq_n_f32(s) wasm_f32x4_splat(s)
#define vaddq_f32(a, b) wasm_f32x4_add((a), (b))
#define vsubq_f32(a, b) wasm_f32x4_sub((a), (b))
#define vmulq_f32(a, b) wasm_f32x4_mul((a), (b))
#define vmlaq_f32(a, x, y) wasm_f32x4_add((a), wasm_f32x4_mul((x), (y)))
#define vmlsq_f32(a, x, y) wasm_f32x4_sub((a), wasm_f32x4_mul((x), (y)))
#define vrev64q_f32(x) wasm_i32x4_shuffle((x), (x), 1, 0, 3, 2)
#define vget_low_f32(x) (x)
#define vget_high_f32(x) wasm_i32x4_shuffle((x), (x), 2, 3, 2, 3)
#define vcombine_f32(lo, hi) wasm_i32x4_shuffle((lo), (hi), 0, 1, 4, 5)
#define vcltq_f32(a, b) wasm_f32x4_lt((a), (b))
#define vcvtq_s32_f32(x) wasm_i32x4_trunc_sat_f32x4(x)
#define vreinterpretq_s32_u32(x) (x)
#define vqmovn_s32(x) wasm_i16x8_narrow_i32x4((x), (x))

static inline int32x4_t vqaddq_s32(int32x4_t a, int32x4_t b) {
  v128_t sum = wasm_i32x4_add(a, b);
  v128_t overflow = wasm_i32x4_lt(wasm_v128_and(wasm_v128_xor(a, sum), wasm_v128_xor(b, sum)), wasm_i32x4_splat(0));
  v128_t limit = wasm_v128_xor(wasm_i32x4_shr(a, 31), wasm_i32x4_splat(0x7fffffff));
  return wasm_v128_bitselect(limit, sum, overflow);
}
