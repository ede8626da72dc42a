import { createHash } from 'node:crypto';

/**
 * A deliberately simple FLAC writer for tests (RFC 9639), covering what sox/libFLAC never emit by default:
 * variable block sizes (blocking strategy 1, sample numbers), explicit 8- and 16-bit block size codes,
 * CONSTANT and VERBATIM subframes, FIXED subframes whose residual uses both Rice partitions with 5-bit
 * parameters and escaped (raw) partitions, and wasted bits. Samples are integers of `bits` bits.
 */
class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;

  put(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | (i >= 32 ? 0 : (value >> i) & 1);
      if (++this.n === 8) {
        this.bytes.push(this.acc);
        this.acc = 0;
        this.n = 0;
      }
    }
  }

  unary(zeros: number): void {
    for (let i = 0; i < zeros; i++) this.put(0, 1);
    this.put(1, 1);
  }

  align(): void {
    while (this.n !== 0) this.put(0, 1);
  }
}

function crc(bytes: number[], poly: number, width: number): number {
  const top = 1 << (width - 1);
  const mask = (1 << width) - 1;
  let c = 0;
  for (const b of bytes) {
    c ^= b << (width - 8);
    for (let k = 0; k < 8; k++) c = c & top ? ((c << 1) ^ poly) & mask : (c << 1) & mask;
  }
  return c;
}

/** The UTF-8-like coded number of a frame header (RFC 9639 9.1.5). */
function codedNumber(w: BitWriter, v: number): void {
  if (v < 0x80) return w.put(v, 8);
  let more = 1;
  while (v >= 2 ** (6 * more + 6 - more)) more++;
  w.put((1 << (more + 1)) - 1, more + 1);
  w.put(0, 1);
  w.put(Math.floor(v / 2 ** (6 * more)), 6 - more);
  for (let i = more - 1; i >= 0; i--) w.put(0x80 | (Math.floor(v / 2 ** (6 * i)) & 0x3f), 8);
}

const RATE_CODES = [-1, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];
const SIZE_CODES = [-1, 8, 12, -1, 16, 20, 24, 32];

/** fixed2k0: FIXED order 2 with Rice parameter 0, so large residuals make unary codes of hundreds of bits. */
export type SubframeKind = 'verbatim' | 'fixed2' | 'fixed2k0' | 'wasted';

/** A CONSTANT subframe when all samples are equal; 'wasted' only when all are even (else VERBATIM). */
function subframe(w: BitWriter, s: Int32Array, bits: number, kind: SubframeKind): void {
  const n = s.length;
  if (s.every((v) => v === s[0])) {
    w.put(0, 1); w.put(0, 6); w.put(0, 1); w.put(s[0], bits);
  } else if (kind === 'verbatim' || kind === 'wasted') {
    // 'wasted': the samples' low bit is shared (all even), signalled as one wasted bit.
    const wasted = kind === 'wasted' && s.every((v) => v % 2 === 0) ? 1 : 0;
    w.put(0, 1); w.put(1, 6); w.put(wasted, 1);
    if (wasted) w.unary(0);
    for (const v of s) w.put(v >> wasted, bits - wasted);
  } else {
    if (n < 2) throw new Error('a FIXED order-2 subframe needs 2 samples');
    w.put(0, 1); w.put(8 + 2, 6); w.put(0, 1);
    w.put(s[0], bits); w.put(s[1], bits);
    const r = Array.from({ length: n - 2 }, (_, i) => s[i + 2] - 2 * s[i + 1] + s[i]);
    const order = n % 2 === 0 && n / 2 >= 2 ? 1 : 0;
    w.put(1, 2); w.put(order, 4); // method 1: 5-bit Rice parameters, escape 31
    const per = n >> order;
    const parts = order === 0 ? [r] : [r.slice(0, per - 2), r.slice(per - 2)];
    parts.forEach((part, p) => {
      if (p === 1) {
        // the second partition escaped: raw signed numbers of a fixed width
        const width = 1 + Math.ceil(Math.log2(1 + Math.max(1, ...part.map(Math.abs))));
        w.put(31, 5); w.put(width, 5);
        for (const v of part) w.put(v, width);
      } else {
        const us = part.map((v) => (v >= 0 ? 2 * v : -2 * v - 1));
        const k = kind === 'fixed2k0' ? 0 : Math.min(30, Math.floor(Math.log2(1 + us.reduce((a, u) => a + u, 0) / Math.max(1, us.length))));
        w.put(k, 5);
        for (const u of us) {
          w.unary(Math.floor(u / 2 ** k));
          w.put(u % 2 ** k, k);
        }
      }
    });
  }
}

/**
 * A FLAC file of `channels` (independent channels) of `bits`-bit integers, in frames of the given sizes
 * (variable blocking), each frame's subframes of the kinds given in turn; the MD5 is computed for real.
 */
export function writeFlac(channels: Int32Array[], bits: number, rate: number, blockSizes: number[], kinds: SubframeKind[]): Uint8Array {
  const total = channels[0].length;
  const width = (bits + 7) >> 3;
  const pcm = Buffer.alloc(total * channels.length * width);
  for (let i = 0, at = 0; i < total; i++) for (const ch of channels) at = pcm.writeIntLE(ch[i], at, width);
  const md5 = createHash('md5').update(pcm).digest();
  const head = new BitWriter();
  head.put(0x664c6143, 32); // fLaC
  head.put(0x80, 8); head.put(34, 24); // last metadata block, STREAMINFO
  head.put(Math.min(...blockSizes), 16); head.put(Math.max(...blockSizes), 16);
  head.put(0, 24); head.put(0, 24);
  head.put(rate, 20); head.put(channels.length - 1, 3); head.put(bits - 1, 5);
  head.put(0, 4); head.put(total, 32);
  for (const b of md5) head.put(b, 8);
  const out = [...head.bytes];
  let start = 0;
  let f = 0;
  for (const size of blockSizes) {
    const w = new BitWriter();
    w.put(0x7ffc, 15); w.put(1, 1);
    // the rate and sample size as explicit codes where the format has one (as libFLAC writes them), else 0: from STREAMINFO
    w.put(size <= 256 ? 6 : 7, 4); w.put(Math.max(0, RATE_CODES.indexOf(rate)), 4);
    w.put(channels.length - 1, 4); w.put(Math.max(0, SIZE_CODES.indexOf(bits)), 3); w.put(0, 1);
    codedNumber(w, start);
    w.put(size - 1, size <= 256 ? 8 : 16);
    w.put(crc(w.bytes, 0x07, 8), 8);
    for (const ch of channels) subframe(w, ch.subarray(start, start + size), bits, kinds[f++ % kinds.length]);
    w.align();
    w.put(crc(w.bytes, 0x8005, 16), 16);
    for (const b of w.bytes) out.push(b);
    start += size;
  }
  return Uint8Array.from(out);
}
