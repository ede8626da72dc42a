import { describe, expect, it } from 'vitest';
import { RealFft, radix4Fits, realFft } from '../../src/dsp/fft.ts';
import { directDft } from './reference.ts';

// The radix-4 kernel every STFT frame (and so every worker thread) runs. It lives beside the parallel
// tests only because of file ownership; it belongs with fft.test.ts.

function randomReal(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    x[i] = s / 2147483647 - 0.5;
  }
  return x;
}

describe('RealFft radix-4 kernel', () => {
  // n / 2 = 1, 2, 4 (final stage only), 8 and 32 (radix-4 then radix-2), 16 and 512 (radix-4 only), ...
  it.each([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096])('gives the exact DFT for n = %i (forward and power)', (n) => {
    const x = randomReal(n, n + 11);
    const plan = new RealFft(n, 'radix-4');
    expect(plan.algorithm).toBe('radix-4');
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
  });

  it('agrees with the fft.js plan to rounding for the STFT sizes', () => {
    for (const n of [512, 1024, 2048, 4096]) {
      const x = randomReal(n, 5);
      const a = new Float64Array(n / 2 + 1);
      const b = new Float64Array(n / 2 + 1);
      new RealFft(n, 'fft.js').power(x, a);
      new RealFft(n, 'radix-4').power(x, b);
      const peak = Math.max(...a);
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(1e-13 * peak);
    }
  });

  it('is what realFft picks where it fits, and falls back to fft.js / Bluestein elsewhere', () => {
    expect(realFft(1024).algorithm).toBe('radix-4');
    expect(radix4Fits(400)).toBe(false);
    expect(new RealFft(400, 'radix-4').algorithm).toBe('bluestein');
    expect(new RealFft(255, 'radix-4').algorithm).toBe('bluestein');
    expect(new RealFft(2, 'radix-4').algorithm).toBe('radix-4');
  });
});
