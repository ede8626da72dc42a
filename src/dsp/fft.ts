import FFT from 'fft.js';
import { paramError } from '../params.ts';

/**
 * Forward FFT plans on fft.js.
 *
 * fft.js only does powers of two. `RealFft` computes the spectrum of n real samples for ANY n:
 *  - even n: the n reals are read as n/2 complex numbers (x[2j] + i x[2j+1]), one complex FFT of size n/2
 *    runs, and a split step recovers the n/2 + 1 bins. This halves the work of a complex transform and
 *    beats both fft.js's own realTransform and packing two frames into one complex FFT (see bench/fft.ts).
 *  - odd n: one complex FFT of size n with a zero imaginary part.
 * The complex FFT is fft.js for powers of two and Bluestein's chirp-z (three fft.js transforms of a power
 * of two >= 2m - 1) for any other size m, so n_fft 400, 1000 or 2400 give the exact DFT that numpy's
 * pocketfft gives, not a zero-padded approximation.
 *
 * Every array on the hot path is a Float64Array: fft.js runs 2-5x slower once one process has fed it
 * more than one array type. Plans are cached per size and own their scratch buffers, so a transform
 * allocates nothing. Plans are not re-entrant, which is fine in single-threaded JS (no await inside).
 */

/** A forward complex DFT of fixed size on interleaved (re, im) Float64Arrays of length 2 * size. */
interface ComplexPlan {
  readonly size: number;
  /** `out` and `input` must be different arrays, each of length >= 2 * size. */
  transform(out: Float64Array, input: Float64Array): void;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 2 && (n & (n - 1)) === 0;
}

class FftJsPlan implements ComplexPlan {
  private readonly fft: FFT;
  constructor(readonly size: number) {
    this.fft = new FFT(size);
  }
  transform(out: Float64Array, input: Float64Array): void {
    this.fft.transform(out, input);
  }
}

/** The DFT of one point is the point itself (fft.js rejects size 1). */
class IdentityPlan implements ComplexPlan {
  readonly size = 1;
  transform(out: Float64Array, input: Float64Array): void {
    out[0] = input[0];
    out[1] = input[1];
  }
}

/**
 * Bluestein's algorithm: X[k] = w[k] * sum_n (x[n] w[n]) conj(w[k - n]) with w[k] = exp(-i pi k^2 / m),
 * a convolution done with power-of-two FFTs of size L >= 2m - 1.
 */
class BluesteinPlan implements ComplexPlan {
  private readonly fft: FFT;
  private readonly length: number;
  /** Chirp w[k], k < m. */
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  /** FFT of the conjugate chirp filter, already divided by L so the inverse transform needs no pass. */
  private readonly filter: Float64Array;
  /** Chirped input, zero beyond 2m forever. */
  private readonly a: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly product: Float64Array;

  constructor(readonly size: number) {
    const m = size;
    let length = 2;
    while (length < 2 * m - 1) length *= 2;
    this.length = length;
    this.fft = new FFT(length);
    this.chirpRe = new Float64Array(m);
    this.chirpIm = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      // k^2 mod 2m keeps the angle small, so it stays exact for large k
      const angle = (Math.PI * ((k * k) % (2 * m))) / m;
      this.chirpRe[k] = Math.cos(angle);
      this.chirpIm[k] = -Math.sin(angle);
    }
    const b = new Float64Array(2 * length);
    for (let k = 0; k < m; k++) {
      const re = this.chirpRe[k] / length;
      const im = -this.chirpIm[k] / length;
      b[2 * k] = re;
      b[2 * k + 1] = im;
      if (k > 0) {
        b[2 * (length - k)] = re;
        b[2 * (length - k) + 1] = im;
      }
    }
    this.filter = new Float64Array(2 * length);
    this.fft.transform(this.filter, b);
    this.a = new Float64Array(2 * length);
    this.spectrum = new Float64Array(2 * length);
    this.product = new Float64Array(2 * length);
  }

  transform(out: Float64Array, input: Float64Array): void {
    const m = this.size;
    const { a, spectrum, product, filter, chirpRe, chirpIm } = this;
    for (let k = 0; k < m; k++) {
      const xr = input[2 * k];
      const xi = input[2 * k + 1];
      const wr = chirpRe[k];
      const wi = chirpIm[k];
      a[2 * k] = xr * wr - xi * wi;
      a[2 * k + 1] = xr * wi + xi * wr;
    }
    this.fft.transform(spectrum, a);
    // conj(A * B): the inverse FFT is conj(FFT(conj(.))), and 1/L is folded into B
    for (let j = 0; j < 2 * this.length; j += 2) {
      const ar = spectrum[j];
      const ai = spectrum[j + 1];
      const br = filter[j];
      const bi = filter[j + 1];
      product[j] = ar * br - ai * bi;
      product[j + 1] = -(ar * bi + ai * br);
    }
    this.fft.transform(spectrum, product);
    for (let k = 0; k < m; k++) {
      const cr = spectrum[2 * k];
      const ci = -spectrum[2 * k + 1];
      const wr = chirpRe[k];
      const wi = chirpIm[k];
      out[2 * k] = cr * wr - ci * wi;
      out[2 * k + 1] = cr * wi + ci * wr;
    }
  }
}

/**
 * Complex FFT of a power-of-two size m on split (re, im) Float64Arrays, specialised for what RealFft
 * needs: input is n = 2m real samples read as m complex pairs, output is left in place in a fixed
 * permuted order (`posOf[k]` = where Z[k] ends up) so no bit-reversal pass is ever run; the real split
 * step gathers through `posOf` instead.
 *
 * Decimation in frequency, radix-8 stages with a radix-4 (or, below m = 128, radix-2) remainder last:
 * m = 1024 runs 8, 8, 4, 4 (4 passes over memory where radix-4 ran 5), m = 512 runs 8, 4, 4, 4 (see
 * stageRadices); a last radix-4 stage runs fused with the real split step (splitPowerFused). Typed-array
 * loads and stores, each bounds-checked, are what this JavaScript pays for most, so fewer passes beat
 * fewer flops. One twiddle
 * table serves every stage: a stage of block length len needs W_len^(qj) = W_m^(qj m/len), i.e. row
 * j * m / len of the first stage's table. The first stage reads the interleaved input directly (no
 * de-interleaving pass) and the last stage has no twiddles.
 */
const SQRT1_2 = Math.SQRT1_2;

class MixedRadixCore {
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** posOf[k]: index into re/im holding Z[k]. */
  readonly posOf: Int32Array;
  /** Radix of each stage, first (longest blocks) to last. */
  readonly radices: readonly number[];
  /** Row j < max(1, m / 8): W_m^(qj) as (cos, -sin) for q = 1 .. 7, 14 values per row. */
  private readonly tw: Float64Array;

  constructor(readonly m: number) {
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
    this.radices = stageRadices(m);
    const rows = Math.max(1, m >> 3);
    this.tw = new Float64Array(14 * rows);
    for (let j = 0; j < rows; j++) {
      for (let q = 1; q <= 7; q++) {
        // reduced mod m so the angle stays small and exact
        const angle = (2 * Math.PI * ((q * j) % m)) / m;
        this.tw[14 * j + 2 * (q - 1)] = Math.cos(angle);
        this.tw[14 * j + 2 * (q - 1) + 1] = -Math.sin(angle);
      }
    }
    this.posOf = new Int32Array(m);
    for (let k = 0; k < m; k++) this.posOf[k] = outputPosition(k, m, this.radices, 0);
    const last = this.radices[this.radices.length - 1];
    // only a last radix-4 stage is fused: two radix-8 blocks are 32 live values, more than the
    // registers hold, and fusing them measured 0.95x at n = 1024 (spilled to a scratch array: 0.84x)
    this.fusedRadix = this.radices.length >= 2 && last === 4 ? 4 : 0;
    const blocks = this.fusedRadix ? m / this.fusedRadix : 0;
    this.splitTw = new Float64Array(blocks * this.fusedRadix);
    // the same expression as RealFft's twCos / twSin, so the bins are bit-identical to the unfused split
    const angle = (k: number) => (2 * Math.PI * k) / (2 * m);
    for (let kl = 0; kl < blocks >> 1; kl++) {
      for (let q = 0; q < this.fusedRadix; q++) {
        // the pair's smaller bin carries the twiddle, as in the unfused split (same rounding)
        const k = q < this.fusedRadix / 2 ? kl + q * blocks : m - kl - q * blocks;
        this.splitTw[2 * (kl * this.fusedRadix + q)] = Math.cos(angle(k));
        this.splitTw[2 * (kl * this.fusedRadix + q) + 1] = Math.sin(angle(k));
      }
    }
    // bins k = q m / r (0 < q <= r / 2) and m / (2r) + q m / r (q < r / 2): the self-paired blocks' pairs
    const r = this.fusedRadix;
    this.selfK = new Int32Array(r);
    this.selfTw = new Float64Array(2 * r);
    for (let q = 0; q < r; q++) {
      const k = q < r / 2 ? (blocks >> 1) + q * blocks : (q - r / 2 + 1) * blocks;
      this.selfK[q] = k;
      this.selfTw[2 * q] = Math.cos(angle(k));
      this.selfTw[2 * q + 1] = Math.sin(angle(k));
    }
  }

  /**
   * The last stage's radix when it can run fused with the real split step (0: it cannot, the caller
   * runs the whole transform and the gathering split). See splitPowerFused.
   */
  readonly fusedRadix: 0 | 4;
  /**
   * Real-split twiddles W_2m^k = (cos, sin)(pi k / m) in the order the fused last stage reads them: row
   * kl < m / (2 r) holds, for q < r, pair (kl + q m / r, m - kl - q m / r)'s smaller k, so the loop
   * streams through one array.
   */
  private readonly splitTw: Float64Array;
  /** The split pairs (k, m - k) inside the two self-paired blocks, and their twiddles. */
  private readonly selfK: Int32Array;
  private readonly selfTw: Float64Array;

  /**
   * Z = FFT of (x[0] + i x[1], x[2] + i x[3], ...) into re/im, permuted by posOf. With `skipLast` the
   * last (twiddle-free) stage is left to the caller: `splitPowerFused` / `splitForwardFused` run it
   * fused with the real split step.
   */
  transformPairs(x: Float64Array, skipLast = false): void {
    const { re, im, m, radices } = this;
    const stages = skipLast ? radices.length - 1 : radices.length;
    let s = 0;
    let len = m;
    if (radices[0] === 8) {
      this.firstStage8(x);
      s = 1;
      len = m >> 3;
    } else {
      for (let j = 0; j < m; j++) {
        re[j] = x[2 * j];
        im[j] = x[2 * j + 1];
      }
    }
    for (; s < stages; s++) {
      const radix = radices[s];
      const last = s === radices.length - 1;
      if (radix === 8) {
        if (last) this.lastStage8();
        else this.stage8(len);
      } else if (radix === 4) {
        if (last) this.lastStage4();
        else this.stage4(len);
      } else {
        this.lastStage2();
      }
      len /= radix;
    }
  }

  /**
   * The first radix-8 stage, one block of length m, reading the interleaved input. The radix-8 DFT is a
   * radix-2 step (sums b and twiddled differences c of points r and r + 4) then two radix-4 DFTs. The
   * butterfly is written out here and in stage8 rather than called: TurboFan does not inline a function
   * this large, and the call made the transform 2x slower (measured).
   */
  private firstStage8(x: Float64Array): void {
    const { re, im, tw } = this;
    const e = this.m >> 3;
    for (let j = 0; j < e; j++) {
      const w = 14 * j;
      const c1 = tw[w], s1 = tw[w + 1], c2 = tw[w + 2], s2 = tw[w + 3], c3 = tw[w + 4], s3 = tw[w + 5];
      const c4 = tw[w + 6], s4 = tw[w + 7], c5 = tw[w + 8], s5 = tw[w + 9], c6 = tw[w + 10], s6 = tw[w + 11];
      const c7 = tw[w + 12], s7 = tw[w + 13];
      {
        const i0 = j, i1 = i0 + e, i2 = i1 + e, i3 = i2 + e, i4 = i3 + e, i5 = i4 + e, i6 = i5 + e, i7 = i6 + e;
        const a0r = x[2 * i0], a0i = x[2 * i0 + 1], a4r = x[2 * i4], a4i = x[2 * i4 + 1];
        const a1r = x[2 * i1], a1i = x[2 * i1 + 1], a5r = x[2 * i5], a5i = x[2 * i5 + 1];
        const a2r = x[2 * i2], a2i = x[2 * i2 + 1], a6r = x[2 * i6], a6i = x[2 * i6 + 1];
        const a3r = x[2 * i3], a3i = x[2 * i3 + 1], a7r = x[2 * i7], a7i = x[2 * i7 + 1];
        // radix-2 step: b_r = a_r + a_(r+4), c_r = (a_r - a_(r+4)) W8^r with W8 = (1 - i) / sqrt 2
        const b0r = a0r + a4r, b0i = a0i + a4i;
        const b1r = a1r + a5r, b1i = a1i + a5i;
        const b2r = a2r + a6r, b2i = a2i + a6i;
        const b3r = a3r + a7r, b3i = a3i + a7i;
        const c0r = a0r - a4r, c0i = a0i - a4i;
        const c2r = a2i - a6i, c2i = a6r - a2r;
        const d1r = a1r - a5r, d1i = a1i - a5i;
        const d3r = a3r - a7r, d3i = a3i - a7i;
        const c1r = (d1r + d1i) * SQRT1_2, c1i = (d1i - d1r) * SQRT1_2;
        const c3r = (d3i - d3r) * SQRT1_2, c3i = -(d3r + d3i) * SQRT1_2;
        // radix-4 DFT of b gives outputs 0, 2, 4, 6; of c outputs 1, 3, 5, 7; each times W^q
        let t0r = b0r + b2r, t0i = b0i + b2i;
        let t1r = b0r - b2r, t1i = b0i - b2i;
        let t2r = b1r + b3r, t2i = b1i + b3i;
        let t3r = b1r - b3r, t3i = b1i - b3i;
        re[i0] = t0r + t2r;
        im[i0] = t0i + t2i;
        let yr = t1r + t3i, yi = t1i - t3r;
        re[i2] = yr * c2 - yi * s2;
        im[i2] = yr * s2 + yi * c2;
        yr = t0r - t2r;
        yi = t0i - t2i;
        re[i4] = yr * c4 - yi * s4;
        im[i4] = yr * s4 + yi * c4;
        yr = t1r - t3i;
        yi = t1i + t3r;
        re[i6] = yr * c6 - yi * s6;
        im[i6] = yr * s6 + yi * c6;
        t0r = c0r + c2r;
        t0i = c0i + c2i;
        t1r = c0r - c2r;
        t1i = c0i - c2i;
        t2r = c1r + c3r;
        t2i = c1i + c3i;
        t3r = c1r - c3r;
        t3i = c1i - c3i;
        yr = t0r + t2r;
        yi = t0i + t2i;
        re[i1] = yr * c1 - yi * s1;
        im[i1] = yr * s1 + yi * c1;
        yr = t1r + t3i;
        yi = t1i - t3r;
        re[i3] = yr * c3 - yi * s3;
        im[i3] = yr * s3 + yi * c3;
        yr = t0r - t2r;
        yi = t0i - t2i;
        re[i5] = yr * c5 - yi * s5;
        im[i5] = yr * s5 + yi * c5;
        yr = t1r - t3i;
        yi = t1i + t3r;
        re[i7] = yr * c7 - yi * s7;
        im[i7] = yr * s7 + yi * c7;
      }
    }
  }

  /**
   * A twiddled radix-8 stage over blocks of `len`. The butterfly index j is the outer loop so a twiddle
   * row is fetched once per stage, not once per block (late stages have many short blocks).
   */
  private stage8(len: number): void {
    const { re, im, m, tw } = this;
    const e = len >> 3;
    const rowStride = 14 * (m / len);
    for (let j = 0; j < e; j++) {
      const w = rowStride * j;
      const c1 = tw[w], s1 = tw[w + 1], c2 = tw[w + 2], s2 = tw[w + 3], c3 = tw[w + 4], s3 = tw[w + 5];
      const c4 = tw[w + 6], s4 = tw[w + 7], c5 = tw[w + 8], s5 = tw[w + 9], c6 = tw[w + 10], s6 = tw[w + 11];
      const c7 = tw[w + 12], s7 = tw[w + 13];
      for (let i0 = j; i0 < m; i0 += len) {
        const i1 = i0 + e, i2 = i1 + e, i3 = i2 + e, i4 = i3 + e, i5 = i4 + e, i6 = i5 + e, i7 = i6 + e;
        const a0r = re[i0], a0i = im[i0], a4r = re[i4], a4i = im[i4];
        const a1r = re[i1], a1i = im[i1], a5r = re[i5], a5i = im[i5];
        const a2r = re[i2], a2i = im[i2], a6r = re[i6], a6i = im[i6];
        const a3r = re[i3], a3i = im[i3], a7r = re[i7], a7i = im[i7];
        // radix-2 step: b_r = a_r + a_(r+4), c_r = (a_r - a_(r+4)) W8^r with W8 = (1 - i) / sqrt 2
        const b0r = a0r + a4r, b0i = a0i + a4i;
        const b1r = a1r + a5r, b1i = a1i + a5i;
        const b2r = a2r + a6r, b2i = a2i + a6i;
        const b3r = a3r + a7r, b3i = a3i + a7i;
        const c0r = a0r - a4r, c0i = a0i - a4i;
        const c2r = a2i - a6i, c2i = a6r - a2r;
        const d1r = a1r - a5r, d1i = a1i - a5i;
        const d3r = a3r - a7r, d3i = a3i - a7i;
        const c1r = (d1r + d1i) * SQRT1_2, c1i = (d1i - d1r) * SQRT1_2;
        const c3r = (d3i - d3r) * SQRT1_2, c3i = -(d3r + d3i) * SQRT1_2;
        // radix-4 DFT of b gives outputs 0, 2, 4, 6; of c outputs 1, 3, 5, 7; each times W^q
        let t0r = b0r + b2r, t0i = b0i + b2i;
        let t1r = b0r - b2r, t1i = b0i - b2i;
        let t2r = b1r + b3r, t2i = b1i + b3i;
        let t3r = b1r - b3r, t3i = b1i - b3i;
        re[i0] = t0r + t2r;
        im[i0] = t0i + t2i;
        let yr = t1r + t3i, yi = t1i - t3r;
        re[i2] = yr * c2 - yi * s2;
        im[i2] = yr * s2 + yi * c2;
        yr = t0r - t2r;
        yi = t0i - t2i;
        re[i4] = yr * c4 - yi * s4;
        im[i4] = yr * s4 + yi * c4;
        yr = t1r - t3i;
        yi = t1i + t3r;
        re[i6] = yr * c6 - yi * s6;
        im[i6] = yr * s6 + yi * c6;
        t0r = c0r + c2r;
        t0i = c0i + c2i;
        t1r = c0r - c2r;
        t1i = c0i - c2i;
        t2r = c1r + c3r;
        t2i = c1i + c3i;
        t3r = c1r - c3r;
        t3i = c1i - c3i;
        yr = t0r + t2r;
        yi = t0i + t2i;
        re[i1] = yr * c1 - yi * s1;
        im[i1] = yr * s1 + yi * c1;
        yr = t1r + t3i;
        yi = t1i - t3r;
        re[i3] = yr * c3 - yi * s3;
        im[i3] = yr * s3 + yi * c3;
        yr = t0r - t2r;
        yi = t0i - t2i;
        re[i5] = yr * c5 - yi * s5;
        im[i5] = yr * s5 + yi * c5;
        yr = t1r - t3i;
        yi = t1i + t3r;
        re[i7] = yr * c7 - yi * s7;
        im[i7] = yr * s7 + yi * c7;
      }
    }
  }

  /**
   * The two last-stage blocks that pair with themselves in the split (kl = 0: Z[q m / 4], and
   * kl = m / 8): run as a plain stage, then their bins gathered one pair at a time.
   */
  private selfPairedBlocks(): void {
    const base = this.posOf[this.m / 8];
    this.lastStage4(0, 4);
    this.lastStage4(base, base + 4);
  }

  /**
   * The last radix-4 stage fused with the real split step, |X|^2 into out[0 .. m]. Last-stage block kl
   * (at posOf[kl]) ends up holding Z[kl + q m / 4], q < 4, and the split pairs Z[k] with Z[m - k], which
   * lies in block m / 4 - kl at place 3 - q: so the loop runs the butterflies of that pair of blocks and
   * splits their 4 pairs straight from registers. This saves the last stage's stores and the split's
   * gathered loads (the split was about 30 % of the time at n = 2048).
   */
  splitPowerFused(out: Float64Array): void {
    this.selfPairedBlocks();
    const m = this.m;
    const { re, im } = this;
    const dc = re[0] + im[0];
    const nyquist = re[0] - im[0];
    out[0] = dc * dc;
    out[m] = nyquist * nyquist;
    const { posOf, selfK, selfTw } = this;
    for (let j = 0; j < selfK.length; j++) {
      const k = selfK[j];
      const pa = posOf[k];
      const pb = posOf[m - k];
      pairPower(out, k, m - k, re[pa], im[pa], re[pb], im[pb], selfTw[2 * j], selfTw[2 * j + 1]);
    }
    this.fused4(out, true);
  }

  /** As splitPowerFused, complex bins (re, im interleaved) into out[0 .. 2m + 1]. */
  splitForwardFused(out: Float64Array): void {
    this.selfPairedBlocks();
    const m = this.m;
    const { re, im } = this;
    out[0] = re[0] + im[0];
    out[1] = 0;
    out[2 * m] = re[0] - im[0];
    out[2 * m + 1] = 0;
    const { posOf, selfK, selfTw } = this;
    for (let j = 0; j < selfK.length; j++) {
      const k = selfK[j];
      const pa = posOf[k];
      const pb = posOf[m - k];
      pairForward(out, k, m - k, re[pa], im[pa], re[pb], im[pb], selfTw[2 * j], selfTw[2 * j + 1]);
    }
    this.fused4(out, false);
  }

  /**
   * The fused last radix-4 stage and split over every pair of blocks (see splitPowerFused): |X|^2 when
   * `power`, else complex bins. The flag is constant per call and its branches are perfectly predicted;
   * TurboFan inlines both pair functions.
   */
  private fused4(out: Float64Array, power: boolean): void {
    const { re, im, posOf, splitTw: tw, m } = this;
    const blocks = m >> 2;
    const half = blocks >> 1;
    for (let kl = 1; kl < half; kl++) {
      const pa = posOf[kl];
      const pb = posOf[blocks - kl];
      // Z[kl + q blocks] from block kl, Z[blocks - kl + q blocks] from its partner
      let x0r = 0, x0i = 0, x1r = 0, x1i = 0, x2r = 0, x2i = 0, x3r = 0, x3i = 0;
      let y0r = 0, y0i = 0, y1r = 0, y1i = 0, y2r = 0, y2i = 0, y3r = 0, y3i = 0;
      {
        const a0r = re[pa], a0i = im[pa];
        const a1r = re[pa + 1], a1i = im[pa + 1];
        const a2r = re[pa + 2], a2i = im[pa + 2];
        const a3r = re[pa + 3], a3i = im[pa + 3];
        const t0r = a0r + a2r, t0i = a0i + a2i;
        const t1r = a0r - a2r, t1i = a0i - a2i;
        const t2r = a1r + a3r, t2i = a1i + a3i;
        const t3r = a1r - a3r, t3i = a1i - a3i;
        x0r = t0r + t2r; x0i = t0i + t2i;
        x1r = t1r + t3i; x1i = t1i - t3r;
        x2r = t0r - t2r; x2i = t0i - t2i;
        x3r = t1r - t3i; x3i = t1i + t3r;
      }
      {
        const a0r = re[pb], a0i = im[pb];
        const a1r = re[pb + 1], a1i = im[pb + 1];
        const a2r = re[pb + 2], a2i = im[pb + 2];
        const a3r = re[pb + 3], a3i = im[pb + 3];
        const t0r = a0r + a2r, t0i = a0i + a2i;
        const t1r = a0r - a2r, t1i = a0i - a2i;
        const t2r = a1r + a3r, t2i = a1i + a3i;
        const t3r = a1r - a3r, t3i = a1i - a3i;
        y0r = t0r + t2r; y0i = t0i + t2i;
        y1r = t1r + t3i; y1i = t1i - t3r;
        y2r = t0r - t2r; y2i = t0i - t2i;
        y3r = t1r - t3i; y3i = t1i + t3r;
      }
      const w = 8 * kl;
      if (power) pairPower(out, kl, m - kl, x0r, x0i, y3r, y3i, tw[w], tw[w + 1]);
      else pairForward(out, kl, m - kl, x0r, x0i, y3r, y3i, tw[w], tw[w + 1]);
      if (power) pairPower(out, kl + blocks, m - kl - blocks, x1r, x1i, y2r, y2i, tw[w + 2], tw[w + 3]);
      else pairForward(out, kl + blocks, m - kl - blocks, x1r, x1i, y2r, y2i, tw[w + 2], tw[w + 3]);
      if (power) pairPower(out, m - kl - 2 * blocks, kl + 2 * blocks, y1r, y1i, x2r, x2i, tw[w + 4], tw[w + 5]);
      else pairForward(out, m - kl - 2 * blocks, kl + 2 * blocks, y1r, y1i, x2r, x2i, tw[w + 4], tw[w + 5]);
      if (power) pairPower(out, m - kl - 3 * blocks, kl + 3 * blocks, y0r, y0i, x3r, x3i, tw[w + 6], tw[w + 7]);
      else pairForward(out, m - kl - 3 * blocks, kl + 3 * blocks, y0r, y0i, x3r, x3i, tw[w + 6], tw[w + 7]);
    }
  }

  /** The twiddle-free last radix-8 stage on the blocks of 8 in [from, to). */
  private lastStage8(from = 0, to = this.m): void {
    const { re, im } = this;
    for (let i0 = from; i0 < to; i0 += 8) {
      const a0r = re[i0], a0i = im[i0], a4r = re[i0 + 4], a4i = im[i0 + 4];
      const a1r = re[i0 + 1], a1i = im[i0 + 1], a5r = re[i0 + 5], a5i = im[i0 + 5];
      const a2r = re[i0 + 2], a2i = im[i0 + 2], a6r = re[i0 + 6], a6i = im[i0 + 6];
      const a3r = re[i0 + 3], a3i = im[i0 + 3], a7r = re[i0 + 7], a7i = im[i0 + 7];
      const b0r = a0r + a4r, b0i = a0i + a4i;
      const b1r = a1r + a5r, b1i = a1i + a5i;
      const b2r = a2r + a6r, b2i = a2i + a6i;
      const b3r = a3r + a7r, b3i = a3i + a7i;
      const c0r = a0r - a4r, c0i = a0i - a4i;
      const c2r = a2i - a6i, c2i = a6r - a2r;
      const d1r = a1r - a5r, d1i = a1i - a5i;
      const d3r = a3r - a7r, d3i = a3i - a7i;
      const c1r = (d1r + d1i) * SQRT1_2, c1i = (d1i - d1r) * SQRT1_2;
      const c3r = (d3i - d3r) * SQRT1_2, c3i = -(d3r + d3i) * SQRT1_2;
      let t0r = b0r + b2r, t0i = b0i + b2i;
      let t1r = b0r - b2r, t1i = b0i - b2i;
      let t2r = b1r + b3r, t2i = b1i + b3i;
      let t3r = b1r - b3r, t3i = b1i - b3i;
      re[i0] = t0r + t2r;
      im[i0] = t0i + t2i;
      re[i0 + 2] = t1r + t3i;
      im[i0 + 2] = t1i - t3r;
      re[i0 + 4] = t0r - t2r;
      im[i0 + 4] = t0i - t2i;
      re[i0 + 6] = t1r - t3i;
      im[i0 + 6] = t1i + t3r;
      t0r = c0r + c2r; t0i = c0i + c2i;
      t1r = c0r - c2r; t1i = c0i - c2i;
      t2r = c1r + c3r; t2i = c1i + c3i;
      t3r = c1r - c3r; t3i = c1i - c3i;
      re[i0 + 1] = t0r + t2r;
      im[i0 + 1] = t0i + t2i;
      re[i0 + 3] = t1r + t3i;
      im[i0 + 3] = t1i - t3r;
      re[i0 + 5] = t0r - t2r;
      im[i0 + 5] = t0i - t2i;
      re[i0 + 7] = t1r - t3i;
      im[i0 + 7] = t1i + t3r;
    }
  }

  /**
   * A twiddled radix-4 stage (never the first, so m / len is even): W_len^(qj) = W_m^(2q j m/(2 len)),
   * entries 2q of row j m / (2 len).
   */
  private stage4(len: number): void {
    const { re, im, m, tw } = this;
    const quarter = len >> 2;
    const rowStride = 7 * (m / len);
    for (let j = 0; j < quarter; j++) {
      const w = rowStride * j;
      const c1 = tw[w + 2], s1 = tw[w + 3], c2 = tw[w + 6], s2 = tw[w + 7], c3 = tw[w + 10], s3 = tw[w + 11];
      for (let i0 = j; i0 < m; i0 += len) {
        const i1 = i0 + quarter, i2 = i1 + quarter, i3 = i2 + quarter;
        const a0r = re[i0], a0i = im[i0];
        const a1r = re[i1], a1i = im[i1];
        const a2r = re[i2], a2i = im[i2];
        const a3r = re[i3], a3i = im[i3];
        const t0r = a0r + a2r, t0i = a0i + a2i;
        const t1r = a0r - a2r, t1i = a0i - a2i;
        const t2r = a1r + a3r, t2i = a1i + a3i;
        const t3r = a1r - a3r, t3i = a1i - a3i;
        // y1 = t1 - i t3, y2 = t0 - t2, y3 = t1 + i t3, each times its twiddle
        const y1r = t1r + t3i, y1i = t1i - t3r;
        const y2r = t0r - t2r, y2i = t0i - t2i;
        const y3r = t1r - t3i, y3i = t1i + t3r;
        re[i0] = t0r + t2r;
        im[i0] = t0i + t2i;
        re[i1] = y1r * c1 - y1i * s1;
        im[i1] = y1r * s1 + y1i * c1;
        re[i2] = y2r * c2 - y2i * s2;
        im[i2] = y2r * s2 + y2i * c2;
        re[i3] = y3r * c3 - y3i * s3;
        im[i3] = y3r * s3 + y3i * c3;
      }
    }
  }

  /** The twiddle-free last radix-4 stage on the blocks of 4 in [from, to). */
  private lastStage4(from = 0, to = this.m): void {
    const { re, im } = this;
    for (let i0 = from; i0 < to; i0 += 4) {
      const a0r = re[i0], a0i = im[i0];
      const a1r = re[i0 + 1], a1i = im[i0 + 1];
      const a2r = re[i0 + 2], a2i = im[i0 + 2];
      const a3r = re[i0 + 3], a3i = im[i0 + 3];
      const t0r = a0r + a2r, t0i = a0i + a2i;
      const t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      const t3r = a1r - a3r, t3i = a1i - a3i;
      re[i0] = t0r + t2r;
      im[i0] = t0i + t2i;
      re[i0 + 1] = t1r + t3i;
      im[i0 + 1] = t1i - t3r;
      re[i0 + 2] = t0r - t2r;
      im[i0 + 2] = t0i - t2i;
      re[i0 + 3] = t1r - t3i;
      im[i0 + 3] = t1i + t3r;
    }
  }

  /** The last radix-2 stage on blocks of 2 (only for m = 2 and m = 16). */
  private lastStage2(): void {
    const { re, im, m } = this;
    for (let i0 = 0; i0 < m; i0 += 2) {
      const ar = re[i0], ai = im[i0];
      const br = re[i0 + 1], bi = im[i0 + 1];
      re[i0] = ar + br;
      im[i0] = ai + bi;
      re[i0 + 1] = ar - br;
      im[i0 + 1] = ai - bi;
    }
  }
}

/**
 * One pair of the real split step, |X|^2 out: a = Z[k], b = Z[m - k] of the half-size complex transform,
 * (c, s) = (cos, sin)(pi k / m). X[k] = E + W^k O and X[m - k] = conj(E) - W^k conj(O) with p + iq = W^k O;
 * the 1/2 of E and O is folded into one exact 1/4 on the power. Small enough for TurboFan to inline.
 */
function pairPower(out: Float64Array, k: number, mk: number, ar: number, ai: number, br: number, bi: number, c: number, s: number): void {
  const er = ar + br;
  const ei = ai - bi;
  const or = ai + bi;
  const oi = br - ar;
  const p = c * or + s * oi;
  const q = c * oi - s * or;
  const xr = er + p;
  const xi = ei + q;
  const yr = er - p;
  const yi = q - ei;
  out[mk] = 0.25 * (yr * yr + yi * yi);
  out[k] = 0.25 * (xr * xr + xi * xi);
}

/** As pairPower, the complex bins X[k] and X[m - k] into interleaved `out`. */
function pairForward(out: Float64Array, k: number, mk: number, ar: number, ai: number, br: number, bi: number, c: number, s: number): void {
  const er = 0.5 * (ar + br);
  const ei = 0.5 * (ai - bi);
  const or = 0.5 * (ai + bi);
  const oi = 0.5 * (br - ar);
  const p = c * or + s * oi;
  const q = c * oi - s * or;
  out[2 * mk] = er - p;
  out[2 * mk + 1] = q - ei;
  out[2 * k] = er + p;
  out[2 * k + 1] = ei + q;
}

/**
 * Stage radices for m = 2^p: radix 8 while it divides, then the remainder as one radix-4 stage, or as
 * 4, 4 in place of the last 8 (m = 128, 1024, ...) since a radix-2 pass costs nearly a full pass; m = 2
 * and m = 16 keep a radix-2 stage (there is no 8 to trade). Where 8 divides all the way (m = 512,
 * 4096, ...) the last two 8s become 4, 4, 4 once the first stage stays radix-8: one pass more, but the
 * last radix-4 stage runs fused with the real split (RealFft), which measured 1.07-1.20x at n = 1024.
 */
function stageRadices(m: number): number[] {
  let log = Math.round(Math.log2(m));
  const radices: number[] = [];
  while (log >= 3) {
    radices.push(8);
    log -= 3;
  }
  if (log === 2) radices.push(4);
  else if (log === 1) {
    if (radices.length >= 2) radices.splice(radices.length - 1, 1, 4, 4);
    else radices.push(2);
  } else if (radices.length >= 3) radices.splice(radices.length - 2, 2, 4, 4, 4);
  return radices;
}

/**
 * Where decimation in frequency leaves Z[k] in a block of length len whose stages from `stage` on have
 * the given radices: a radix-r stage puts Z[r k' + q] in block part q at the place Z[k'] takes in that
 * part's own transform.
 */
function outputPosition(k: number, len: number, radices: readonly number[], stage: number): number {
  if (stage >= radices.length) return 0;
  const r = radices[stage];
  const part = len / r;
  return (k % r) * part + outputPosition(Math.floor(k / r), part, radices, stage + 1);
}

function complexPlan(size: number): ComplexPlan {
  if (size === 1) return new IdentityPlan();
  if (isPowerOfTwo(size)) return new FftJsPlan(size);
  return new BluesteinPlan(size);
}

/**
 * Which transform runs underneath: 'fft.js' (the library the design names), 'radix-8' (our own: radix-8
 * stages with a radix-4/2 remainder; for even
 * sizes whose half is a power of two: see docs/decisions/fft.md), 'bluestein' (any other even half, or an
 * odd size, on fft.js).
 */
export type FftAlgorithm = 'fft.js' | 'radix-8' | 'bluestein';

/** Whether our radix-8 kernel can take a real FFT of this size: n even with n / 2 a power of two. */
export function radix8Fits(size: number): boolean {
  return size >= 2 && size % 2 === 0 && (size / 2 === 1 || isPowerOfTwo(size / 2));
}

/**
 * Forward DFT of `size` real samples, returning bins 0 .. floor(size / 2) like numpy.fft.rfft.
 * `new RealFft(size, kernel?)`: `kernel` 'fft.js' (default, the reference) or 'radix-8' (ours, where
 * radix8Fits); `forward(input, out)` writes the complex spectrum interleaved (re, im), `power(input, out)`
 * |X[k]|^2. Prefer `realFft(size)`, the cached plan with the fastest kernel.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const fft = new dsp.RealFft(8);
 * assert.equal(fft.bins, 5);
 * // A cosine of 2 cycles in 8 samples: all its energy in bin 2, amplitude size / 2.
 * const x = Float64Array.from({ length: 8 }, (_, i) => Math.cos((2 * Math.PI * 2 * i) / 8));
 * const out = new Float64Array(2 * fft.bins);
 * fft.forward(x, out);
 * assert.deepEqual([...out].map((v) => Math.round(v * 1e9) / 1e9 + 0), [0, 0, 0, 0, 4, 0, 0, 0, 0, 0]);
 * ```
 */
export class RealFft {
  /** Number of output bins, 1 + floor(size / 2). */
  readonly bins: number;
  /** Which algorithm runs underneath, for benchmarks and messages. */
  readonly algorithm: FftAlgorithm;
  private readonly plan: ComplexPlan | null;
  private readonly core: MixedRadixCore | null;
  private readonly half: number;
  private readonly spectrum: Float64Array;
  /** Only for odd sizes: the real input with a zero imaginary part. */
  private readonly complexInput: Float64Array;
  /** Split-step twiddles exp(-2 pi i k / n), k < n/2. */
  private readonly twCos: Float64Array;
  private readonly twSin: Float64Array;

  /**
   * `kernel` 'radix-8' asks for our own transform where it fits (`radix8Fits`), falling back to fft.js /
   * Bluestein elsewhere; the default stays fft.js, the reference. `realFft(size)` gives the fastest.
   */
  constructor(
    readonly size: number,
    kernel: 'fft.js' | 'radix-8' = 'fft.js',
  ) {
    if (!Number.isInteger(size) || size < 1) paramError(`FFT size must be a positive integer, got ${size}`);
    this.bins = 1 + Math.floor(size / 2);
    const even = size % 2 === 0;
    this.half = even ? size / 2 : size;
    if (kernel === 'radix-8' && radix8Fits(size)) {
      this.core = new MixedRadixCore(this.half);
      this.plan = null;
      this.algorithm = 'radix-8';
    } else {
      this.core = null;
      this.plan = complexPlan(this.half);
      this.algorithm = this.plan instanceof BluesteinPlan ? 'bluestein' : 'fft.js';
    }
    this.spectrum = new Float64Array(this.core ? 0 : 2 * this.half);
    this.complexInput = new Float64Array(even ? 0 : 2 * size);
    this.twCos = new Float64Array(even ? this.half : 0);
    this.twSin = new Float64Array(even ? this.half : 0);
    if (even) {
      for (let k = 0; k < this.half; k++) {
        this.twCos[k] = Math.cos((2 * Math.PI * k) / size);
        this.twSin[k] = Math.sin((2 * Math.PI * k) / size);
      }
    }
  }

  /** Complex spectrum of `input` (length `size`) as interleaved (re, im) into `out` (length >= 2 * bins). */
  forward(input: Float64Array, out: Float64Array): void {
    if (this.core) {
      if (this.core.fusedRadix) {
        this.core.transformPairs(input, true);
        this.core.splitForwardFused(out);
      } else {
        this.core.transformPairs(input);
        this.splitForward(out);
      }
      return;
    }
    if (this.size % 2 === 1) {
      this.transformOdd(input);
      out.set(this.spectrum.subarray(0, 2 * this.bins));
      return;
    }
    (this.plan as ComplexPlan).transform(this.spectrum, input);
    const z = this.spectrum;
    const m = this.half;
    const { twCos, twSin } = this;
    out[0] = z[0] + z[1];
    out[1] = 0;
    out[2 * m] = z[0] - z[1];
    out[2 * m + 1] = 0;
    for (let k = 1; k < m; k++) {
      // even/odd-sample spectra E, O from Z[k] and conj(Z[m - k]); X[k] = E + exp(-2 pi i k / n) O
      const ar = z[2 * k];
      const ai = z[2 * k + 1];
      const br = z[2 * (m - k)];
      const bi = -z[2 * (m - k) + 1];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const c = twCos[k];
      const s = twSin[k];
      out[2 * k] = er + c * or + s * oi;
      out[2 * k + 1] = ei + c * oi - s * or;
    }
  }

  /** |X[k]|^2 for each bin into `out` (length >= bins): the STFT's hot path, no complex spectrum stored. */
  power(input: Float64Array, out: Float64Array): void {
    if (this.core) {
      if (this.core.fusedRadix) {
        this.core.transformPairs(input, true);
        this.core.splitPowerFused(out);
      } else {
        this.core.transformPairs(input);
        this.splitPower(out);
      }
      return;
    }
    if (this.size % 2 === 1) {
      this.transformOdd(input);
      const z = this.spectrum;
      for (let k = 0; k < this.bins; k++) out[k] = z[2 * k] * z[2 * k] + z[2 * k + 1] * z[2 * k + 1];
      return;
    }
    (this.plan as ComplexPlan).transform(this.spectrum, input);
    const z = this.spectrum;
    const m = this.half;
    const { twCos, twSin } = this;
    const dc = z[0] + z[1];
    const nyquist = z[0] - z[1];
    out[0] = dc * dc;
    out[m] = nyquist * nyquist;
    for (let k = 1; k < m; k++) {
      const ar = z[2 * k];
      const ai = z[2 * k + 1];
      const br = z[2 * (m - k)];
      const bi = -z[2 * (m - k) + 1];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const c = twCos[k];
      const s = twSin[k];
      const re = er + c * or + s * oi;
      const im = ei + c * oi - s * or;
      out[k] = re * re + im * im;
    }
  }

  /**
   * The real split step on the radix-8 kernel's output, one pair (k, m - k) per iteration: both bins come from
   * the same two gathered values, X[k] = E + W^k O and X[m - k] = conj(E) - W^k conj(O) in terms of
   * p + iq = W^k O. The 1/2 of E and O is folded into one exact 1/4 on the power.
   */
  private splitPower(out: Float64Array): void {
    const core = this.core as MixedRadixCore;
    const { re, im, posOf } = core;
    const m = this.half;
    const { twCos, twSin } = this;
    const dc = re[0] + im[0];
    const nyquist = re[0] - im[0];
    out[0] = dc * dc;
    out[m] = nyquist * nyquist;
    for (let k = 1; 2 * k <= m; k++) {
      const pa = posOf[k];
      const pb = posOf[m - k];
      const ar = re[pa];
      const ai = im[pa];
      const br = re[pb];
      const bi = im[pb];
      const er = ar + br;
      const ei = ai - bi;
      const or = ai + bi;
      const oi = br - ar;
      const c = twCos[k];
      const s = twSin[k];
      const p = c * or + s * oi;
      const q = c * oi - s * or;
      const xr = er + p;
      const xi = ei + q;
      const yr = er - p;
      const yi = q - ei;
      out[m - k] = 0.25 * (yr * yr + yi * yi);
      out[k] = 0.25 * (xr * xr + xi * xi);
    }
  }

  private splitForward(out: Float64Array): void {
    const core = this.core as MixedRadixCore;
    const { re, im, posOf } = core;
    const m = this.half;
    const { twCos, twSin } = this;
    out[0] = re[0] + im[0];
    out[1] = 0;
    out[2 * m] = re[0] - im[0];
    out[2 * m + 1] = 0;
    for (let k = 1; 2 * k <= m; k++) {
      const pa = posOf[k];
      const pb = posOf[m - k];
      const er = 0.5 * (re[pa] + re[pb]);
      const ei = 0.5 * (im[pa] - im[pb]);
      const or = 0.5 * (im[pa] + im[pb]);
      const oi = 0.5 * (re[pb] - re[pa]);
      const c = twCos[k];
      const s = twSin[k];
      const p = c * or + s * oi;
      const q = c * oi - s * or;
      out[2 * (m - k)] = er - p;
      out[2 * (m - k) + 1] = q - ei;
      out[2 * k] = er + p;
      out[2 * k + 1] = ei + q;
    }
  }

  private transformOdd(input: Float64Array): void {
    const buf = this.complexInput;
    for (let j = 0; j < this.size; j++) buf[2 * j] = input[j];
    (this.plan as ComplexPlan).transform(this.spectrum, buf);
  }
}

const plans = new Map<number, RealFft>();

/**
 * The cached real-FFT plan for `size` (created on first use): the fastest kernel for the size, i.e.
 * our radix-8 kernel where it fits (measured in docs/decisions/fft.md), fft.js or Bluestein elsewhere.
 *
 * @param size - the number of real samples (any size >= 1; odd sizes and non-powers of two work too).
 * @returns the shared plan (do not use it from two places at once with shared output buffers).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const fft = dsp.realFft(2048);
 * assert.equal(dsp.realFft(2048), fft); // cached
 * assert.deepEqual([fft.bins, fft.algorithm], [1025, 'radix-8']);
 * // Parseval: a unit impulse has power 1 in every bin.
 * const impulse = new Float64Array(2048);
 * impulse[0] = 1;
 * const power = new Float64Array(fft.bins);
 * fft.power(impulse, power);
 * assert.ok(power.every((p) => Math.abs(p - 1) < 1e-12));
 * assert.equal(dsp.realFft(1000).algorithm, 'bluestein'); // half of 1000 is not a power of two
 * ```
 */
export function realFft(size: number): RealFft {
  let plan = plans.get(size);
  if (!plan) {
    plan = new RealFft(size, 'radix-8');
    plans.set(size, plan);
  }
  return plan;
}
