/*
 * Ogg Vorbis decoding in wasm: stb_vorbis (v1.22, public domain / MIT, vendored unchanged from Debian's
 * libstb-dev as stb_vorbis.c) on the handful of C library functions it needs, written here or taken from
 * JavaScript. Built by scripts/build-wasm.ts into vorbis.wasm; driven by src/audio/stb-vorbis.ts.
 *
 * The module owns its memory (exported): stb_vorbis allocates only inside the buffer the caller passes
 * (stb_vorbis_alloc), so no malloc is needed. cos, sin, exp, log and pow, used only while reading a
 * file's setup header (window, twiddles, codebook sizes), come from JavaScript's Math as doubles.
 * Both of stb_vorbis's APIs are built: pulldata over a whole file in memory (vorbis_open, vorbis_read) and
 * pushdata over pieces of a file as it is read (vorbis_open_push, vorbis_push), which decode the same
 * packets through the same code into the same samples.
 * Built with -Wno-int-conversion: STB_VORBIS_NO_CRT defines malloc(s) as 0, which stb_vorbis returns as a
 * pointer on the (never taken, with an allocation buffer) malloc path.
 */
typedef __SIZE_TYPE__ size_t;

#define STB_VORBIS_NO_STDIO
#define STB_VORBIS_NO_CRT
#define STB_VORBIS_NO_INTEGER_CONVERSION

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

IMPORT(cos) double js_cos(double);
IMPORT(sin) double js_sin(double);
IMPORT(exp) double js_exp(double);
IMPORT(log) double js_log(double);
IMPORT(pow) double js_pow(double, double);

/* -mbulk-memory makes these single memory.copy / memory.fill instructions. */
void *memcpy(void *dst, const void *src, size_t n) {
  __builtin_memcpy(dst, src, n);
  return dst;
}
void *memset(void *dst, int c, size_t n) {
  __builtin_memset(dst, c, n);
  return dst;
}
static int bc_memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* Exact: scaling by powers of two (float32_unpack's only use). */
static double bc_ldexp(double x, int e) {
  while (e > 0) { x *= 2.0; e--; }
  while (e < 0) { x *= 0.5; e++; }
  return x;
}

/* Shell sort behind qsort's signature: stb_vorbis sorts codewords and floor points, all distinct. */
static void bc_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  unsigned char *a = base;
  unsigned char tmp[16];
  if (size > sizeof tmp) __builtin_trap();
  for (size_t gap = n / 2; gap > 0; gap /= 2) {
    for (size_t i = gap; i < n; i++) {
      __builtin_memcpy(tmp, a + i * size, size);
      size_t j = i;
      while (j >= gap && cmp(a + (j - gap) * size, tmp) > 0) {
        __builtin_memcpy(a + j * size, a + (j - gap) * size, size);
        j -= gap;
      }
      __builtin_memcpy(a + j * size, tmp, size);
    }
  }
}

#define memcmp bc_memcmp
#define ldexp bc_ldexp
#define qsort bc_qsort
#define cos js_cos
#define sin js_sin
#define exp js_exp
#define log js_log
#define pow js_pow
#define floor __builtin_floor
#define abs __builtin_abs
#define alloca __builtin_alloca
#define assert(x) ((void)0)

#include "stb_vorbis.c"

/*
 * Open the file's bytes with `allocLength` bytes at `alloc` for every allocation; returns the decoder (0
 * on failure, with the stb_vorbis error code at *error: 3 = the buffer is too small).
 */
EXPORT(vorbis_open) stb_vorbis *vorbis_open(const unsigned char *data, int length, char *alloc, int allocLength, int *error) {
  stb_vorbis_alloc a;
  a.alloc_buffer = alloc;
  a.alloc_buffer_length_in_bytes = allocLength;
  return stb_vorbis_open_memory(data, length, error, &a);
}

EXPORT(vorbis_channels) int vorbis_channels(stb_vorbis *v) { return v->channels; }
EXPORT(vorbis_rate) int vorbis_rate(stb_vorbis *v) { return (int)v->sample_rate; }
EXPORT(vorbis_error) int vorbis_error(stb_vorbis *v) { return stb_vorbis_get_error(v); }

/* Up to `frames` frames into the planes outs[0 .. channels-1]; returns how many (0 at the end). */
EXPORT(vorbis_read) int vorbis_read(stb_vorbis *v, int channels, float **outs, int frames) {
  return stb_vorbis_get_samples_float(v, channels, outs, frames);
}

/*
 * Pushdata: open from the first bytes of the file; returns the decoder (0 when the headers need more data:
 * out[1] = 1 (VORBIS_need_more_data), or on an error: its code at out[1]) and the bytes used at out[0].
 */
EXPORT(vorbis_open_push) stb_vorbis *vorbis_open_push(const unsigned char *data, int length, char *alloc, int allocLength, int *out) {
  stb_vorbis_alloc a;
  a.alloc_buffer = alloc;
  a.alloc_buffer_length_in_bytes = allocLength;
  out[0] = 0;
  return stb_vorbis_open_pushdata(data, length, &out[0], &out[1], &a);
}

/*
 * Decodes at most one frame from data[0 .. length): returns the bytes used (0 with no samples: a whole
 * packet is not there yet). out[0] = frames decoded, out[1] = the address of the channel pointers.
 */
EXPORT(vorbis_push) int vorbis_push(stb_vorbis *v, const unsigned char *data, int length, int *out) {
  float **output = 0;
  int channels = 0;
  int used = stb_vorbis_decode_frame_pushdata(v, data, length, &channels, &output, &out[0]);
  out[1] = (int)output;
  return used;
}
