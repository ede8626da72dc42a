import FFT from 'fft.js';
import lsr from '@alexanderolsen/libsamplerate-js';
import { describe, it, expect } from 'vitest';
import { resample, resampleParams } from '../../src/audio/resample.ts';
import type { Audio } from '../../src/audio/types.ts';
import { BirdcallError } from '../../src/errors.ts';
import { maxAbsDiff } from './compare.ts';

function tones(sampleRate: number, n: number, parts: [freq: number, amp: number, phase: number][]): Audio {
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const [f, a, ph] of parts) v += a * Math.sin((2 * Math.PI * f * i) / sampleRate + ph);
    samples[i] = v;
  }
  return { samples, sampleRate, source: 'test' };
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 300 && term > sum * 1e-17; k++) {
    term *= (x * x) / 4 / (k * k);
    sum += term;
  }
  return sum;
}

/**
 * Amplitude spectrum in dB (a full-scale sine of amplitude A reads 20 log10 A) of `n` samples from
 * `start`, under a Kaiser window with beta 20, whose sidelobes (below -150 dB) do not mask what we measure.
 */
function spectrumDb(x: Float32Array, start: number, n: number): Float64Array {
  const fft = new FFT(n);
  const input = new Array<number>(n);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const u = (2 * i) / (n - 1) - 1;
    const w = besselI0(20 * Math.sqrt(1 - u * u)) / besselI0(20);
    input[i] = x[start + i] * w;
    wsum += w;
  }
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, input);
  const db = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) db[k] = 20 * Math.log10((2 * Math.hypot(out[2 * k], out[2 * k + 1])) / wsum + 1e-300);
  return db;
}

/** Level of the tone at `freq` and the loudest bin outside its main lobe, in dB. */
function toneAndRest(db: Float64Array, freq: number, sampleRate: number, n: number): { tone: number; rest: number } {
  const bin = Math.round((freq * n) / sampleRate);
  const lobe = 24; // Kaiser beta 20 main lobe half-width is about 6.5 bins; leave margin
  let tone = -Infinity;
  let rest = -Infinity;
  for (let k = 0; k < db.length; k++) {
    if (Math.abs(k - bin) <= lobe) tone = Math.max(tone, db[k]);
    else rest = Math.max(rest, db[k]);
  }
  return { tone, rest };
}

function rmsDb(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return 10 * Math.log10(s / (to - from));
}

describe('resample', () => {
  it('1 kHz at 44.1 kHz -> 32 kHz: everything but the tone is at least 80 dB down, the tone keeps its level', () => {
    for (const quality of ['best', 'fast'] as const) {
      const y = resample(tones(44100, 44100, [[1000, 0.5, 0]]), 32000, { quality });
      expect(y.sampleRate).toBe(32000);
      const n = 16384;
      const { tone, rest } = toneAndRest(spectrumDb(y.samples, 8000, n), 1000, 32000, n);
      expect(tone, quality).toBeCloseTo(20 * Math.log10(0.5), 2);
      expect(tone - rest, quality).toBeGreaterThanOrEqual(80);
    }
  });

  it('15 kHz at 44.1 kHz -> 22.05 kHz comes out at least 60 dB down (no alias at 7.05 kHz)', () => {
    const x = tones(44100, 22050, [[15000, 0.5, 0]]);
    for (const quality of ['best', 'fast'] as const) {
      const y = resample(x, 22050, { quality }).samples;
      const inDb = rmsDb(x.samples, 0, x.samples.length);
      expect(inDb - rmsDb(y, 500, y.length - 500), quality).toBeGreaterThanOrEqual(60);
    }
  });

  it('agrees with libsamplerate (SRC_SINC_BEST_QUALITY) on passband signals, sample for sample', async () => {
    const cases: [number, number][] = [
      [44100, 32000],
      [48000, 32000],
      [22050, 32000],
    ];
    for (const [from, to] of cases) {
      const x = tones(from, from / 2, [[500, 0.2, 0], [3000, 0.2, 1], [9000, 0.2, 2], [0.4 * Math.min(from, to), 0.2, 3]]);
      const ours = resample(x, to).samples;
      const src = await lsr.create(1, from, to, { converterType: lsr.ConverterType.SRC_SINC_BEST_QUALITY });
      const ref = src.simple(x.samples);
      src.destroy();
      expect(Math.abs(ours.length - ref.length)).toBeLessThanOrEqual(1);
      // Away from the ends (where the two treat the zero padding differently), within -80 dB of full scale.
      const edge = 1000;
      expect(maxAbsDiff(ours.subarray(edge, ref.length - edge), ref.subarray(edge, ref.length - edge)), `${from}->${to}`).toBeLessThan(1e-4);
    }
  });

  it('the same rate returns the input unchanged', () => {
    const x = tones(32000, 100, [[440, 0.5, 0]]);
    expect(resample(x, 32000)).toBe(x);
  });

  it('output length is ceil(n * to / from), as librosa.resample; empty stays empty', () => {
    for (const [n, from, to] of [[1000, 44100, 32000], [1, 48000, 32000], [7, 22050, 32000], [12345, 32000, 44100]]) {
      expect(resample(tones(from, n, [[100, 0.1, 0]]), to).samples.length).toBe(Math.ceil((n * to) / from));
    }
    expect(resample({ samples: new Float32Array(0), sampleRate: 44100, source: 's' }, 32000).samples).toHaveLength(0);
  });

  it('keeps a constant (DC) signal constant away from the ends, in exact and interpolated phase modes', () => {
    for (const [from, to] of [[44100, 32000], [44101, 32000], [8000, 32000]]) {
      const y = resample({ samples: new Float32Array(from).fill(0.25), sampleRate: from, source: 's' }, to).samples;
      const inner = y.subarray(500, y.length - 500);
      expect(maxAbsDiff(inner, new Float32Array(inner.length).fill(0.25)), `${from}->${to}`).toBeLessThan(1e-6);
    }
  });

  it('an awkward ratio (44101 -> 32000, interpolated polyphase table) is as clean as an exact one', () => {
    const y = resample(tones(44101, 44101, [[1000, 0.5, 0]]), 32000).samples;
    const n = 16384;
    const { tone, rest } = toneAndRest(spectrumDb(y, 8000, n), 1000, 32000, n);
    expect(tone - rest).toBeGreaterThanOrEqual(80);
  });

  it('upsampling 22.05 -> 32 kHz keeps a 5 kHz tone and adds no image above 11 kHz', () => {
    const y = resample(tones(22050, 22050, [[5000, 0.5, 0]]), 32000).samples;
    const n = 16384;
    const { tone, rest } = toneAndRest(spectrumDb(y, 8000, n), 5000, 32000, n);
    expect(tone).toBeCloseTo(20 * Math.log10(0.5), 2);
    expect(tone - rest).toBeGreaterThanOrEqual(80);
  });

  it('extreme rates (1 Hz and 10 MHz sources) resample without error', () => {
    expect(resample({ samples: new Float32Array([0.5, 0.5]), sampleRate: 1, source: 's' }, 32000).samples).toHaveLength(64000);
    const fast = resample({ samples: new Float32Array(10_000).fill(0.5), sampleRate: 10_000_000, source: 's' }, 32000).samples;
    expect(fast).toHaveLength(32);
    for (const v of fast) expect(Number.isFinite(v)).toBe(true);
  });

  it('rejects rates that are not positive whole numbers with PARAM_INVALID', () => {
    const x = tones(32000, 10, [[100, 0.1, 0]]);
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(() => resample(x, bad)).toThrow(BirdcallError);
      try {
        resample(x, bad);
      } catch (e) {
        expect((e as BirdcallError).code).toBe('PARAM_INVALID');
      }
    }
  });

  it('resampleParams defaults to 32000 Hz and best quality, and validates', () => {
    expect(resampleParams.parse({})).toEqual({ sampleRate: 32000, quality: 'best' });
    expect(resampleParams.parse({ sampleRate: 22050, quality: 'fast' })).toEqual({ sampleRate: 22050, quality: 'fast' });
    expect(resampleParams.safeParse({ sampleRate: -5 }).success).toBe(false);
    expect(resampleParams.safeParse({ quality: 'medium' }).success).toBe(false);
    expect(resampleParams.shape.sampleRate.description).toMatch(/Hz/);
  });
});
