import { describe, expect, it } from 'vitest';
import {
  hzToMel,
  melFilterbank,
  melFilterbankDense,
  melFramesInto,
  melFromSpectrogram,
  melSpectrogram,
  melSpectrogramConfig,
  melToHz,
  melWarnings,
} from '../../src/dsp/mel.ts';
import { stft } from '../../src/dsp/stft.ts';
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
  });

  it('rejects fmin >= fmax and bad values with PARAM_INVALID', () => {
    const code = expect.objectContaining({ code: 'PARAM_INVALID' });
    expect(() => melFilterbank({ sr: 32000, fmin: 9000, fmax: 8000 })).toThrow(code);
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
