import { describe, expect, it } from 'vitest';
import { mixToMono, toMono } from '../../src/audio/mono.ts';

describe('toMono', () => {
  it('averages the channels sample by sample', () => {
    const stereo = { channels: [Float32Array.of(1, 0.5, -1, 0), Float32Array.of(0, 0.25, 1, -0.5)], sampleRate: 8000, source: 's.wav' };
    const mono = toMono(stereo);
    expect(Array.from(mono.samples)).toEqual([0.5, 0.375, 0, -0.25]);
    expect([mono.sampleRate, mono.source]).toEqual([8000, 's.wav']);
  });

  it('returns a single channel itself, without copying it', () => {
    const only = Float32Array.of(0.1, 0.2);
    expect(toMono({ channels: [only], sampleRate: 16000, source: 'm.wav' })).toEqual({ samples: only, sampleRate: 16000, source: 'm.wav' });
    expect(toMono({ channels: [only], sampleRate: 16000, source: 'm.wav' }).samples).toBe(only);
  });

  it('gives no samples for no channels or empty channels', () => {
    expect(toMono({ channels: [], sampleRate: 8000, source: 'e.wav' }).samples).toHaveLength(0);
    expect(toMono({ channels: [new Float32Array(0), new Float32Array(0)], sampleRate: 8000, source: 'e.wav' }).samples).toHaveLength(0);
  });

  it('rounds to float32 after every addition, as numpy’s float32 mean over channels (librosa.to_mono)', () => {
    // numpy: np.float32([[1], [2**-24], [2**-24]]).mean(axis=0) == [0.33333334]: 1 + 2^-24 rounds back to 1
    // twice; a float64 sum would give 0.33333337.
    const mono = toMono({ channels: [Float32Array.of(1), Float32Array.of(2 ** -24), Float32Array.of(2 ** -24)], sampleRate: 8000, source: 'x.wav' });
    expect(mono.samples[0]).toBe(Math.fround(1 / 3));
  });
});

describe('mixToMono', () => {
  it('mixes only the first `frames` samples and leaves the rest of `out` alone', () => {
    const out = new Float32Array(4).fill(9);
    mixToMono([Float32Array.of(1, 2, 3, 4), Float32Array.of(3, 4, 5, 6)], out, 2);
    expect(Array.from(out)).toEqual([2, 3, 9, 9]);
    const single = new Float32Array(3).fill(9);
    mixToMono([Float32Array.of(1, 2, 3)], single, 2);
    expect(Array.from(single)).toEqual([1, 2, 9]);
  });
});
