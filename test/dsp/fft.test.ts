import { describe, expect, it } from 'vitest';
import { RealFft, realFft } from '../../src/dsp/fft.ts';
import { expectExactDft, randomReal } from './reference.ts';

describe('RealFft', () => {
  // powers of two go through fft.js; the rest through Bluestein; odd sizes through a full complex FFT
  it.each([2, 3, 4, 5, 6, 8, 12, 64, 100, 255, 256, 400, 1000, 1024, 1025, 2400])(
    'gives the exact DFT for n = %i (forward and power)',
    (n) => {
      const x = randomReal(n, n + 7);
      const plan = new RealFft(n);
      expect(plan.bins).toBe(Math.floor(n / 2) + 1);
      expectExactDft(plan, x);
    },
  );

  it('uses fft.js for powers of two and Bluestein otherwise', () => {
    expect(new RealFft(2048).algorithm).toBe('fft.js');
    expect(new RealFft(2400).algorithm).toBe('bluestein');
  });

  it('reuses one cached plan per size and gives the same answer on repeated calls', () => {
    expect(realFft(512)).toBe(realFft(512));
    const x = randomReal(512, 3);
    const a = new Float64Array(257);
    const b = new Float64Array(257);
    realFft(512).power(x, a);
    realFft(512).power(randomReal(512, 4), b);
    realFft(512).power(x, b);
    expect(b).toEqual(a);
  });

  it('rejects a non-integer size with PARAM_INVALID', () => {
    expect(() => new RealFft(10.5)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });
});
