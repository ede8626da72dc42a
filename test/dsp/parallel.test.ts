import { afterAll, describe, expect, it } from 'vitest';
import { melSpectrogram, melSpectrogramConfig, type MelSpectrogramParamsInput } from '../../src/dsp/mel.ts';
import { closeMelWorkers, melChunksInto, melSpectrogramParallel } from '../../src/dsp/parallel.ts';
import { testSignal } from './reference.ts';

afterAll(closeMelWorkers);

describe('melSpectrogramParallel', () => {
  const x = testSignal(48000);
  const cases: [string, MelSpectrogramParamsInput][] = [
    ['kaggle2020 (1024/320, constant)', { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64, fmin: 50, fmax: 14000 }],
    ['reflect padding, float64', { sr: 32000, nFft: 512, hopLength: 128, nMels: 40, padMode: 'reflect', dtype: 'float64' }],
    ['no centring, non-power-of-two nFft', { sr: 32000, nFft: 1000, hopLength: 250, nMels: 40, center: false }],
  ];

  // small parts so the worker threads get head and tail (padded) frames too
  it.each(cases)('splits the frames across threads with values identical to melSpectrogram: %s', async (_name, params) => {
    const whole = melSpectrogram(x, params);
    for (const jobs of [2, 3]) {
      const out = await melSpectrogramParallel(x, params, { jobs, minFramesPerPart: 10 });
      expect([out.bins, out.frames, out.scale]).toEqual([whole.bins, whole.frames, whole.scale]);
      expect(out.values.constructor).toBe(whole.values.constructor);
      expect(Array.from(out.values)).toEqual(Array.from(whole.values));
    }
  });

  it('shares chunks through the counter: chunks another thread claimed are left alone, the rest match', () => {
    const params = { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64 };
    const whole = melSpectrogram(x, params);
    const { frames, bins } = whole;
    const chunk = 40;
    const counter = new Int32Array(new SharedArrayBuffer(4));
    counter[0] = 1; // as if another thread had taken chunk 0
    const out = new Float32Array(bins * frames).fill(-1);
    melChunksInto(x, melSpectrogramConfig(params), 0, frames, counter, chunk, out);
    expect(counter[0]).toBeGreaterThan(Math.ceil(frames / chunk));
    for (let m = 0; m < bins; m++) {
      for (let t = 0; t < frames; t++) {
        const got = out[m * frames + t];
        if (t < chunk) expect(got).toBe(-1);
        else expect(got).toBe(whole.values[m * frames + t]);
      }
    }
  });

  it('stays on one thread for short signals and still gives the same values', async () => {
    const params = { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64 };
    const out = await melSpectrogramParallel(x.subarray(0, 5000), params, { jobs: 4 });
    expect(Array.from(out.values)).toEqual(Array.from(melSpectrogram(x.subarray(0, 5000), params).values));
  });

  it('rejects a non-finite sample with AUDIO_NOT_FINITE before starting any thread', async () => {
    const bad = Float32Array.from(x);
    bad[1234] = Number.NaN;
    await expect(melSpectrogramParallel(bad, { sr: 32000 }, { jobs: 2, file: 'bad.wav' })).rejects.toMatchObject({
      code: 'AUDIO_NOT_FINITE',
      file: 'bad.wav',
    });
  });

  it('rejects jobs = 0 with PARAM_INVALID', async () => {
    await expect(melSpectrogramParallel(x, { sr: 32000 }, { jobs: 0 })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });
});
