/*
 * FLAC frame decoding in wasm SIMD, written for birdcall from the format's specification (RFC 9639).
 * Built by scripts/build-wasm.ts into flac.wasm; driven by src/audio/flac-native.ts, which lays out the
 * memory, hashes the MD5 bytes and returns undefined for any stream this decoder declines, so that
 * src/audio/flac.ts (which parses STREAMINFO and the metadata blocks) falls back to libFLAC (the
 * @wasm-audio-decoders/flac package).
 *
 * It declines (returns a negative code) rather than repairs: a frame header or a frame whose CRC fails, a
 * sync code missing where a frame should start, a frame or sample number out of sequence, reserved codes,
 * a frame that disagrees with STREAMINFO (rate, bits, channels, block size), more than 24 bits per
 * sample, or a frame running past the end of the data. So every stream it accepts decodes exactly, and
 * every damaged one gets libFLAC's recovery and warnings as before.
 *
 * Hot loops, written for speed: the bit reader keeps the bit position only and reads 8 bytes big-endian
 * (one SIMD swizzle) at each peek; the caller pads the data with 16 zero bytes. Rice codes are read from
 * a 64-bit cache with one count-leading-zeros each. LPC restoration sums in 32 bits when they are exact
 * (the encoder's guarantee libFLAC relies on, bits + precision + log2(order) <= 32, or
 * sum |coef| * 2^(bits-1) < 2^31), orders 4-12 four samples at a time with i32x4 (lpcGroups), else in
 * 64-bit scalar sums. Samples leave as float32 planes (integer / 2^(bits-1), as libsndfile) and as the
 * interleaved little-endian bytes the STREAMINFO MD5 is computed over. Built with -fwrapv: malformed input
 * may overflow sums, which then wrap (and the MD5 check declines the stream) instead of being undefined
 * behaviour.
 */
#include <wasm_simd128.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

#define EXPORT(name) __attribute__((export_name(#name)))

enum {
  ERR_END = -1,          /* the data ends inside a frame */
  ERR_SYNC = -2,         /* no frame sync code where a frame should start */
  ERR_HEADER = -3,       /* a reserved or invalid header code */
  ERR_HEADER_CRC = -4,   /* the frame header's CRC-8 fails */
  ERR_STREAMINFO = -5,   /* the frame disagrees with STREAMINFO */
  ERR_SUBFRAME = -6,     /* a reserved or invalid subframe code */
  ERR_CRC = -7,          /* the frame's CRC-16 fails */
  ERR_SEQUENCE = -8,     /* a frame or sample number out of sequence */
  ERR_UNSUPPORTED = -9,  /* more than 24 bits per sample */
};

/* Where JavaScript laid out the stream and the buffers (flac_begin), and the position in the stream. */
static struct {
  const u8 *data;
  u32 length;         /* bytes of data (16 zero bytes follow) */
  u64 bit;            /* the reader's position, in bits from data */
  u64 endBit;         /* length * 8 */
  u32 stop;           /* frames start only before this byte (flac_window: a window that is not the file's end) */
  int channels, bits, rate, maxBlock;
  i32 *work;          /* channels planes of (MARGIN + maxBlock) int32 */
  float *out;         /* channels planes of `capacity` float32 */
  u8 *md5;            /* capacity * channels * ceil(bits / 8) bytes */
  int capacity;       /* samples per channel of out (and md5), at least maxBlock */
  int filled;         /* samples per channel in out so far in this flac_read call */
  u64 nextSample;     /* first sample number of the next frame */
  u32 nextFrame;      /* frame number of the next frame (fixed block size streams) */
  int blocking;       /* -1 before the first frame, then the stream's blocking strategy bit */
} S;

/* int32 slots before each work plane: the LPC dot products read up to 3 samples before the first one. */
#define MARGIN 4

static u8 crc8Table[256];
/* crc16Tables[k][b]: the CRC-16 of byte b followed by k zero bytes (slicing by 8: 8 bytes per step). */
static u16 crc16Tables[8][256];

static void makeCrcTables(void) {
  for (int i = 0; i < 256; i++) {
    u32 c8 = (u32)i;
    u32 c16 = (u32)i << 8;
    for (int k = 0; k < 8; k++) {
      c8 = (c8 & 0x80) ? ((c8 << 1) ^ 0x07) : (c8 << 1);
      c16 = (c16 & 0x8000) ? ((c16 << 1) ^ 0x8005) : (c16 << 1);
    }
    crc8Table[i] = (u8)c8;
    crc16Tables[0][i] = (u16)c16;
  }
  for (int k = 1; k < 8; k++)
    for (int i = 0; i < 256; i++) {
      u32 c = crc16Tables[k - 1][i];
      crc16Tables[k][i] = (u16)((c << 8) ^ crc16Tables[0][c >> 8]);
    }
}

static u32 crc8(const u8 *p, u32 n) {
  u32 c = 0;
  for (u32 i = 0; i < n; i++) c = crc8Table[c ^ p[i]];
  return c;
}

static u32 crc16(const u8 *p, u32 n) {
  const u16(*t)[256] = crc16Tables;
  u32 c = 0;
  u32 i = 0;
  for (; i + 8 <= n; i += 8) {
    u32 x = c ^ ((u32)p[i] << 8 | p[i + 1]);
    c = t[7][x >> 8] ^ t[6][x & 0xff] ^ t[5][p[i + 2]] ^ t[4][p[i + 3]] ^ t[3][p[i + 4]] ^ t[2][p[i + 5]] ^ t[1][p[i + 6]] ^ t[0][p[i + 7]];
  }
  for (; i < n; i++) c = ((c << 8) & 0xffff) ^ t[0][(c >> 8) ^ p[i]];
  return c;
}

/* ---- bit reader ---- */

/* The 64 bits from the current position (at least 57 of them from the stream or its padding). */
/* 8 bytes big-endian from p, by one SIMD byte swizzle (wasm has no byte-swap instruction). */
static inline u64 loadBE64(const u8 *p) {
  v128_t v = wasm_v128_load64_zero(p);
  v = wasm_i8x16_swizzle(v, wasm_i8x16_const(7, 6, 5, 4, 3, 2, 1, 0, 8, 8, 8, 8, 8, 8, 8, 8));
  return (u64)wasm_i64x2_extract_lane(v, 0);
}

static inline u64 peek64(void) { return loadBE64(S.data + (S.bit >> 3)) << (S.bit & 7); }

/* n bits (1..57) as an unsigned number. */
static inline u32 readBits(int n) {
  u64 v = peek64() >> (64 - n);
  S.bit += (u64)n;
  return (u32)v;
}

/* n bits (0..32) as a two's complement number. */
static inline i32 readSigned(int n) {
  if (n == 0) return 0;
  u64 v = peek64();
  S.bit += (u64)n;
  return (i32)((i64)v >> (64 - n));
}

/* A unary number: the count of 0 bits before the next 1. -1 when the stream ends first. */
static int readUnary(void) {
  int q = 0;
  for (;;) {
    if (S.bit >= S.endBit) return -1;
    u64 w = peek64();
    if (w >> 8) {
      int z = __builtin_clzll(w);
      S.bit += (u64)z + 1;
      return q + z;
    }
    S.bit += 56;
    q += 56;
  }
}

/* ---- residual ---- */

/*
 * One partition of `n` Rice codes with parameter k into r: the hottest loop. The bits live in a 64-bit
 * cache (left-aligned, `avail` of them valid) refilled whole bytes at a time once per three codes, so the
 * chain from one code to the next is a count-leading-zeros and a shift, not a memory load; the k low bits are taken with
 * two shifts that also give 0 for k = 0. Bits after the valid ones are the stream's own or zero, so a
 * refill can OR the next 8 bytes in. The data must be followed by 16 bytes of padding.
 */
static int riceBlock(i32 *r, int n, int k) {
  const u8 *data = S.data;
  const u64 end = S.endBit;
  u32 pos = (u32)(S.bit >> 3);
  u64 cache = loadBE64(data + pos) << (S.bit & 7);
  int avail = 56 - (int)(S.bit & 7); /* under 64, so a refill never shifts by 64 */
  pos += 7;
  /* One unconditional refill per three codes (to 56-63 valid bits; ~8 bits a code here, and a longer
     run takes the slow path): no data-dependent refill branch. 2 codes: -20 %, 3: -6 % more, 4: no gain. */
#define REFILL()                                                  \
  if ((u64)pos * 8 - (u64)avail > end) return ERR_END;            \
  cache |= loadBE64(data + pos) >> avail;                         \
  pos += (u32)((63 - avail) >> 3);                                \
  avail |= 56;
#define ONE(I)                                                                          \
  {                                                                                     \
    int q = __builtin_clzll(cache | 1);                                                 \
    int len = q + 1 + k;                                                                \
    u32 v;                                                                              \
    if (__builtin_expect(len <= avail, 1)) {                                            \
      v = ((u32)q << k) | (u32)(((cache << q << 1) >> 1) >> (63 - k));                 \
      cache <<= len;                                                                    \
      avail -= len;                                                                     \
    } else {                                                                            \
      /* A code longer than the cache: read it from memory, then reload the cache. */   \
      S.bit = (u64)pos * 8 - (u64)avail;                                                \
      int uq = readUnary();                                                             \
      if (uq < 0) return ERR_END;                                                       \
      v = ((u32)uq << k) | (k ? readBits(k) : 0);                                       \
      if (S.bit > end) return ERR_END;                                                  \
      pos = (u32)(S.bit >> 3);                                                          \
      cache = loadBE64(data + pos) << (S.bit & 7);                                      \
      avail = 56 - (int)(S.bit & 7);                                                    \
      pos += 7;                                                                         \
    }                                                                                   \
    r[I] = (i32)(v >> 1) ^ -(i32)(v & 1);                                               \
  }
  int i = 0;
  for (; i + 3 <= n; i += 3) {
    REFILL()
    ONE(i)
    ONE(i + 1)
    ONE(i + 2)
  }
  for (; i < n; i++) {
    REFILL()
    ONE(i)
  }
#undef ONE
#undef REFILL
  if ((u64)pos * 8 - (u64)avail > end) return ERR_END;
  S.bit = (u64)pos * 8 - (u64)avail;
  return 0;
}

/* The residual of a subframe of `block` samples after `order` warm-up samples, into r[order..block-1]. */
static int residual(i32 *r, int block, int order) {
  u32 method = readBits(2);
  if (method > 1) return ERR_SUBFRAME;
  int paramBits = method == 0 ? 4 : 5;
  int escape = method == 0 ? 15 : 31;
  int partitionOrder = (int)readBits(4);
  int parts = 1 << partitionOrder;
  int per = block >> partitionOrder;
  if ((per << partitionOrder) != block || per < order) return ERR_SUBFRAME;
  int at = order;
  for (int p = 0; p < parts; p++) {
    int n = p == 0 ? per - order : per;
    int k = (int)readBits(paramBits);
    if (k == escape) {
      int bits = (int)readBits(5);
      if (S.bit + (u64)n * (u64)bits > S.endBit) return ERR_END;
      for (int i = 0; i < n; i++) r[at + i] = readSigned(bits);
    } else {
      int e = riceBlock(r + at, n, k);
      if (e) return e;
    }
    at += n;
  }
  return S.bit > S.endBit ? ERR_END : 0;
}

/* ---- predictors ---- */

/* The FIXED predictors (RFC 9639 9.2.5), the previous samples kept in registers. */
static void fixedRestore(i32 *s, int n, int order) {
  if (order == 0 || n <= order) return;
  i32 a = s[order - 1], b = order > 1 ? s[order - 2] : 0, c = order > 2 ? s[order - 3] : 0, d = order > 3 ? s[order - 4] : 0;
  switch (order) {
    case 1:
      for (int i = 1; i < n; i++) s[i] = a = s[i] + a;
      break;
    case 2:
      for (int i = 2; i < n; i++) {
        i32 x = s[i] + 2 * a - b;
        b = a, a = x, s[i] = x;
      }
      break;
    case 3:
      for (int i = 3; i < n; i++) {
        i32 x = s[i] + 3 * (a - b) + c;
        c = b, b = a, a = x, s[i] = x;
      }
      break;
    case 4:
      for (int i = 4; i < n; i++) {
        i32 x = s[i] + 4 * (a + c) - 6 * b - d;
        d = c, c = b, b = a, a = x, s[i] = x;
      }
      break;
  }
}

/*
 * s[i] += (sum over j < order of coef[j] * s[i-1-j]) >> shift, the sums in 32 bits. Scalar on purpose:
 * each sample depends on the previous one, and a vector load of the history right after the scalar store
 * of the newest sample defeats store-to-load forwarding (measured slower than this). The common orders
 * get their own loop with the coefficients in locals; the newest sample stays in a register and its term
 * is added last, so the loop-carried chain is one multiply, add, shift and add.
 */
#define LPC_ORDER(N)                                                   \
  case N: {                                                            \
    i32 c_[N];                                                         \
    for (int j = 0; j < N; j++) c_[j] = coef[j];                       \
    i32 last = s[N - 1];                                               \
    for (int i = N; i < n; i++) {                                      \
      i32 sum = 0;                                                     \
      for (int j = N - 1; j >= 1; j--) sum += c_[j] * s[i - 1 - j];    \
      sum += c_[0] * last;                                             \
      last = s[i] + (sum >> shift);                                    \
      s[i] = last;                                                     \
    }                                                                  \
    return;                                                            \
  }
/*
 * Orders 4-12 four samples at a time: the lags of 4 and more only reach samples of earlier groups, kept
 * in registers as i32x4 (B1 = the last 4, B2 and B3 before), so their terms for the 4 new samples are
 * vector multiplies of shuffled groups; the lags 1-3 are scalar, chained through the 4 new samples.
 * Modulo 2^32 the sums are the scalar loop's exactly (only the order of the additions differs).
 * Reads before s[0] land in the plane's margin, always in lanes whose coefficient is not used.
 */
#define WINDOW(L) (L == 4 ? B1 : L == 5 ? wasm_i32x4_shuffle(B2, B1, 3, 4, 5, 6) : L == 6 ? wasm_i32x4_shuffle(B2, B1, 2, 3, 4, 5) \
  : L == 7 ? wasm_i32x4_shuffle(B2, B1, 1, 2, 3, 4) : L == 8 ? B2 : L == 9 ? wasm_i32x4_shuffle(B3, B2, 3, 4, 5, 6) \
  : L == 10 ? wasm_i32x4_shuffle(B3, B2, 2, 3, 4, 5) : L == 11 ? wasm_i32x4_shuffle(B3, B2, 1, 2, 3, 4) : B3)
#define TERM(L) if (order >= L) acc = wasm_i32x4_add(acc, wasm_i32x4_mul(wasm_i32x4_splat(coef[L - 1]), WINDOW(L)));
static inline __attribute__((always_inline)) int lpcGroups(i32 *s, int n, const i32 *coef, const int order, int shift) {
  const i32 c0 = coef[0], c1 = coef[1], c2 = coef[2];
  int i = order;
  v128_t B1 = wasm_v128_load(s + i - 4), B2 = wasm_v128_load(s + i - 8);
  v128_t B3 = order > 8 ? wasm_v128_load(s + i - 12) : wasm_i32x4_splat(0);
  for (; i + 4 <= n; i += 4) {
    v128_t acc = wasm_i32x4_splat(0);
    TERM(4) TERM(5) TERM(6) TERM(7) TERM(8) TERM(9) TERM(10) TERM(11) TERM(12)
    i32 p1 = wasm_i32x4_extract_lane(B1, 3), p2 = wasm_i32x4_extract_lane(B1, 2), p3 = wasm_i32x4_extract_lane(B1, 1);
    i32 o0 = s[i] + ((wasm_i32x4_extract_lane(acc, 0) + c0 * p1 + c1 * p2 + c2 * p3) >> shift);
    i32 o1 = s[i + 1] + ((wasm_i32x4_extract_lane(acc, 1) + c0 * o0 + c1 * p1 + c2 * p2) >> shift);
    i32 o2 = s[i + 2] + ((wasm_i32x4_extract_lane(acc, 2) + c0 * o1 + c1 * o0 + c2 * p1) >> shift);
    i32 o3 = s[i + 3] + ((wasm_i32x4_extract_lane(acc, 3) + c0 * o2 + c1 * o1 + c2 * o0) >> shift);
    v128_t nb = wasm_i32x4_make(o0, o1, o2, o3);
    wasm_v128_store(s + i, nb);
    B3 = B2;
    B2 = B1;
    B1 = nb;
  }
  return i;
}
#undef TERM
#undef WINDOW

static void lpcRestore32(i32 *s, int n, const i32 *coef, int order, int shift) {
  int i = order;
  switch (order) {
    LPC_ORDER(1) LPC_ORDER(2) LPC_ORDER(3)
    case 4: i = lpcGroups(s, n, coef, 4, shift); break;
    case 5: i = lpcGroups(s, n, coef, 5, shift); break;
    case 6: i = lpcGroups(s, n, coef, 6, shift); break;
    case 7: i = lpcGroups(s, n, coef, 7, shift); break;
    case 8: i = lpcGroups(s, n, coef, 8, shift); break;
    case 9: i = lpcGroups(s, n, coef, 9, shift); break;
    case 10: i = lpcGroups(s, n, coef, 10, shift); break;
    case 11: i = lpcGroups(s, n, coef, 11, shift); break;
    case 12: i = lpcGroups(s, n, coef, 12, shift); break;
  }
  for (; i < n; i++) {
    i32 sum = 0;
    for (int j = 0; j < order; j++) sum += coef[j] * s[i - 1 - j];
    s[i] += sum >> shift;
  }
}
#undef LPC_ORDER

static void lpcRestore64(i32 *s, int n, const i32 *coef, int order, int shift) {
  for (int i = order; i < n; i++) {
    i64 sum = 0;
    for (int j = 0; j < order; j++) sum += (i64)coef[j] * s[i - 1 - j];
    s[i] += (i32)(sum >> shift);
  }
}

/* ---- subframes ---- */

/* Bits needed for |x| < 2^b: log2 rounded up of the order, for the 32-bit sum check. */
static int ceilLog2(int x) {
  int b = 0;
  while ((1 << b) < x) b++;
  return b;
}

static int subframe(i32 *s, int block, int bps) {
  if (readBits(1)) return ERR_SUBFRAME;
  int type = (int)readBits(6);
  int wasted = 0;
  if (readBits(1)) {
    int z = readUnary();
    if (z < 0) return ERR_END;
    wasted = z + 1;
    if (wasted >= bps) return ERR_SUBFRAME;
    bps -= wasted;
  }
  int e = 0;
  if (type == 0) {
    i32 v = readSigned(bps);
    for (int i = 0; i < block; i++) s[i] = v;
  } else if (type == 1) {
    if (S.bit + (u64)block * (u64)bps > S.endBit) return ERR_END;
    for (int i = 0; i < block; i++) s[i] = readSigned(bps);
  } else if (type >= 8 && type <= 12) {
    int order = type - 8;
    if (order > block) return ERR_SUBFRAME;
    for (int i = 0; i < order; i++) s[i] = readSigned(bps);
    if ((e = residual(s, block, order))) return e;
    fixedRestore(s, block, order);
  } else if (type >= 32) {
    int order = type - 31;
    if (order > block) return ERR_SUBFRAME;
    for (int i = 0; i < order; i++) s[i] = readSigned(bps);
    int precision = (int)readBits(4) + 1;
    if (precision == 16) return ERR_SUBFRAME;
    int shift = readSigned(5);
    if (shift < 0) return ERR_SUBFRAME;
    i32 coef[32];
    for (int j = 0; j < order; j++) coef[j] = readSigned(precision);
    if ((e = residual(s, block, order))) return e;
    /* 32-bit sums are exact when the final sum fits (wrapped partial sums do not matter): samples are
       within bps bits, so sum |coef| * 2^(bps-1) < 2^31 suffices; more often true than the precision rule. */
    u64 magnitude = 0;
    for (int j = 0; j < order; j++) magnitude += (u64)(coef[j] < 0 ? -(i64)coef[j] : coef[j]);
    if (bps + precision + ceilLog2(order) <= 32 || (magnitude << (bps - 1)) < (1ull << 31)) lpcRestore32(s, block, coef, order, shift);
    else lpcRestore64(s, block, coef, order, shift);
  } else {
    return ERR_SUBFRAME;
  }
  if (wasted)
    for (int i = 0; i < block; i++) s[i] = (i32)((u32)s[i] << wasted);
  return S.bit > S.endBit ? ERR_END : 0;
}

/* ---- frame header ---- */

static const int RATES[12] = {0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000};
static const int SIZES[8] = {0, 8, 12, -1, 16, 20, 24, 32};

/* The coded frame or sample number (RFC 9639 9.1.5, UTF-8-like); -1 when malformed. */
static i64 codedNumber(void) {
  u32 b = readBits(8);
  if (b < 0x80) return b;
  if (b == 0xff) return -1;
  int more = b >= 0xfe ? 6 : b >= 0xfc ? 5 : b >= 0xf8 ? 4 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
  if (more < 0) return -1;
  i64 v = more == 6 ? 0 : (b & (0x3f >> more));
  for (int i = 0; i < more; i++) {
    u32 c = readBits(8);
    if ((c & 0xc0) != 0x80) return -1;
    v = (v << 6) | (c & 0x3f);
  }
  return v;
}

/* Parses a frame header at the current (byte-aligned) position; returns the block size or an error. */
static int frameHeader(int *assignment) {
  u64 start = S.bit >> 3;
  if (S.bit + 32 > S.endBit) return ERR_END;
  if (readBits(15) != 0x7ffc) return ERR_SYNC;
  int blocking = (int)readBits(1);
  int blockCode = (int)readBits(4);
  int rateCode = (int)readBits(4);
  *assignment = (int)readBits(4);
  int sizeCode = (int)readBits(3);
  if (readBits(1)) return ERR_HEADER;
  if (S.blocking >= 0 && blocking != S.blocking) return ERR_SEQUENCE;
  i64 number = codedNumber();
  if (number < 0) return ERR_HEADER;
  int block;
  if (blockCode == 0) return ERR_HEADER;
  else if (blockCode == 1) block = 192;
  else if (blockCode <= 5) block = 576 << (blockCode - 2);
  else if (blockCode == 6) block = (int)readBits(8) + 1;
  else if (blockCode == 7) block = (int)readBits(16) + 1;
  else block = 256 << (blockCode - 8);
  int rate;
  if (rateCode == 15) return ERR_HEADER;
  else if (rateCode == 0) rate = S.rate;
  else if (rateCode < 12) rate = RATES[rateCode];
  else if (rateCode == 12) rate = (int)readBits(8) * 1000;
  else if (rateCode == 13) rate = (int)readBits(16);
  else rate = (int)readBits(16) * 10;
  u32 headerBytes = (u32)((S.bit >> 3) - start);
  if (S.bit + 8 > S.endBit) return ERR_END;
  if (readBits(8) != crc8(S.data + start, headerBytes)) return ERR_HEADER_CRC;
  int bits = sizeCode == 0 ? S.bits : SIZES[sizeCode];
  if (bits < 0 || *assignment > 10) return ERR_HEADER;
  int channels = *assignment < 8 ? *assignment + 1 : 2;
  if (rate != S.rate || bits != S.bits || channels != S.channels || block > S.maxBlock) return ERR_STREAMINFO;
  i64 expected = blocking ? (i64)S.nextSample : (i64)S.nextFrame;
  if (number != expected) return ERR_SEQUENCE;
  S.blocking = blocking;
  return block;
}

/* ---- output ---- */

static void decorrelate(int assignment, int block) {
  i32 *a = S.work + MARGIN;
  i32 *b = a + MARGIN + S.maxBlock;
  if (assignment == 8) {
    for (int i = 0; i < block; i++) b[i] = a[i] - b[i];
  } else if (assignment == 9) {
    for (int i = 0; i < block; i++) a[i] += b[i];
  } else if (assignment == 10) {
    for (int i = 0; i < block; i++) {
      i32 side = b[i];
      i32 mid = (i32)((u32)a[i] << 1) | (side & 1);
      a[i] = (mid + side) >> 1;
      b[i] = (mid - side) >> 1;
    }
  }
}

/*
 * The MD5 bytes of 9-16-bit mono or stereo, the usual case, 8 bytes (stereo) or 16 (mono) per shuffle:
 * the low 16 bits of each int32 lane, interleaved by channel.
 */
static void md5Pairs16(int block) {
  const i32 *a = S.work + MARGIN;
  u8 *m = S.md5 + S.filled * S.channels * 2;
  int i = 0;
  if (S.channels == 1) {
    for (; i + 8 <= block; i += 8)
      wasm_v128_store(m + 2 * i, wasm_i16x8_shuffle(wasm_v128_load(a + i), wasm_v128_load(a + i + 4), 0, 2, 4, 6, 8, 10, 12, 14));
    for (; i < block; i++) m[2 * i] = (u8)a[i], m[2 * i + 1] = (u8)(a[i] >> 8);
  } else {
    const i32 *b = a + MARGIN + S.maxBlock;
    for (; i + 4 <= block; i += 4)
      wasm_v128_store(m + 4 * i, wasm_i16x8_shuffle(wasm_v128_load(a + i), wasm_v128_load(b + i), 0, 8, 2, 10, 4, 12, 6, 14));
    for (; i < block; i++) m[4 * i] = (u8)a[i], m[4 * i + 1] = (u8)(a[i] >> 8), m[4 * i + 2] = (u8)b[i], m[4 * i + 3] = (u8)(b[i] >> 8);
  }
}

/* Float planes (integer / 2^(bits-1)) and the interleaved little-endian bytes the MD5 covers. */
static void emit(int block) {
  int channels = S.channels;
  int width = (S.bits + 7) >> 3;
  float scale = 1.0f / (float)(1 << (S.bits - 1));
  for (int c = 0; c < channels; c++) {
    const i32 *s = S.work + c * (MARGIN + S.maxBlock) + MARGIN;
    float *o = S.out + c * S.capacity + S.filled;
    for (int i = 0; i < block; i++) o[i] = (float)s[i] * scale;
    if (!S.md5) continue; /* the caller does not check the MD5 (the default, as libFLAC and libsndfile) */
    int stride = channels * width;
    u8 *m = S.md5 + S.filled * stride + c * width;
    if (width == 2 && channels <= 2) {
      if (c == 0) md5Pairs16(block);
    } else if (width == 1) {
      for (int i = 0; i < block; i++) m[i * stride] = (u8)s[i];
    } else if (width == 2) {
      for (int i = 0; i < block; i++, m += stride) {
        m[0] = (u8)s[i];
        m[1] = (u8)(s[i] >> 8);
      }
    } else {
      for (int i = 0; i < block; i++, m += stride) {
        m[0] = (u8)s[i];
        m[1] = (u8)(s[i] >> 8);
        m[2] = (u8)(s[i] >> 16);
      }
    }
  }
}

/* ---- exports ---- */

/*
 * Start decoding `length` bytes of frames at `data` (followed by 16 zero bytes), for a stream of the given
 * STREAMINFO, into `work` (channels * (4 + maxBlock) int32), `out` (channels planes of `capacity`
 * float32) and `md5` (capacity * channels * ceil(bits/8) bytes; 0 to skip the MD5 bytes when the caller
 * does not check the MD5). Returns 0, or ERR_UNSUPPORTED.
 */
EXPORT(flac_begin) int flac_begin(const u8 *data, u32 length, int channels, int bits, int rate, int maxBlock, i32 *work, float *out, u8 *md5, int capacity) {
  if (crc16Tables[0][1] == 0) makeCrcTables();
  if (bits > 24 || bits < 4 || channels < 1 || channels > 8 || capacity < maxBlock) return ERR_UNSUPPORTED;
  S.capacity = capacity;
  S.data = data;
  S.length = length;
  S.bit = 0;
  S.endBit = (u64)length * 8;
  S.stop = length;
  S.channels = channels;
  S.bits = bits;
  S.rate = rate;
  S.maxBlock = maxBlock;
  S.work = work;
  S.out = out;
  S.md5 = md5;
  S.nextSample = 0;
  S.nextFrame = 0;
  S.blocking = -1;
  for (int c = 0; c < channels; c++)
    for (int i = 0; i < MARGIN; i++) work[c * (MARGIN + maxBlock) + i] = 0;
  return 0;
}

/* Decodes the next frame into out and md5 at S.filled; returns its block size, 0 at the end, or an error. */
static int frame(void) {
  if (S.bit >= S.endBit) return 0;
  u64 start = S.bit >> 3;
  int assignment;
  int block = frameHeader(&assignment);
  if (block < 0) return block;
  for (int c = 0; c < S.channels; c++) {
    int side = (assignment == 8 || assignment == 10) ? c == 1 : assignment == 9 ? c == 0 : 0;
    int e = subframe(S.work + c * (MARGIN + S.maxBlock) + MARGIN, block, S.bits + side);
    if (e) return e;
  }
  S.bit = (S.bit + 7) & ~(u64)7;
  if (S.bit + 16 > S.endBit) return ERR_END;
  u32 crc = crc16(S.data + start, (u32)((S.bit >> 3) - start));
  if (readBits(16) != crc) return ERR_CRC;
  decorrelate(assignment, block);
  emit(block);
  S.nextSample += (u64)block;
  S.nextFrame++;
  return block;
}

/*
 * Decodes frames into out and md5 from their start while a frame of maxBlock still fits (fewer calls and
 * copies from JavaScript than a frame per call) and the reader is before `stop`; returns the samples per
 * channel decoded, 0 at the end of the data (or at `stop`), or an error.
 */
EXPORT(flac_read) int flac_read(void) {
  S.filled = 0;
  while (S.filled + S.maxBlock <= S.capacity && (S.bit >> 3) < S.stop) {
    int block = frame();
    if (block < 0) return block;
    if (block == 0) break;
    S.filled += block;
  }
  return S.filled;
}

/*
 * A stream read in windows: the caller moved the bytes from the reader's position (flac_position) to data[0]
 * and appended the file's next ones, `length` bytes in all (16 zero bytes follow); frames now start only
 * before byte `stop` (length for the file's last window). The frame and sample numbers carry on.
 */
EXPORT(flac_window) void flac_window(u32 length, u32 stop) {
  S.length = length;
  S.bit = 0;
  S.endBit = (u64)length * 8;
  S.stop = stop;
}

/* Byte offset of the reader in the data (where decoding stopped). */
EXPORT(flac_position) u32 flac_position(void) { return (u32)(S.bit >> 3); }
