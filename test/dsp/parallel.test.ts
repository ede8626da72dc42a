import { afterAll, describe, expect, it } from 'vitest';
import { melSpectrogram, melSpectrogramConfig, type MelSpectrogramParamsInput } from '../../src/dsp/mel.ts';
import { closeMelWorkers, melChunksInto, melSpectrogramParallel, melSpectrogramParallelBlocks } from '../../src/dsp/parallel.ts';
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

  // over 1M samples the signal reaches shared memory in several steps while the workers already run
  // (chunks wait for their samples), and a signal already in shared memory is used as it is
  it.each([
    ['copied in steps', false],
    ['already shared', true],
  ])('gives values identical to melSpectrogram on a long signal: %s', async (_name, shared) => {
    const long = shared ? new Float32Array(new SharedArrayBuffer(4 * 2_500_000)) : new Float32Array(2_500_000);
    for (let i = 0; i < long.length; i += x.length) long.set(x.subarray(0, Math.min(x.length, long.length - i)), i);
    const params = { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64 };
    const whole = melSpectrogram(long, params);
    const out = await melSpectrogramParallel(long, params, { jobs: 2 });
    expect(out.frames).toBe(whole.frames);
    expect(Buffer.from(out.values.buffer).equals(Buffer.from(whole.values.buffer))).toBe(true);
  });

  // several threads: the check runs while the signal is copied to shared memory (or, already shared, in
  // place), and must give melSpectrogram's error: the first bad sample, named by index
  it.each([
    ['NaN, copied to shared memory', Number.NaN, false],
    ['-Infinity, copied to shared memory', Number.NEGATIVE_INFINITY, false],
    ['Infinity, signal already in shared memory', Number.POSITIVE_INFINITY, true],
  ])('rejects a non-finite sample on the multi-thread path like melSpectrogram: %s', async (_name, value, shared) => {
    const bad = shared ? new Float32Array(new SharedArrayBuffer(x.byteLength)) : new Float32Array(x.length);
    bad.set(x);
    bad[30000] = value;
    if (Number.isNaN(value)) bad[40000] = value; // the first bad index is the one named
    let expected: unknown;
    try {
      melSpectrogram(bad, { sr: 32000 }, { file: 'bad.wav' });
    } catch (err) {
      expected = err;
    }
    expect(expected).toMatchObject({ code: 'AUDIO_NOT_FINITE' });
    const { message } = expected as Error;
    await expect(melSpectrogramParallel(bad, { sr: 32000 }, { jobs: 2, minFramesPerPart: 10, file: 'bad.wav' })).rejects.toMatchObject({
      code: 'AUDIO_NOT_FINITE',
      file: 'bad.wav',
      message,
    });
  });

  it('rejects jobs = 0 with PARAM_INVALID', async () => {
    await expect(melSpectrogramParallel(x, { sr: 32000 }, { jobs: 0 })).rejects.toMatchObject({ code: 'PARAM_INVALID' });
  });
});

describe('melSpectrogramParallelBlocks', () => {
  const x = testSignal(48000);
  const params = { sr: 32000, nFft: 1024, hopLength: 128, nMels: 64 };

  /** `signal` as blocks of uneven sizes, yielded asynchronously as a file reader does. */
  async function* blocksOf(signal: Float32Array, sizes = [7000, 1, 20000, 333]): AsyncIterable<Float32Array> {
    for (let i = 0, k = 0; i < signal.length; k++) {
      const end = Math.min(signal.length, i + sizes[k % sizes.length]);
      await Promise.resolve();
      yield signal.slice(i, end);
      i = end;
    }
  }

  it.each([
    [1, false],
    [2, false],
    [2, true],
    [3, true],
  ])('gives values identical to melSpectrogram of the joined blocks with %i thread(s) (known finite: %s)', async (jobs, finite) => {
    const whole = melSpectrogram(x, params);
    const out = await melSpectrogramParallelBlocks(x.length, blocksOf(x), params, { jobs, minFramesPerPart: 10, finite });
    expect([out.bins, out.frames]).toEqual([whole.bins, whole.frames]);
    expect(Buffer.from(out.values.buffer).equals(Buffer.from(whole.values.buffer))).toBe(true);
  });

  it('computes a source that gives fewer samples than announced as the samples it gave', async () => {
    const given = x.subarray(0, 30000);
    const out = await melSpectrogramParallelBlocks(x.length, blocksOf(given), params, { jobs: 2, minFramesPerPart: 10 });
    const whole = melSpectrogram(given, params);
    expect(out.frames).toBe(whole.frames);
    expect(Buffer.from(out.values.buffer).equals(Buffer.from(whole.values.buffer))).toBe(true);
  });

  it('refuses a source that gives more samples than announced', async () => {
    await expect(melSpectrogramParallelBlocks(1000, blocksOf(x), params, { jobs: 2, minFramesPerPart: 1 })).rejects.toThrow(/longer than the 1000 samples announced/);
  });

  it('rejects a non-finite sample in a later block with melSpectrogram\'s error (the first bad index)', async () => {
    const bad = Float32Array.from(x);
    bad[27500] = Number.NaN;
    bad[40000] = Number.POSITIVE_INFINITY;
    const expected = (() => {
      try {
        melSpectrogram(bad, params, { file: 'bad.wav' });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(expected).toMatchObject({ code: 'AUDIO_NOT_FINITE' });
    for (const jobs of [1, 2]) {
      await expect(melSpectrogramParallelBlocks(bad.length, blocksOf(bad), params, { jobs, minFramesPerPart: 10, file: 'bad.wav' })).rejects.toMatchObject({
        code: 'AUDIO_NOT_FINITE',
        file: 'bad.wav',
        message: expected!.message,
      });
    }
  });
});
