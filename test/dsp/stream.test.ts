import { describe, expect, it } from 'vitest';
import { MelStream } from '../../src/dsp/stream.ts';
import { melSpectrogram, type MelSpectrogramParamsInput } from '../../src/dsp/mel.ts';
import { powerToDb } from '../../src/dsp/db.ts';
import { testSignal } from './reference.ts';

function streamed(x: Float32Array, blockSize: number, params: MelSpectrogramParamsInput, db = false) {
  const stream = new MelStream(params);
  for (let i = 0; i < x.length; i += blockSize) stream.push(x.subarray(i, Math.min(i + blockSize, x.length)));
  return stream.finish(db ? { db: { ref: 'max' } } : {});
}

/** Blocks of varying size, including sizes below the hop and below nFft. */
function streamedIrregular(x: Float32Array, sizes: number[], params: MelSpectrogramParamsInput) {
  const stream = new MelStream(params);
  let i = 0;
  for (let b = 0; i < x.length; b++) {
    const n = sizes[b % sizes.length];
    stream.push(x.subarray(i, Math.min(i + n, x.length)));
    i += n;
  }
  return stream.finish();
}

describe('MelStream', () => {
  const x = testSignal(12000);
  const paramSets: [string, MelSpectrogramParamsInput][] = [
    ['kaggle2020 (1024/320, constant)', { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64, fmin: 50, fmax: 14000 }],
    ['reflect padding', { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64, padMode: 'reflect' }],
    ['no centring', { sr: 32000, nFft: 2048, hopLength: 512, nMels: 128, center: false }],
    ['non-power-of-two nFft, float64', { sr: 32000, nFft: 1000, hopLength: 250, nMels: 40, dtype: 'float64' }],
    ['hop >= nFft / 2 with reflect (librosa tail rule)', { sr: 32000, nFft: 256, hopLength: 200, nMels: 20, padMode: 'reflect' }],
  ];

  describe.each(paramSets)('%s', (_name, params) => {
    const whole = melSpectrogram(x, params);
    it.each([1, 37, 100, 319, 1000, 4096, 12000])('gives the whole-signal result for blocks of %i samples', (blockSize) => {
      const out = streamed(x, blockSize, params);
      expect([out.bins, out.frames]).toEqual([whole.bins, whole.frames]);
      expect(out.values.constructor).toBe(whole.values.constructor);
      expect(out.values).toEqual(whole.values);
    });

    it('gives the whole-signal result for blocks of irregular sizes, including empty ones', () => {
      expect(streamedIrregular(x, [3, 0, 700, 1, 2500, 64], params).values).toEqual(whole.values);
    });
  });

  it('converts to dB with ref max over the whole file, identical to powerToDb on the whole result', () => {
    const params = { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64 };
    const expected = powerToDb(melSpectrogram(x, params), { ref: 'max' });
    const out = streamed(x, 777, params, true);
    expect(out.scale).toBe('db');
    expect(out.values).toEqual(expected.values);
  });

  it.each([
    [1, 'constant'],
    [300, 'constant'],
    [300, 'reflect'],
    [600, 'reflect'],
    [1500, 'reflect'],
  ] as const)('matches the whole-signal path on a %i-sample signal (%s padding)', (n, padMode) => {
    const short = testSignal(n, 32000, n);
    const params = { sr: 32000, nFft: 1024, hopLength: 256, nMels: 32, padMode };
    const whole = melSpectrogram(short, params);
    for (const blockSize of [1, 50, 2000]) expect(streamed(short, blockSize, params).values).toEqual(whole.values);
  });

  it('reports errors with stable codes', () => {
    const stream = new MelStream({ nFft: 512, center: false }, { file: 'x.wav' });
    stream.push(new Float32Array(100));
    expect(() => stream.finish()).toThrow(expect.objectContaining({ code: 'AUDIO_TOO_SHORT', file: 'x.wav' }));
    expect(() => stream.push(new Float32Array(10))).toThrow(expect.objectContaining({ code: 'STREAM_FINISHED' }));
    expect(() => new MelStream({}).finish()).toThrow(expect.objectContaining({ code: 'AUDIO_EMPTY' }));
  });
});
