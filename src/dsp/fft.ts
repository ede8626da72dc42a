import FFT from 'fft.js';
import { paramError } from './params.ts';

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
 * step gathers through `posOf` instead. Radix-4 decimation in frequency with one twiddle-free radix-2
 * or radix-4 stage last; twiddles of every stage are precomputed, interleaved (c1, s1, c2, s2, c3, s3)
 * per butterfly so each stage streams through one array.
 */
class Radix4Core {
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** posOf[k]: index into re/im holding Z[k]. */
  readonly posOf: Int32Array;
  /** Twiddled radix-4 stages, longest first: block lengths and their twiddles. */
  private readonly stageLengths: Int32Array;
  private readonly stageTwiddles: Float64Array[];
  /** Block length of the final twiddle-free stage: 4, 2, or 1 (nothing to do). */
  private readonly lastLength: number;

  constructor(readonly m: number) {
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
    const lengths: number[] = [];
    const twiddles: Float64Array[] = [];
    let len = m;
    while (len >= 8) {
      const quarter = len / 4;
      const tw = new Float64Array(6 * quarter);
      for (let j = 0; j < quarter; j++) {
        for (let q = 1; q <= 3; q++) {
          // exp(-2 pi i q j / len), reduced mod len so the angle stays small and exact
          const angle = (2 * Math.PI * ((q * j) % len)) / len;
          tw[6 * j + 2 * (q - 1)] = Math.cos(angle);
          tw[6 * j + 2 * (q - 1) + 1] = -Math.sin(angle);
        }
      }
      lengths.push(len);
      twiddles.push(tw);
      len /= 4;
    }
    this.lastLength = len;
    this.stageLengths = Int32Array.from(lengths);
    this.stageTwiddles = twiddles;
    this.posOf = new Int32Array(m);
    for (let k = 0; k < m; k++) this.posOf[k] = outputPosition(k, m);
  }

  /** Z = FFT of (x[0] + i x[1], x[2] + i x[3], ...) into re/im, permuted by posOf. */
  transformPairs(x: Float64Array): void {
    const { re, im, m } = this;
    const stages = this.stageLengths.length;
    if (stages === 0) {
      for (let j = 0; j < m; j++) {
        re[j] = x[2 * j];
        im[j] = x[2 * j + 1];
      }
    } else {
      this.firstStage(x);
    }
    for (let s = 1; s < stages; s++) this.stage(this.stageLengths[s], this.stageTwiddles[s]);
    this.lastStage();
  }

  /** The first radix-4 stage reads the interleaved input directly, so no de-interleaving pass runs. */
  private firstStage(x: Float64Array): void {
    const { re, im, m } = this;
    const quarter = m >> 2;
    const tw = this.stageTwiddles[0];
    const q2 = 2 * quarter;
    for (let j = 0; j < quarter; j++) {
      const x0 = 2 * j;
      const x1 = x0 + q2;
      const x2 = x1 + q2;
      const x3 = x2 + q2;
      const a0r = x[x0], a0i = x[x0 + 1];
      const a1r = x[x1], a1i = x[x1 + 1];
      const a2r = x[x2], a2i = x[x2 + 1];
      const a3r = x[x3], a3i = x[x3 + 1];
      const t0r = a0r + a2r, t0i = a0i + a2i;
      const t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      const t3r = a1r - a3r, t3i = a1i - a3i;
      const y1r = t1r + t3i, y1i = t1i - t3r;
      const y2r = t0r - t2r, y2i = t0i - t2i;
      const y3r = t1r - t3i, y3i = t1i + t3r;
      const w = 6 * j;
      const c1 = tw[w], s1 = tw[w + 1], c2 = tw[w + 2], s2 = tw[w + 3], c3 = tw[w + 4], s3 = tw[w + 5];
      re[j] = t0r + t2r;
      im[j] = t0i + t2i;
      re[j + quarter] = y1r * c1 - y1i * s1;
      im[j + quarter] = y1r * s1 + y1i * c1;
      re[j + 2 * quarter] = y2r * c2 - y2i * s2;
      im[j + 2 * quarter] = y2r * s2 + y2i * c2;
      re[j + 3 * quarter] = y3r * c3 - y3i * s3;
      im[j + 3 * quarter] = y3r * s3 + y3i * c3;
    }
  }

  /**
   * One twiddled radix-4 stage over blocks of `len`. The butterfly index j is the outer loop so each
   * twiddle is loaded once per stage, not once per block (late stages have many short blocks).
   */
  private stage(len: number, tw: Float64Array): void {
    const { re, im, m } = this;
    const quarter = len >> 2;
    for (let j = 0; j < quarter; j++) {
      const w = 6 * j;
      const c1 = tw[w], s1 = tw[w + 1], c2 = tw[w + 2], s2 = tw[w + 3], c3 = tw[w + 4], s3 = tw[w + 5];
      for (let i0 = j; i0 < m; i0 += len) {
        const i1 = i0 + quarter;
        const i2 = i1 + quarter;
        const i3 = i2 + quarter;
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

  /** The twiddle-free last stage: radix-4 on blocks of 4 or radix-2 on blocks of 2. */
  private lastStage(): void {
    const { re, im, m } = this;
    if (this.lastLength === 4) {
      for (let i0 = 0; i0 < m; i0 += 4) {
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
    } else if (this.lastLength === 2) {
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
}

/**
 * Where decimation in frequency leaves Z[k] in a block of length len: a radix-4 stage puts Z[4k' + q] in
 * quarter q at the place Z[k'] takes in the quarter's own transform; a radix-2 block of 2 keeps order.
 */
function outputPosition(k: number, len: number): number {
  if (len <= 2) return k;
  return (k & 3) * (len >> 2) + outputPosition(k >> 2, len >> 2);
}

function complexPlan(size: number): ComplexPlan {
  if (size === 1) return new IdentityPlan();
  if (isPowerOfTwo(size)) return new FftJsPlan(size);
  return new BluesteinPlan(size);
}

/**
 * Which transform runs underneath: 'fft.js' (the library the design names), 'radix-4' (our own, for even
 * sizes whose half is a power of two: see docs/decisions/fft.md), 'bluestein' (any other even half, or an
 * odd size, on fft.js).
 */
export type FftAlgorithm = 'fft.js' | 'radix-4' | 'bluestein';

/** Whether the radix-4 kernel can take a real FFT of this size: n even with n / 2 a power of two. */
export function radix4Fits(size: number): boolean {
  return size >= 2 && size % 2 === 0 && (size / 2 === 1 || isPowerOfTwo(size / 2));
}

/** Forward DFT of `size` real samples, returning bins 0 .. floor(size / 2) like numpy.fft.rfft. */
export class RealFft {
  /** Number of output bins, 1 + floor(size / 2). */
  readonly bins: number;
  /** Which algorithm runs underneath, for benchmarks and messages. */
  readonly algorithm: FftAlgorithm;
  private readonly plan: ComplexPlan | null;
  private readonly core: Radix4Core | null;
  private readonly half: number;
  private readonly spectrum: Float64Array;
  /** Only for odd sizes: the real input with a zero imaginary part. */
  private readonly complexInput: Float64Array;
  /** Split-step twiddles exp(-2 pi i k / n), k < n/2. */
  private readonly twCos: Float64Array;
  private readonly twSin: Float64Array;

  /**
   * `kernel` 'radix-4' asks for our own transform where it fits (`radix4Fits`), falling back to fft.js /
   * Bluestein elsewhere; the default stays fft.js, the reference. `realFft(size)` gives the fastest.
   */
  constructor(
    readonly size: number,
    kernel: 'fft.js' | 'radix-4' = 'fft.js',
  ) {
    if (!Number.isInteger(size) || size < 1) paramError(`FFT size must be a positive integer, got ${size}`);
    this.bins = 1 + Math.floor(size / 2);
    const even = size % 2 === 0;
    this.half = even ? size / 2 : size;
    if (kernel === 'radix-4' && radix4Fits(size)) {
      this.core = new Radix4Core(this.half);
      this.plan = null;
      this.algorithm = 'radix-4';
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
      this.core.transformPairs(input);
      this.splitForward(out);
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
      this.core.transformPairs(input);
      this.splitPower(out);
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
   * The real split step on the radix-4 output, one pair (k, m - k) per iteration: both bins come from
   * the same two gathered values, X[k] = E + W^k O and X[m - k] = conj(E) - W^k conj(O) in terms of
   * p + iq = W^k O. The 1/2 of E and O is folded into one exact 1/4 on the power.
   */
  private splitPower(out: Float64Array): void {
    const core = this.core as Radix4Core;
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
    const core = this.core as Radix4Core;
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
 * radix-4 where it fits (measured in docs/decisions/fft.md), fft.js or Bluestein elsewhere.
 */
export function realFft(size: number): RealFft {
  let plan = plans.get(size);
  if (!plan) {
    plan = new RealFft(size, 'radix-4');
    plans.set(size, plan);
  }
  return plan;
}
