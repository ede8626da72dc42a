/*
 * 16-bit integer PCM to float planes, as decodeWav scales it (x / 32768, exact in float32), for mono and
 * interleaved stereo. The JavaScript loop (src/audio/wav.ts) takes about 2 ns a sample, V8 does not
 * vectorise it; here eight samples go through one widening, one conversion and one multiply per four.
 *
 * Built by scripts/build-wasm.ts (npm run build:wasm) into pcm.wasm; driven by src/audio/pcm-native.ts,
 * which copies the PCM bytes into the module's memory and the planes out. No static data and no stack:
 * every array lives in memory the caller owns.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

static inline v128_t scaled(v128_t ints) { return wasm_f32x4_mul(wasm_f32x4_convert_i32x4(ints), wasm_f32x4_splat(1.0f / 32768.0f)); }

/* Mono: src holds n samples; out gets n floats. */
EXPORT(pcm16_mono)
void pcm16_mono(const short *src, float *out, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t x = wasm_v128_load(src + i);
    wasm_v128_store(out + i, scaled(wasm_i32x4_extend_low_i16x8(x)));
    wasm_v128_store(out + i + 4, scaled(wasm_i32x4_extend_high_i16x8(x)));
  }
  for (; i < n; i++) out[i] = src[i] / 32768.0f;
}

/* Stereo: src holds n frames of two interleaved samples; left and right get n floats each. */
EXPORT(pcm16_stereo)
void pcm16_stereo(const short *src, float *left, float *right, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t a = wasm_v128_load(src + 2 * i);
    v128_t b = wasm_v128_load(src + 2 * i + 8);
    v128_t l = wasm_i16x8_shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
    v128_t r = wasm_i16x8_shuffle(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
    wasm_v128_store(left + i, scaled(wasm_i32x4_extend_low_i16x8(l)));
    wasm_v128_store(left + i + 4, scaled(wasm_i32x4_extend_high_i16x8(l)));
    wasm_v128_store(right + i, scaled(wasm_i32x4_extend_low_i16x8(r)));
    wasm_v128_store(right + i + 4, scaled(wasm_i32x4_extend_high_i16x8(r)));
  }
  for (; i < n; i++) {
    left[i] = src[2 * i] / 32768.0f;
    right[i] = src[2 * i + 1] / 32768.0f;
  }
}
