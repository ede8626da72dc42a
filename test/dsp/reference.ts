/**
 * Slow, obviously-correct references for the tests: a direct O(n^2) DFT and numpy.pad, written for
 * reading rather than speed, sharing no code with src/dsp.
 */
import { expect } from 'vitest';

/** Direct DFT of real x: bins 0..floor(n/2) as [re, im] pairs. */
export function directDft(x: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const bins = Math.floor(n / 2) + 1;
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  // exp(-2 pi i m / n) for every m: (j * k) mod n indexes it, which keeps each angle exact
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / n);
    sin[m] = -Math.sin((2 * Math.PI * m) / n);
  }
  for (let k = 0; k < bins; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const m = (j * k) % n;
      sr += x[j] * cos[m];
      si += x[j] * sin[m];
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

/** numpy.pad(x, (pad, pad), mode) for 'constant' (zeros) and 'reflect'. */
export function npPad(x: ArrayLike<number>, pad: number, mode: 'constant' | 'reflect'): Float64Array {
  const n = x.length;
  const out = new Float64Array(n + 2 * pad);
  for (let i = -pad; i < n + pad; i++) {
    let v: number;
    if (i >= 0 && i < n) v = x[i];
    else if (mode === 'constant') v = 0;
    else {
      // reflect without repeating the edge sample, folding again while out of range
      let j = i;
      while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
      v = x[j];
    }
    out[i + pad] = v;
  }
  return out;
}

/** scipy.signal.get_window(name, m, fftbins=True) from the textbook formulas. */
export function referenceWindow(name: 'hann' | 'hamming' | 'blackman' | 'rectangular', m: number): Float64Array {
  const w = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const x = (2 * Math.PI * k) / m;
    if (name === 'hann') w[k] = 0.5 * (1 - Math.cos(x));
    else if (name === 'hamming') w[k] = 0.54 - 0.46 * Math.cos(x);
    else if (name === 'blackman') w[k] = 0.42 - 0.5 * Math.cos(x) + 0.08 * Math.cos(2 * x);
    else w[k] = 1;
  }
  return w;
}

/**
 * |STFT|^power by the book: pad the whole signal (centre), cut frames, window (centred in nFft), direct DFT.
 * Returns [bins, frames] row-major.
 */
export function referenceStft(
  x: ArrayLike<number>,
  o: { nFft: number; hop: number; winLength?: number; window?: 'hann' | 'hamming' | 'blackman' | 'rectangular'; center?: boolean; padMode?: 'constant' | 'reflect'; power?: number },
): { values: Float64Array; bins: number; frames: number } {
  const center = o.center ?? true;
  const winLength = o.winLength ?? o.nFft;
  const win = new Float64Array(o.nFft);
  win.set(referenceWindow(o.window ?? 'hann', winLength), Math.floor((o.nFft - winLength) / 2));
  const y = center ? npPad(x, Math.floor(o.nFft / 2), o.padMode ?? 'constant') : Float64Array.from(x);
  const frames = 1 + Math.floor((y.length - o.nFft) / o.hop);
  const bins = Math.floor(o.nFft / 2) + 1;
  const values = new Float64Array(bins * frames);
  const frame = new Float64Array(o.nFft);
  for (let t = 0; t < frames; t++) {
    for (let j = 0; j < o.nFft; j++) frame[j] = y[t * o.hop + j] * win[j];
    const { re, im } = directDft(frame);
    for (let k = 0; k < bins; k++) values[k * frames + t] = Math.hypot(re[k], im[k]) ** (o.power ?? 2);
  }
  return { values, bins, frames };
}

/** A deterministic test signal: two tones and a little pseudo-random noise (fixed LCG seed). */
export function testSignal(n: number, sr = 32000, seed = 12345): Float32Array {
  const x = new Float32Array(n);
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const noise = state / 2 ** 32 - 0.5;
    x[i] = 0.4 * Math.sin((2 * Math.PI * 440 * i) / sr) + 0.2 * Math.sin((2 * Math.PI * 3150.7 * i) / sr + 0.3) + 0.05 * noise;
  }
  return x;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export function maxOf(a: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) max = Math.max(max, a[i]);
  return max;
}

/** Uniform values in [-0.5, 0.5) from a Lehmer generator: the same signal for the same seed. */
export function randomReal(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    x[i] = s / 2147483647 - 0.5;
  }
  return x;
}

/** A real FFT plan's forward transform and power spectrum of x equal the direct DFT within 1e-12 of the peak. */
export function expectExactDft(plan: { bins: number; forward(x: Float64Array, out: Float64Array): void; power(x: Float64Array, out: Float64Array): void }, x: Float64Array): void {
    const out = new Float64Array(2 * plan.bins);
    const power = new Float64Array(plan.bins);
    plan.forward(x, out);
    plan.power(x, power);
    const { re, im } = directDft(x);
    let scale = 0;
    for (let k = 0; k < plan.bins; k++) scale = Math.max(scale, Math.hypot(re[k], im[k]));
    for (let k = 0; k < plan.bins; k++) {
      expect(Math.abs(out[2 * k] - re[k])).toBeLessThanOrEqual(1e-12 * scale);
      expect(Math.abs(out[2 * k + 1] - im[k])).toBeLessThanOrEqual(1e-12 * scale);
      expect(Math.abs(power[k] - (re[k] ** 2 + im[k] ** 2))).toBeLessThanOrEqual(1e-12 * scale * scale);
    }
}
