/*
 * MP3 (MPEG-1/2/2.5 Layer III) decoding in wasm: dr_mp3 v0.6.33 (public domain / MIT-0, based on minimp3;
 * vendored as dr_mp3.h from Debian's libsdl2-mixer 2.6.2 source, with speed patches for wasm marked
 * "birdcall patch" in it; see docs/decisions/compressed-decoders.md) on the few C library functions it
 * needs, written here. Built by scripts/build-wasm.ts into mp3.wasm; driven by
 * src/audio/mp3-native.ts.
 *
 * SIMD: dr_mp3 has SSE and NEON paths written against a handful of intrinsics. Defining __ARM_NEON makes it
 * take the NEON one, and libc/arm_neon.h (first on the include path) maps those intrinsics to wasm SIMD128.
 *
 * Only the low-level frame decoder (drmp3dec_decode_frame) is used; the gapless trimming mpg123 does (the
 * encoder delay and padding of a LAME tag) is read here and applied by the caller, so the output has the
 * length and start of mpg123-decoder's. The module owns its memory; the decoder state is static.
 */
typedef __SIZE_TYPE__ size_t;
typedef unsigned char u8;

#define EXPORT(name) __attribute__((export_name(#name)))

/* -mbulk-memory makes these single memory.copy / memory.fill instructions. */
void *memcpy(void *dst, const void *src, size_t n) {
  __builtin_memcpy(dst, src, n);
  return dst;
}
void *memmove(void *dst, const void *src, size_t n) {
  __builtin_memmove(dst, src, n);
  return dst;
}
void *memset(void *dst, int c, size_t n) {
  __builtin_memset(dst, c, n);
  return dst;
}

#define __ARM_NEON 1
#define DR_MP3_IMPLEMENTATION
#define DR_MP3_NO_STDIO
#define DR_MP3_FLOAT_OUTPUT
#define DR_MP3_ONLY_MP3 /* Layer I and II (rare) go to mpg123 */
#define DRMP3_API static __attribute__((unused))
#define DRMP3_ASSERT(x) ((void)0)
/* Only the high-level drmp3 API (unused here) allocates. */
#define DRMP3_MALLOC(sz) ((void *)0)
#define DRMP3_REALLOC(p, sz) ((void *)0)
#define DRMP3_FREE(p) ((void)(p))
#include "dr_mp3.h"

static drmp3dec dec;
static float pcm[DRMP3_MAX_SAMPLES_PER_FRAME];

enum { ERR_JUNK = -1, ERR_CHANGES = -2, ERR_NO_SAMPLES = -4, ERR_TAG = -5 };

/* What mp3_begin and mp3_read report in info[]. */
enum { INFO_CHANNELS, INFO_RATE, INFO_FRAMES, INFO_TAG, INFO_DELAY, INFO_PADDING, INFO_TAG_FRAMES };

static unsigned be32(const u8 *p) { return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]; }

/*
 * The Xing/Info frame LAME writes first (no audio: mpg123 does not output it): 0 when the frame at h is
 * not one, 1 with the LAME encoder delay, padding and frame count in info[], ERR_TAG for a Xing/Info frame
 * without the LAME extension (its delay is unknown: the caller falls back to mpg123).
 */
static int lameTag(const u8 *h, int bytes, int *info) {
  int mpeg1 = (h[1] & 0x08) != 0, mono = (h[3] & 0xc0) == 0xc0;
  int at = 4 + ((h[1] & 1) ? 0 : 2) + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
  if (at + 8 > bytes) return 0;
  const u8 *x = h + at;
  int xing = x[0] == 'X' && x[1] == 'i' && x[2] == 'n' && x[3] == 'g';
  int infoTag = x[0] == 'I' && x[1] == 'n' && x[2] == 'f' && x[3] == 'o';
  if (!xing && !infoTag) return 0;
  unsigned flags = be32(x + 4);
  int p = 8;
  info[INFO_TAG_FRAMES] = -1;
  if (flags & 1) {
    if (at + p + 4 > bytes) return ERR_TAG;
    info[INFO_TAG_FRAMES] = (int)be32(x + p);
    p += 4;
  }
  if (flags & 2) p += 4;
  if (flags & 4) p += 100;
  if (flags & 8) p += 4;
  if (at + p + 24 > bytes) return ERR_TAG;
  const u8 *lame = x + p;
  if (!(lame[0] == 'L' && lame[1] == 'A' && lame[2] == 'M' && lame[3] == 'E')) return ERR_TAG;
  info[INFO_DELAY] = (lame[21] << 4) | (lame[22] >> 4);
  info[INFO_PADDING] = ((lame[22] & 0x0f) << 8) | lame[23];
  return 1;
}

/* The stream being decoded (mp3_begin, then mp3_read until it returns 0). */
static struct {
  const u8 *data;
  int length, pos;
  int stop; /* frames start only before this byte (mp3_window: a window that is not the file's end) */
  int *info;
} S;

/*
 * Start decoding the `length` bytes of MPEG frames at `data` (the first frame at data[0], tags cut off),
 * frames starting only before byte `stop` (length, unless the data is a window of the file: mp3_window).
 * info[] receives INFO_CHANNELS and INFO_RATE of the first frame and, when it is LAME's Xing/Info frame
 * (skipped: no audio), INFO_TAG = 1 with its delay, padding and frame count; INFO_FRAMES counts the frames
 * mp3_read decodes. Returns 0, or an error: no valid Layer III header at data[0], or a Xing/Info frame
 * without the LAME extension.
 */
EXPORT(mp3_begin) int mp3_begin(const u8 *data, int length, int stop, int *info) {
  drmp3dec_init(&dec);
  for (int i = 0; i <= INFO_TAG_FRAMES; i++) info[i] = 0;
  S.data = data;
  S.length = length;
  S.pos = 0;
  S.stop = stop;
  S.info = info;
  if (length < 4 || !drmp3_hdr_valid(data) || DRMP3_HDR_GET_LAYER(data) != 1) return ERR_NO_SAMPLES;
  int bytes = drmp3_hdr_frame_bytes(data, 0) + drmp3_hdr_padding(data);
  if (bytes <= 4 || bytes > length) return ERR_JUNK;
  info[INFO_CHANNELS] = DRMP3_HDR_IS_MONO(data) ? 1 : 2;
  info[INFO_RATE] = (int)drmp3_hdr_sample_rate_hz(data);
  int tag = lameTag(data, bytes, info);
  if (tag < 0) return tag;
  info[INFO_TAG] = tag;
  if (tag) S.pos = bytes;
  return 0;
}

/*
 * Decodes the next frames into the planes out0 (and out1 for stereo) of `capacity` samples (at least one
 * frame's, 1152) while a whole frame still fits and the reader is before `stop`. Returns the samples per
 * channel decoded, 0 at the end of the data (or at `stop`), or a negative error: bytes that are not frames, a change of channels or rate, a frame that
 * decodes to nothing (its bit reservoir lies before the data), or Layer I/II.
 */
EXPORT(mp3_read) int mp3_read(float *out0, float *out1, int capacity) {
  int *info = S.info, filled = 0;
  while (S.pos < S.stop && filled + DRMP3_MAX_SAMPLES_PER_FRAME / 2 <= capacity) {
    drmp3dec_frame_info fi;
    int n = drmp3dec_decode_frame(&dec, S.data + S.pos, S.length - S.pos, pcm, &fi);
    if (fi.frame_bytes == 0) break;
    /* The frame must start at pos (no bytes skipped) and be as long as its header says. */
    const u8 *h = S.data + S.pos;
    if (fi.layer != 3) return ERR_NO_SAMPLES;
    if (!drmp3_hdr_valid(h) || drmp3_hdr_frame_bytes(h, 0) + drmp3_hdr_padding(h) != fi.frame_bytes) return ERR_JUNK;
    if (fi.channels != info[INFO_CHANNELS] || fi.hz != info[INFO_RATE]) return ERR_CHANGES;
    if (n == 0) return ERR_NO_SAMPLES;
    if (fi.channels == 1) {
      __builtin_memcpy(out0 + filled, pcm, (size_t)n * sizeof(float));
    } else {
      float *l = out0 + filled, *r = out1 + filled;
      for (int i = 0; i < n; i++) l[i] = pcm[2 * i], r[i] = pcm[2 * i + 1];
    }
    filled += n;
    info[INFO_FRAMES]++;
    S.pos += fi.frame_bytes;
  }
  return filled;
}

/*
 * A stream read in windows: the caller moved the bytes from the reader's position (mp3_position) to data[0]
 * and appended the file's next ones, `length` bytes in all; frames now start only before byte `stop`
 * (length for the file's last window). dr_mp3 looks ahead of a frame for the next headers (up to 10 frames
 * when it syncs), so the caller keeps `stop` far enough from the window's end that it sees what it would
 * in the whole file; the bit reservoir is copied inside the decoder state, so it carries over.
 */
EXPORT(mp3_window) void mp3_window(int length, int stop) {
  S.length = length;
  S.pos = 0;
  S.stop = stop;
}

/* Byte offset of the reader in the data (where decoding stopped). */
EXPORT(mp3_position) int mp3_position(void) { return S.pos; }
