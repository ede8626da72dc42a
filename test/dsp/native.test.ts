import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAudioFile } from '../../src/audio/read.ts';
import { powerToDb } from '../../src/dsp/db.ts';
import { applyMelFrame, melSpectrogram, melSpectrogramConfig, type MelSpectrogramParamsInput } from '../../src/dsp/mel.ts';
import { FrameEngine, frameLayout } from '../../src/dsp/stft.ts';
import { presets } from '../../src/dsp/presets.ts';
import { BIRDCALLS, HAVE_SHARED, SHARED_SKIP_REASON } from '../helpers/shared.ts';
import { maxAbsDiff, maxOf, testSignal } from './reference.ts';

/** Mel power one frame at a time through the JS FrameEngine in float64: the plain reference. */
function frameByFrame(samples: Float32Array | Float64Array, params: MelSpectrogramParamsInput): Float64Array {
  const config = melSpectrogramConfig({ ...params, dtype: 'float64' });
  const layout = frameLayout(samples.length, config.stft);
  const engine = new FrameEngine(config.stft);
  const out = new Float64Array(config.filterbank.nMels * layout.frames);
  for (let t = 0; t < layout.frames; t++) {
    engine.computeFrame(t, layout, samples, 0);
    applyMelFrame(config.filterbank, engine.spectrum, out, t, layout.frames);
  }
  return out;
}

function dbOf(values: Float32Array | Float64Array, frames: number, nMels: number): Float64Array {
  const mel = { values: Float64Array.from(values), bins: nMels, frames, axis: 'mel' as const, scale: 'power' as const, sampleRate: 1, hopLength: 1, params: {} };
  return Float64Array.from(powerToDb(mel, { ref: 'max' }).values);
}

describe('the wasm SIMD mel path', () => {
  const x = testSignal(40000);

  it.each([
    { name: 'many chunks of 128 frames, centred, edges at both ends', params: { sr: 32000, nFft: 256, hopLength: 61, nMels: 32 } },
    { name: 'reflect padding, nFft 2048 (pure radix-4 passes)', params: { sr: 32000, nFft: 2048, hopLength: 512, nMels: 128, fmin: 20, padMode: 'reflect' as const } },
    { name: 'hop > nFft, uncentred, power 1', params: { sr: 32000, nFft: 128, hopLength: 300, nMels: 16, center: false, power: 1 } },
    { name: 'nFft 1024 (a radix-8 pass, then radix-4 passes; the default recipe, power 1)', params: { sr: 32000, nFft: 1024, hopLength: 1024, nMels: 64, fmin: 1000, fmax: 11000, power: 1 } },
    { name: 'nFft 16 (the radix-8 pass alone)', params: { sr: 32000, nFft: 16, hopLength: 7, nMels: 4 } },
  ])('float64 agrees with the JS FrameEngine to 1e-13 of the largest value: $name', ({ params }) => {
    for (const samples of [x, Float64Array.from(x.subarray(0, 33333))]) {
      const mel = melSpectrogram(samples, { ...params, dtype: 'float64' });
      const expected = frameByFrame(samples, params);
      expect(maxAbsDiff(mel.values, expected)).toBeLessThanOrEqual(1e-13 * maxOf(expected));
    }
  });

  it('float64 gives the same bits from float32 samples (widened in the module) as from the same values as float64', () => {
    for (const length of [40000, 33333, 4097]) {
      const f32 = x.subarray(0, length);
      for (const params of [presets.birdclef.params, { sr: 32000, nFft: 256, hopLength: 61, nMels: 32 }]) {
        expect(f32).toBeInstanceOf(Float32Array);
        const fromF32 = melSpectrogram(f32, { ...params, dtype: 'float64' });
        expect(fromF32.values).toEqual(melSpectrogram(Float64Array.from(f32), { ...params, dtype: 'float64' }).values);
      }
    }
  });

  it('float32 precision runs the float32 kernels: within 5e-3 dB of float64, yet not equal to it', () => {
    for (const params of [presets.birdclef.params, presets.kaggle2020.params]) {
      const p64 = melSpectrogram(x, { ...params, dtype: 'float64' });
      const p32 = melSpectrogram(x, { ...params, dtype: 'float64', precision: 'float32' });
      expect(p32.params.precision).toBe('float32');
      const diff = maxAbsDiff(dbOf(p32.values, p32.frames, p32.bins), dbOf(p64.values, p64.frames, p64.bins));
      expect(diff).toBeLessThanOrEqual(5e-3);
      expect(maxAbsDiff(p32.values, p64.values)).toBeGreaterThan(1e-12 * maxOf(p64.values));
    }
  });

  it('float32 precision falls back to float64 where its kernels do not apply (nFft not a power of two)', () => {
    const params = { sr: 16000, nFft: 400, hopLength: 100, nMels: 24 };
    const mel = melSpectrogram(x, { ...params, dtype: 'float64', precision: 'float32' });
    expect(mel.values).toEqual(frameByFrame(x, params));
  });
});

describe.skipIf(!HAVE_SHARED)(`float32 precision on real recordings (${HAVE_SHARED ? 'present' : SHARED_SKIP_REASON})`, () => {
  it('stays within 3e-3 dB of float64 (ref max, top 80 dB) on the shared clips, birdclef and kaggle2020 presets', async () => {
    const clips = join(BIRDCALLS, 'clips');
    const files = readdirSync(clips).flatMap((d) => readdirSync(join(clips, d)).map((f) => join(clips, d, f))).filter((f) => f.endsWith('.wav'));
    expect(files.length).toBeGreaterThan(10);
    const worst = { birdclef: 0, kaggle2020: 0 };
    for (const file of files) {
      const audio = await readAudioFile(file);
      // nFft 2048 runs radix-4 passes only; kaggle2020's 1024 starts with the radix-8 pass
      for (const preset of ['birdclef', 'kaggle2020'] as const) {
        const params = { ...presets[preset].params, sr: audio.sampleRate, dtype: 'float64' as const };
        const p64 = melSpectrogram(audio.samples, params);
        const p32 = melSpectrogram(audio.samples, { ...params, precision: 'float32' });
        worst[preset] = Math.max(worst[preset], maxAbsDiff(dbOf(p32.values, p32.frames, p32.bins), dbOf(p64.values, p64.frames, p64.bins)));
      }
    }
    expect(worst.birdclef).toBeLessThanOrEqual(3e-3);
    expect(worst.kaggle2020).toBeLessThanOrEqual(3e-3);
  }, 120_000);
});
