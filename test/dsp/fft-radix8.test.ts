import { describe, expect, it } from 'vitest';
import { RealFft, radix8Fits, realFft } from '../../src/dsp/fft.ts';
import { expectExactDft, randomReal } from './reference.ts';

// Our own power-of-two kernel ('radix-8': radix-8 stages with a radix-4 or radix-2
// remainder since docs/decisions/fft.md's second step), which every STFT frame and worker thread runs.

describe('RealFft radix-8 kernel', () => {
  // every stage layout: n / 2 = 1 (none), 2 (2), 4 (4), 8 (8), 16 (8, 2), 32 (8, 4), 64 (8, 8),
  // 128 (8, 4, 4), 256 (8, 8, 4), 512 (8, 4, 4, 4), 1024 (8, 8, 4, 4), 2048 (8, 8, 8, 4)
  it.each([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096])('gives the exact DFT for n = %i (forward and power)', (n) => {
    const x = randomReal(n, n + 11);
    const plan = new RealFft(n, 'radix-8');
    expect(plan.algorithm).toBe('radix-8');
    expectExactDft(plan, x);
  });

  it('agrees with the fft.js plan to rounding for the STFT sizes and beyond (five stages at n = 16384)', () => {
    for (const n of [512, 1024, 2048, 4096, 8192, 16384, 32768]) {
      const x = randomReal(n, 5);
      const a = new Float64Array(n / 2 + 1);
      const b = new Float64Array(n / 2 + 1);
      new RealFft(n, 'fft.js').power(x, a);
      new RealFft(n, 'radix-8').power(x, b);
      const peak = a.reduce((p, v) => Math.max(p, v), 0);
      let worst = 0;
      for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
      expect(worst).toBeLessThanOrEqual(1e-13 * peak);
    }
  });

  it('gives the same complex bins as the fft.js plan for forward() at n = 8192', () => {
    const x = randomReal(8192, 9);
    const a = new Float64Array(8194);
    const b = new Float64Array(8194);
    new RealFft(8192, 'fft.js').forward(x, a);
    new RealFft(8192, 'radix-8').forward(x, b);
    let peak = 0;
    let worst = 0;
    for (let k = 0; k < a.length; k++) {
      peak = Math.max(peak, Math.abs(a[k]));
      worst = Math.max(worst, Math.abs(a[k] - b[k]));
    }
    expect(worst).toBeLessThanOrEqual(1e-12 * peak);
  });

  it('leaves nothing of the previous frame behind (a plan reused on new input)', () => {
    const plan = new RealFft(1024, 'radix-8');
    const first = new Float64Array(513);
    const again = new Float64Array(513);
    const x = randomReal(1024, 21);
    plan.power(x, first);
    plan.power(randomReal(1024, 22), again);
    plan.power(x, again);
    expect(again).toEqual(first);
  });

  it('is what realFft picks where it fits, and falls back to fft.js / Bluestein elsewhere', () => {
    expect(realFft(1024).algorithm).toBe('radix-8');
    expect(radix8Fits(400)).toBe(false);
    expect(new RealFft(400, 'radix-8').algorithm).toBe('bluestein');
    expect(new RealFft(255, 'radix-8').algorithm).toBe('bluestein');
    expect(new RealFft(2, 'radix-8').algorithm).toBe('radix-8');
  });
});
