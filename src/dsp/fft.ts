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

function complexPlan(size: number): ComplexPlan {
  if (size === 1) return new IdentityPlan();
  if (isPowerOfTwo(size)) return new FftJsPlan(size);
  return new BluesteinPlan(size);
}

/** Forward DFT of `size` real samples, returning bins 0 .. floor(size / 2) like numpy.fft.rfft. */
export class RealFft {
  /** Number of output bins, 1 + floor(size / 2). */
  readonly bins: number;
  /** Which algorithm runs underneath, for benchmarks and messages. */
  readonly algorithm: 'fft.js' | 'bluestein';
  private readonly plan: ComplexPlan;
  private readonly half: number;
  private readonly spectrum: Float64Array;
  /** Only for odd sizes: the real input with a zero imaginary part. */
  private readonly complexInput: Float64Array;
  /** Split-step twiddles exp(-2 pi i k / n), k < n/2. */
  private readonly twCos: Float64Array;
  private readonly twSin: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) paramError(`FFT size must be a positive integer, got ${size}`);
    this.bins = 1 + Math.floor(size / 2);
    const even = size % 2 === 0;
    this.half = even ? size / 2 : size;
    this.plan = complexPlan(this.half);
    this.algorithm = this.plan instanceof BluesteinPlan ? 'bluestein' : 'fft.js';
    this.spectrum = new Float64Array(2 * this.half);
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
    if (this.size % 2 === 1) {
      this.transformOdd(input);
      out.set(this.spectrum.subarray(0, 2 * this.bins));
      return;
    }
    this.plan.transform(this.spectrum, input);
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
    if (this.size % 2 === 1) {
      this.transformOdd(input);
      const z = this.spectrum;
      for (let k = 0; k < this.bins; k++) out[k] = z[2 * k] * z[2 * k] + z[2 * k + 1] * z[2 * k + 1];
      return;
    }
    this.plan.transform(this.spectrum, input);
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

  private transformOdd(input: Float64Array): void {
    const buf = this.complexInput;
    for (let j = 0; j < this.size; j++) buf[2 * j] = input[j];
    this.plan.transform(this.spectrum, buf);
  }
}

const plans = new Map<number, RealFft>();

/** The cached real-FFT plan for `size` (created on first use). */
export function realFft(size: number): RealFft {
  let plan = plans.get(size);
  if (!plan) {
    plan = new RealFft(size);
    plans.set(size, plan);
  }
  return plan;
}
