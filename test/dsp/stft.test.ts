import { describe, expect, it } from 'vitest';
import { checkFinite, frameLayout, stft, stftConfig } from '../../src/dsp/stft.ts';
import { getWindow } from '../../src/dsp/window.ts';
import { maxAbsDiff, maxOf, npPad, referenceStft, referenceWindow, testSignal } from './reference.ts';

describe('stft against a direct-DFT reference', () => {
  const x = testSignal(2000);

  it.each([
    { nFft: 400, hop: 100 },
    { nFft: 1000, hop: 250 },
    { nFft: 2400, hop: 600 },
    { nFft: 512, hop: 128 },
    { nFft: 401, hop: 100 },
  ])('gives librosa’s exact result for nFft $nFft (not a power of two is not zero-padded)', ({ nFft, hop }) => {
    const spec = stft(x, { nFft, hopLength: hop, dtype: 'float64' });
    const ref = referenceStft(x, { nFft, hop });
    expect([spec.bins, spec.frames]).toEqual([ref.bins, ref.frames]);
    expect(maxAbsDiff(spec.values, ref.values)).toBeLessThanOrEqual(1e-10 * maxOf(ref.values));
  });

  it('centres a shorter window in the frame (winLength < nFft)', () => {
    const spec = stft(x, { nFft: 512, winLength: 300, hopLength: 128, dtype: 'float64' });
    const ref = referenceStft(x, { nFft: 512, winLength: 300, hop: 128 });
    expect(maxAbsDiff(spec.values, ref.values)).toBeLessThanOrEqual(1e-10 * maxOf(ref.values));
  });

  it('defaults hopLength to floor(winLength / 4), as librosa', () => {
    expect(stftConfig({ nFft: 512, winLength: 300 }).hopLength).toBe(75);
    expect(stftConfig({ nFft: 2048 }).hopLength).toBe(512);
  });

  it.each(['hamming', 'blackman', 'rectangular'] as const)('applies the %s window', (window) => {
    const spec = stft(x, { nFft: 256, hopLength: 64, window, dtype: 'float64' });
    const ref = referenceStft(x, { nFft: 256, hop: 64, window });
    expect(maxAbsDiff(spec.values, ref.values)).toBeLessThanOrEqual(1e-10 * maxOf(ref.values));
  });

  it('gives the magnitude for power 1', () => {
    const spec = stft(x, { nFft: 400, hopLength: 160, power: 1, dtype: 'float64' });
    const ref = referenceStft(x, { nFft: 400, hop: 160, power: 1 });
    expect(spec.scale).toBe('magnitude');
    expect(maxAbsDiff(spec.values, ref.values)).toBeLessThanOrEqual(1e-11 * maxOf(ref.values));
  });

  it.each([
    { center: false, padMode: 'constant' as const },
    { center: true, padMode: 'reflect' as const },
  ])('handles center=$center padMode=$padMode', ({ center, padMode }) => {
    const spec = stft(x, { nFft: 512, hopLength: 100, center, padMode, dtype: 'float64' });
    const ref = referenceStft(x, { nFft: 512, hop: 100, center, padMode });
    expect([spec.bins, spec.frames]).toEqual([ref.bins, ref.frames]);
    expect(maxAbsDiff(spec.values, ref.values)).toBeLessThanOrEqual(1e-10 * maxOf(ref.values));
  });

  it('pads reflect on a signal shorter than nFft like numpy (repeated reflection)', () => {
    const short = testSignal(150);
    const spec = stft(short, { nFft: 512, hopLength: 64, padMode: 'reflect', dtype: 'float64' });
    const ref = referenceStft(short, { nFft: 512, hop: 64, padMode: 'reflect' });
    expect(maxAbsDiff(spec.values, ref.values)).toBeLessThanOrEqual(1e-10 * maxOf(ref.values));
  });

  it('reflects the tail within the tail part, as librosa >= 0.10 does when hop >= nFft / 2', () => {
    // librosa pads the frames that touch the end from the suffix starting at the first such frame; with
    // a hop this long the suffix is shorter than nFft / 2 + 1, so its reflection differs from np.pad's.
    const nFft = 256;
    const hop = 200;
    const signal = testSignal(1000);
    const spec = stft(signal, { nFft, hopLength: hop, padMode: 'reflect', dtype: 'float64' });
    const layout = frameLayout(signal.length, stftConfig({ nFft, hopLength: hop }));
    const pad = nFft / 2;
    const suffixStart = layout.tailStart * hop - pad;
    const suffix = npPad(signal.subarray(suffixStart), pad, 'reflect').subarray(pad);
    expect(signal.length - suffixStart).toBeLessThan(pad + 1);
    const whole = referenceStft(signal, { nFft, hop, padMode: 'reflect' });
    for (let t = 0; t < layout.frames; t++) {
      const expected =
        t < layout.tailStart
          ? Array.from({ length: spec.bins }, (_, k) => whole.values[k * whole.frames + t])
          : (() => {
              const frame = Float32Array.from(suffix.subarray((t - layout.tailStart) * hop, (t - layout.tailStart) * hop + nFft));
              const r = referenceStft(frame, { nFft, hop: nFft, center: false });
              return Array.from(r.values);
            })();
      const got = Array.from({ length: spec.bins }, (_, k) => spec.values[k * spec.frames + t]);
      expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(1e-10 * Math.max(1, maxOf(expected)));
    }
  });
});

describe('frame counts', () => {
  it.each([
    [22050, 2048, 512, true, 44],
    [22050, 2048, 512, false, 40],
    [1, 2048, 512, true, 1],
    [1000, 1000, 1, false, 1],
  ])('L=%i nFft=%i hop=%i center=%s gives %i frames', (length, nFft, hopLength, center, frames) => {
    expect(frameLayout(length, { nFft, hopLength, center, padMode: 'constant' }).frames).toBe(frames);
  });

  it('equals 1 + L // hop when centred and 1 + (L - nFft) // hop when not', () => {
    for (const length of [2048, 3000, 4097, 10000]) {
      for (const hop of [1, 100, 512, 700]) {
        expect(frameLayout(length, { nFft: 2048, hopLength: hop, center: true, padMode: 'constant' }).frames).toBe(
          1 + Math.floor(length / hop),
        );
        expect(frameLayout(length, { nFft: 2048, hopLength: hop, center: false, padMode: 'constant' }).frames).toBe(
          1 + Math.floor((length - 2048) / hop),
        );
      }
    }
  });
});

describe('getWindow', () => {
  it.each(['hann', 'hamming', 'blackman', 'rectangular'] as const)('gives the periodic %s window', (name) => {
    expect(maxAbsDiff(getWindow(name, 1000, 1000), referenceWindow(name, 1000))).toBeLessThanOrEqual(1e-15);
  });

  it('treats boxcar as rectangular and centres a short window with zeros (pad_center)', () => {
    expect(getWindow('boxcar', 16, 16)).toEqual(getWindow('rectangular', 16, 16));
    const w = getWindow('hann', 5, 10);
    const left = Math.floor((10 - 5) / 2);
    expect(Array.from(w.subarray(0, left))).toEqual([0, 0]);
    expect(maxAbsDiff(w.subarray(left, left + 5), referenceWindow('hann', 5))).toBeLessThanOrEqual(1e-15);
    expect(Array.from(w.subarray(left + 5))).toEqual([0, 0, 0]);
    // a rectangular window is 1 at both ends: the zeros after it show it stops at winLength
    expect(Array.from(getWindow('rectangular', 3, 6))).toEqual([0, 1, 1, 1, 0, 0]);
  });

  it('is all ones for a length-1 window of any type, as scipy', () => {
    for (const name of ['hann', 'hamming', 'blackman'] as const) expect(Array.from(getWindow(name, 1, 4))).toEqual([0, 1, 0, 0]);
    expect(Array.from(getWindow('hann', 1, 1))).toEqual([1]);
  });

  it('returns the cached array for the same name and lengths', () => {
    expect(getWindow('hamming', 64, 128)).toBe(getWindow('hamming', 64, 128));
    expect(getWindow('hamming', 64, 128)).not.toBe(getWindow('hamming', 64, 256));
  });

  it('rejects bad lengths and names with PARAM_INVALID saying what is wrong', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => getWindow('hann', 0, 8), /winLength must be a positive integer, got 0/],
      [() => getWindow('hann', 2.5, 8), /winLength must be a positive integer, got 2.5/],
      [() => getWindow('hann', 4, 0), /nFft must be a positive integer, got 0/],
      [() => getWindow('hann', 4, 6.5), /nFft must be a positive integer, got 6.5/],
      [() => getWindow('hann', 9, 8), /winLength \(9\) must be <= nFft \(8\)/],
      [() => getWindow('kaiser' as 'hann', 4, 8), /unknown window 'kaiser' \(expected one of hann, hamming, blackman, rectangular, boxcar\)/],
    ];
    for (const [fn, message] of bad) {
      expect(fn).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
      expect(fn).toThrow(message);
    }
  });
});

describe('stft errors and warnings', () => {
  const x = testSignal(1000);
  const code = (code: string) => expect.objectContaining({ code });

  it('rejects winLength > nFft, hopLength 0 and unknown windows with PARAM_INVALID', () => {
    expect(() => stft(x, { nFft: 256, winLength: 300 })).toThrow(code('PARAM_INVALID'));
    expect(() => stft(x, { nFft: 256, hopLength: 0 })).toThrow(code('PARAM_INVALID'));
    expect(() => stft(x, { nFft: 256, window: 'kaiser' as 'hann' })).toThrow(code('PARAM_INVALID'));
    expect(() => stft(x, { nFft: 256, winLength: 3 })).toThrow(/hopLength/);
  });

  it('rejects an uncentred signal shorter than nFft, an empty one and non-finite samples', () => {
    expect(() => stft(x, { nFft: 2048, center: false }, { file: 'a.wav' })).toThrow(code('AUDIO_TOO_SHORT'));
    expect(() => stft(new Float32Array(0), {})).toThrow(code('AUDIO_EMPTY'));
    const bad = Float32Array.from(x);
    bad[10] = Number.NaN;
    expect(() => stft(bad, { nFft: 256 }, { file: 'bad.wav' })).toThrow(/bad\.wav: sample 10 is NaN/);
  });

  it('warns, as librosa, when a centred nFft is longer than the signal', () => {
    const warnings: string[] = [];
    const spec = stft(x, { nFft: 2048 }, { warn: (w) => warnings.push(w) });
    expect(spec.frames).toBe(1 + Math.floor(x.length / 512));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/too large/);
  });
});

describe('checkFinite', () => {
  const n = 3 * 4096 + 17;
  // the scan sums v - v per block of 4096 samples, then rescans a bad block: probe both sides of each edge
  const places = [0, 4095, 4096, 4097, 2 * 4096 - 1, n - 1];
  const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

  it.each(['float32', 'float64'] as const)('names the first non-finite sample wherever it falls (%s)', (type) => {
    for (const at of places) {
      for (const value of bad) {
        const x = type === 'float32' ? new Float32Array(n).fill(0.25) : new Float64Array(n).fill(0.25);
        x[at] = value;
        if (at + 5000 < n) x[at + 5000] = Number.NaN; // a later bad sample is not the one named
        expect(() => checkFinite(x, 'f.wav')).toThrow(`f.wav: sample ${at} is ${value}: the audio must be finite everywhere`);
      }
    }
  });

  it('accepts the extremes of the finite range, zeros and subnormals', () => {
    const x32 = Float32Array.from([3.4028234663852886e38, -3.4028234663852886e38, 0, -0, 1e-45, -1e-45]);
    const x64 = Float64Array.from([Number.MAX_VALUE, -Number.MAX_VALUE, 0, -0, Number.MIN_VALUE, 5e-324]);
    expect(() => checkFinite(x32)).not.toThrow();
    expect(() => checkFinite(x64)).not.toThrow();
  });
});
