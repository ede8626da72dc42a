import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, SHARED_SKIP_REASON } from '../helpers/shared.ts';
import { frameLayout, stftConfig, stft } from '../../src/dsp/stft.ts';
import { melFilterbank, melFilterbankDense, melSpectrogram } from '../../src/dsp/mel.ts';
import { powerToDb } from '../../src/dsp/db.ts';
import { getWindow } from '../../src/dsp/window.ts';
import { loadIndex, maxAbsDiff, maxOf, readArray, readFloat32, type FixtureCase } from './fixtures.ts';

const index = HAVE_SHARED ? loadIndex() : undefined;
const cases = index?.cases ?? [];

function paramsOf(c: FixtureCase, dtype: 'float32' | 'float64') {
  return {
    sr: c.sr,
    nFft: c.params.n_fft,
    hopLength: c.params.hop_length,
    nMels: c.params.n_mels,
    fmin: c.params.fmin,
    fmax: c.params.fmax,
    htk: c.params.htk,
    center: c.params.center,
    padMode: c.params.pad_mode,
    window: c.params.window,
    power: c.params.power,
    norm: c.params.norm,
    dtype,
  };
}

describe.skipIf(!HAVE_SHARED)(`librosa 0.11 fixtures (${HAVE_SHARED ? 'present' : SHARED_SKIP_REASON})`, () => {
  it('has the 15 cases the fixture README describes', () => {
    expect(cases.length).toBe(15);
  });

  describe.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const samples = readFloat32(index!.signals[c.signal].samples_f32);

    it('has librosa’s frame count', () => {
      const layout = frameLayout(samples.length, stftConfig(paramsOf(c, 'float64')));
      expect(layout.frames).toBe(c.n_frames);
    });

    it('float64 mel power is within 1e-9 of the maximum of librosa’s', () => {
      const mel = melSpectrogram(Float64Array.from(samples), paramsOf(c, 'float64'));
      const expected = readArray(c.f64.mel_power);
      expect([mel.bins, mel.frames]).toEqual(c.f64.mel_power.shape);
      expect(mel.values).toBeInstanceOf(Float64Array);
      expect(maxAbsDiff(mel.values, expected)).toBeLessThanOrEqual(1e-9 * maxOf(expected));
    });

    it('float64 dB (ref max, top 80) is within 1e-6 dB of librosa’s', () => {
      const mel = melSpectrogram(Float64Array.from(samples), paramsOf(c, 'float64'));
      const db = powerToDb(mel, { ref: 'max', amin: 1e-10, topDb: 80 });
      expect(maxAbsDiff(db.values, readArray(c.f64.mel_db))).toBeLessThanOrEqual(1e-6);
    });

    it('the default float32 output is within librosa’s own float32/float64 spread (2e-5 dB)', () => {
      const mel = melSpectrogram(samples, paramsOf(c, 'float32'));
      expect(mel.values).toBeInstanceOf(Float32Array);
      const db = powerToDb(mel, { ref: 'max' });
      expect(maxAbsDiff(db.values, readArray(c.f64.mel_db))).toBeLessThanOrEqual(2e-5);
    });

    it('the power spectrogram matches librosa’s float32 one to float32 precision', () => {
      const spec = stft(samples, paramsOf(c, 'float64'));
      const expected = readArray(c.f32.power_spec);
      expect([spec.bins, spec.frames]).toEqual(c.f32.power_spec.shape);
      expect(maxAbsDiff(spec.values, expected)).toBeLessThanOrEqual(1e-6 * maxOf(expected));
    });
  });

  describe.each(Object.entries(index?.filterbanks ?? {}))('filterbank %s', (_name, fbEntry) => {
    it('matches librosa.filters.mel (float64) within 1e-7, with the same empty filters', () => {
      const p = fbEntry.params;
      const fb = melFilterbank({ sr: p.sr, nFft: p.n_fft, nMels: p.n_mels, fmin: p.fmin, fmax: p.fmax, htk: p.htk, norm: p.norm });
      expect(maxAbsDiff(melFilterbankDense(fb), readArray(fbEntry.f64))).toBeLessThanOrEqual(1e-7);
      expect(fb.emptyFilters).toBe(fbEntry.empty_filters);
      expect(fb.warnings.some((w) => w.startsWith('Empty filters'))).toBe(fbEntry.empty_filters > 0);
    });
  });

  describe.each(Object.entries(index?.windows ?? {}))('periodic Hann window %s', (n, entry) => {
    it('matches the fixture', () => {
      expect(maxAbsDiff(getWindow('hann', Number(n), Number(n)), readArray(entry))).toBeLessThanOrEqual(1e-15);
    });
  });
});
