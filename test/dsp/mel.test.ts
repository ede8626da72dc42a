import { describe, expect, it } from 'vitest';
import {
  applyMelFrame,
  applyMelFrames4,
  hzToMel,
  melFilterbank,
  melFilterbankDense,
  melFrequencies,
  melFramesInto,
  melFromSpectrogram,
  melSpectrogram,
  melSpectrogramConfig,
  melToHz,
  melWarnings,
} from '../../src/dsp/mel.ts';
import { FrameEngine, frameLayout, stft } from '../../src/dsp/stft.ts';
import { maxAbsDiff, maxOf, testSignal } from './reference.ts';

describe('mel scale', () => {
  it('is linear below 1 kHz and logarithmic above (Slaney), and inverts', () => {
    expect(hzToMel(200 / 3)).toBeCloseTo(1, 12);
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(6400) - hzToMel(1000)).toBeCloseTo(27, 10);
    for (const f of [0, 20, 440, 999.9, 1000, 5000, 16000]) {
      expect(melToHz(hzToMel(f))).toBeCloseTo(f, 8);
      expect(melToHz(hzToMel(f, true), true)).toBeCloseTo(f, 8);
    }
    expect(hzToMel(700, true)).toBeCloseTo(2595 * Math.log10(2), 10);
  });
});

describe('melFrequencies', () => {
  it('spaces n frequencies evenly in mels, on the Slaney scale by default', () => {
    const f = melFrequencies(5, 100, 8000);
    expect(f).toEqual(melFrequencies(5, 100, 8000, false));
    expect(f).not.toEqual(melFrequencies(5, 100, 8000, true));
    const mels = Array.from(f, (v) => hzToMel(v));
    for (let i = 1; i < 5; i++) expect(mels[i] - mels[i - 1]).toBeCloseTo((hzToMel(8000) - hzToMel(100)) / 4, 10);
  });

  it('ends exactly at fmax, as numpy.linspace sets its endpoint', () => {
    // 0 .. 8000 Hz in 66 steps: 65 * step + lo misses hzToMel(8000) by one rounding
    const f = melFrequencies(66, 0, 8000);
    expect(f[0]).toBe(0);
    expect(f[65]).toBe(melToHz(hzToMel(8000)));
  });

  it('gives fmin alone for n = 1, as numpy.linspace(lo, hi, 1)', () => {
    expect(Array.from(melFrequencies(1, 100, 8000))).toEqual([melToHz(hzToMel(100))]);
  });
});

describe('melFilterbank', () => {
  it('stores each triangle sparsely and expands to the same dense matrix', () => {
    const fb = melFilterbank({ sr: 32000, nFft: 1024, nMels: 64, fmin: 50, fmax: 14000 });
    const dense = melFilterbankDense(fb);
    expect(dense.length).toBe(64 * 513);
    let nonZero = 0;
    for (const v of dense) if (v !== 0) nonZero++;
    expect(fb.weights.length).toBe(nonZero);
    expect(fb.weights.length).toBeLessThan(dense.length / 10);
  });

  it("has peak 1 per triangle without norm, and area-normalised triangles with 'slaney'", () => {
    const plain = melFilterbank({ sr: 22050, nFft: 2048, nMels: 40, norm: null });
    const alsoPlain = melFilterbank({ sr: 22050, nFft: 2048, nMels: 40, norm: 'none' });
    expect(melFilterbankDense(alsoPlain)).toEqual(melFilterbankDense(plain));
    const slaney = melFilterbank({ sr: 22050, nFft: 2048, nMels: 40 });
    for (let m = 0; m < 40; m++) {
      const row = plain.weights.subarray(plain.offset[m], plain.offset[m] + plain.length[m]);
      expect(maxOf(row)).toBeLessThanOrEqual(1);
      expect(maxOf(row)).toBeGreaterThan(0.5);
      const width = slaney.melFrequencies[m + 2] - slaney.melFrequencies[m];
      const srow = slaney.weights.subarray(slaney.offset[m], slaney.offset[m] + slaney.length[m]);
      expect(maxAbsDiff(srow, Array.from(row, (w) => (w * 2) / width))).toBeLessThan(1e-15);
    }
  });

  it('allows fmax above sr/2 as librosa does, with warnings and empty top bands', () => {
    const fb = melFilterbank({ sr: 22050, nFft: 1024, nMels: 64, fmin: 50, fmax: 14000 });
    expect(fb.emptyFilters).toBe(3);
    expect(fb.length.subarray(61)).toEqual(new Int32Array([0, 0, 0]));
    expect(fb.warnings.join('\n')).toMatch(/Nyquist/);
    expect(fb.warnings.join('\n')).toMatch(/Empty filters/);
    expect(melWarnings({ sr: 22050, nFft: 1024, nMels: 64, fmin: 50, fmax: 14000 })).toEqual(fb.warnings);
    expect(melWarnings({ sr: 32000, nFft: 1024, nMels: 64, fmin: 50, fmax: 14000 })).toEqual([]);
    expect(fb.warnings[0]).toBe('fmax 14000 Hz is above the Nyquist frequency 11025 Hz: the top mel bands see no FFT bins');
    expect(fb.warnings[1]).toMatch(/3 of 64 channels will produce empty responses\. Try increasing your sampling rate/);
  });

  it('does not warn at its default fmax, sr / 2', () => {
    expect(melFilterbank({ sr: 22050, nFft: 2048, nMels: 64 }).warnings).toEqual([]);
    expect(melFilterbank({ sr: 22050, nFft: 2048, nMels: 64, fmax: 11025 }).warnings).toEqual([]);
  });

  it('does not count an empty band whose lower edge is 0 Hz, as librosa’s warning exempts it', () => {
    // 64-point FFT at 22.05 kHz: bins 345 Hz apart, far wider than the low bands
    const fb = melFilterbank({ sr: 22050, nFft: 64, nMels: 128 });
    let empty = 0;
    for (let m = 0; m < 128; m++) if (fb.length[m] === 0) empty++;
    expect(fb.melFrequencies[0]).toBe(0);
    expect(fb.length[0]).toBe(0);
    expect(fb.emptyFilters).toBe(empty - 1);
  });

  it('returns the cached filterbank for the same parameters', () => {
    expect(melFilterbank({ sr: 16000, nFft: 512, nMels: 40 })).toBe(melFilterbank({ sr: 16000, nFft: 512, nMels: 40 }));
  });

  it('rejects fmin >= fmax and bad values with PARAM_INVALID', () => {
    const code = expect.objectContaining({ code: 'PARAM_INVALID' });
    expect(() => melFilterbank({ sr: 32000, fmin: 9000, fmax: 8000 })).toThrow(code);
    expect(() => melFilterbank({ sr: 32000, fmin: 8000, fmax: 8000 })).toThrow('fmin (8000 Hz) must be below fmax (8000 Hz)');
    expect(() => melFilterbank({ sr: 32000, nMels: 0 })).toThrow(/^mel filterbank: .*nMels/);
    expect(() => melFilterbank({ sr: 32000, nMels: 0 })).toThrow(code);
    expect(() => melFilterbank({ sr: -1 })).toThrow(code);
  });
});

describe('melSpectrogram', () => {
  const x = testSignal(8000);

  it('equals the dense filterbank times the power spectrogram', () => {
    const params = { sr: 32000, nFft: 1000, hopLength: 320, nMels: 40, fmin: 30, fmax: 15000, htk: true, dtype: 'float64' as const };
    const mel = melSpectrogram(x, params);
    const spec = stft(x, params);
    const dense = melFilterbankDense(melFilterbank({ ...params }));
    const expected = new Float64Array(40 * spec.frames);
    for (let m = 0; m < 40; m++) {
      for (let t = 0; t < spec.frames; t++) {
        let s = 0;
        for (let k = 0; k < spec.bins; k++) s += dense[m * spec.bins + k] * spec.values[k * spec.frames + t];
        expected[m * spec.frames + t] = s;
      }
    }
    expect(maxAbsDiff(mel.values, expected)).toBeLessThanOrEqual(1e-12 * maxOf(expected));
    const viaSpec = melFromSpectrogram(spec, melFilterbank({ ...params }), 'float64');
    expect(maxAbsDiff(viaSpec.values, expected)).toBeLessThanOrEqual(1e-12 * maxOf(expected));
  });

  it('returns float32 by default and float64 on request, with its parameters recorded', () => {
    const a = melSpectrogram(x, { sr: 32000, nFft: 512, hopLength: 128, nMels: 32 });
    const b = melSpectrogram(x, { sr: 32000, nFft: 512, hopLength: 128, nMels: 32, dtype: 'float64' });
    expect(a.values).toBeInstanceOf(Float32Array);
    expect(b.values).toBeInstanceOf(Float64Array);
    expect(maxAbsDiff(a.values, b.values)).toBeLessThanOrEqual(1e-7 * maxOf(b.values));
    expect(a).toMatchObject({ bins: 32, axis: 'mel', scale: 'power', sampleRate: 32000, hopLength: 128 });
    expect(a.params).toMatchObject({ nFft: 512, nMels: 32, fmin: 0, fmax: 16000, norm: 'slaney' });
  });

  it('passes filterbank warnings to the caller', () => {
    const warnings: string[] = [];
    melSpectrogram(x, { sr: 22050, nFft: 1024, hopLength: 320, nMels: 64, fmin: 50, fmax: 14000 }, { warn: (w) => warnings.push(w) });
    expect(warnings.some((w) => w.startsWith('Empty filters'))).toBe(true);
  });

  it('can be computed in frame ranges (as worker threads would) with the identical result', () => {
    const params = { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64, padMode: 'reflect' as const };
    const whole = melSpectrogram(x, params);
    const out = new Float32Array(whole.values.length);
    const config = melSpectrogramConfig(params);
    melFramesInto(x, config, 13, whole.frames + 5, out);
    melFramesInto(x, config, 0, 13, out);
    expect(out).toEqual(whole.values);
  });
});

describe('mel frames computed four at a time', () => {
  const x = testSignal(9000);

  /** One frame at a time through FrameEngine.computeFrame and applyMelFrame: the plain form of the hot path. */
  function frameByFrame(samples: Float32Array | Float64Array, params: Parameters<typeof melSpectrogramConfig>[0]): Float32Array | Float64Array {
    const config = melSpectrogramConfig(params);
    const layout = frameLayout(samples.length, config.stft);
    const engine = new FrameEngine(config.stft);
    const nMels = config.filterbank.nMels;
    const out = config.stft.dtype === 'float64' ? new Float64Array(nMels * layout.frames) : new Float32Array(nMels * layout.frames);
    for (let t = 0; t < layout.frames; t++) {
      engine.computeFrame(t, layout, samples, 0);
      applyMelFrame(config.filterbank, engine.spectrum, out, t, layout.frames);
    }
    return out;
  }

  it.each([
    { name: 'uncentred, power 1.5, winLength < nFft', params: { sr: 16000, nFft: 400, winLength: 300, hopLength: 78, nMels: 24, center: false, power: 1.5 } },
  ])('gives values identical to one frame at a time where the JS path runs (nFft not a power of two): $name', ({ params }) => {
    for (const samples of [x, Float64Array.from(x.subarray(0, 7001))]) {
      const mel = melSpectrogram(samples, params);
      expect(mel.frames % 4).not.toBe(0); // so the one-frame remainder runs too
      expect(mel.values).toEqual(frameByFrame(samples, params));
    }
  });

  it.each([
    { name: 'kaggle2020 numbers', params: { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64, fmin: 50, fmax: 14000, dtype: 'float64' as const } },
    { name: 'float64, reflect, power 1', params: { sr: 22050, nFft: 512, hopLength: 100, nMels: 40, padMode: 'reflect' as const, power: 1, dtype: 'float64' as const } },
    { name: 'hop > nFft (each frame copied alone)', params: { sr: 8000, nFft: 64, hopLength: 100, nMels: 8, dtype: 'float64' as const } },
    { name: 'nFft 8, reflect', params: { sr: 8000, nFft: 8, hopLength: 3, nMels: 2, padMode: 'reflect' as const, dtype: 'float64' as const } },
  ])('the wasm SIMD path (power-of-two nFft) agrees with one frame at a time to 1e-13 of the largest value: $name', ({ params }) => {
    for (const samples of [x, Float64Array.from(x.subarray(0, 7001)), x.subarray(0, 1000)]) {
      const mel = melSpectrogram(samples, params);
      const expected = frameByFrame(samples, params);
      expect(maxAbsDiff(mel.values, expected)).toBeLessThanOrEqual(1e-13 * maxOf(expected));
    }
  });

  it('applyMelFrames4 writes four frames exactly as four applyMelFrame calls', () => {
    const fb = melFilterbank({ sr: 32000, nFft: 256, nMels: 20 });
    const spectra = [0, 1, 2, 3].map((f) => Float64Array.from({ length: fb.bins }, (_, k) => Math.sin(k * (f + 1) * 0.37) ** 2 + 1e-3 * f));
    const frames = 11;
    const expected = new Float64Array(fb.nMels * frames);
    const got = new Float64Array(fb.nMels * frames);
    for (let i = 0; i < 4; i++) applyMelFrame(fb, spectra[i], expected, 5 + i, frames);
    applyMelFrames4(fb, spectra[0], spectra[1], spectra[2], spectra[3], got, 5, frames);
    expect(got).toEqual(expected);
    expect(maxOf(got)).toBeGreaterThan(0);
  });
});

describe('melSpectrogram on non-finite samples (checked through its output)', () => {
  const x = testSignal(4000);

  it.each([
    { name: 'under a frame', params: { sr: 16000, nFft: 256, hopLength: 100, nMels: 20 }, at: [1234, 3999, 0] },
    { name: 'after the last uncentred frame', params: { sr: 16000, nFft: 256, hopLength: 100, nMels: 20, center: false }, at: [3990, 3956] },
    { name: 'where the window is 0 (Inf * 0 is NaN)', params: { sr: 16000, nFft: 256, winLength: 100, hopLength: 200, nMels: 20, center: false }, at: [0, 255, 3999] },
    { name: 'between frames (hop > nFft: checked beforehand)', params: { sr: 16000, nFft: 64, hopLength: 100, nMels: 8 }, at: [70, 150] },
    { name: 'with every filter empty (checked beforehand)', params: { sr: 16000, nFft: 16, hopLength: 8, nMels: 1, fmin: 100, fmax: 200 }, at: [5, 2000] },
    { name: 'float64, power 1, reflect', params: { sr: 16000, nFft: 512, hopLength: 128, nMels: 30, power: 1, padMode: 'reflect' as const, dtype: 'float64' as const }, at: [3, 2047] },
  ])('names the first bad sample as checkFinite does: $name', ({ params, at }) => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (const i of at) {
        for (const samples of [Float32Array.from(x), Float64Array.from(x)]) {
          samples[i] = value;
          if (i + 7 < samples.length) samples[i + 7] = Number.NaN; // a later bad sample is not the one named
          expect(() => melSpectrogram(samples, params, { file: 'a.wav' })).toThrow(`a.wav: sample ${i} is ${value}: the audio must be finite everywhere`);
        }
      }
    }
  });

  it('returns, as before, when finite samples overflow the power to Infinity', () => {
    const loud = Float64Array.from(x, (v) => v * 1e200);
    const mel = melSpectrogram(loud, { sr: 16000, nFft: 256, hopLength: 100, nMels: 20, dtype: 'float64' });
    expect(mel.values.some((v) => v === Number.POSITIVE_INFINITY)).toBe(true);
  });
});
