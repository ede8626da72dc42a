import { describe, it, expect } from 'vitest';
import { chunkAudio } from '../../src/audio/chunk.ts';
import {
  clippingRatio,
  nearSilent,
  nonFinite,
  qualityGate,
  qualityParams,
  runQualityChecks,
  tooShort,
} from '../../src/audio/quality.ts';
import type { Audio } from '../../src/audio/types.ts';
import type { Spectrogram } from '../../src/dsp/types.ts';
import { BirdcallError } from '../../src/errors.ts';

const SR = 8000;

function sine(amplitude: number, seconds: number, sampleRate = SR): Audio {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++) samples[i] = amplitude * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
  return { samples, sampleRate, source: 'birds/sine.wav' };
}

describe('nearSilent', () => {
  it('measures RMS in dBFS (a sine of amplitude a reads 20 log10(a / sqrt 2))', () => {
    for (const a of [0.5, 0.01, 1e-4]) {
      const r = nearSilent(sine(a, 1));
      expect(r.value).toBeCloseTo(20 * Math.log10(a / Math.SQRT2), 2);
    }
  });

  it('fails below the threshold (default -60 dBFS) and passes above it', () => {
    expect(nearSilent(sine(1e-4, 1)).ok).toBe(false); // about -83 dBFS
    expect(nearSilent(sine(1e-4, 1)).message).toMatch(/near silent/);
    expect(nearSilent(sine(0.1, 1)).ok).toBe(true);
    expect(nearSilent(sine(0.01, 1), { silenceDbfs: -30 }).ok).toBe(false);
  });

  it('reports digital silence as a finite floor, not -Infinity or NaN', () => {
    const r = nearSilent({ samples: new Float32Array(100), sampleRate: SR, source: 'zeros.wav' });
    expect(r.value).toBe(-200);
    expect(r.ok).toBe(false);
    expect(nearSilent({ samples: new Float32Array(0), sampleRate: SR, source: 'empty.wav' }).value).toBe(-200);
  });

  it("ignores a chunk's zero padding and any non-finite samples", () => {
    // 5.5 s of loud audio: the second chunk holds 0.5 s of sound and 4.5 s of padding.
    const [, last] = chunkAudio(sine(0.5, 5.5), { seconds: 5 });
    expect(last.samples.length).toBe(5 * SR);
    expect(nearSilent(last).value).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 1);
    const withNaN = sine(0.5, 1);
    withNaN.samples[10] = NaN;
    expect(Number.isFinite(nearSilent(withNaN).value)).toBe(true);
  });
});

describe('clippingRatio', () => {
  function clipped(fraction: number): Audio {
    const a = sine(0.5, 1);
    const n = Math.round(fraction * a.samples.length);
    for (let i = 0; i < n; i++) a.samples[i * 3] = i % 2 ? -1 : 0.9995;
    return a;
  }

  it('is the fraction of samples at |x| >= 0.999', () => {
    expect(clippingRatio(clipped(0.02)).value).toBeCloseTo(0.02, 6);
    expect(clippingRatio(sine(0.5, 1)).value).toBe(0);
  });

  it('fails above the maximum ratio (default 1%)', () => {
    expect(clippingRatio(clipped(0.02)).ok).toBe(false);
    expect(clippingRatio(clipped(0.02)).message).toMatch(/clipping/);
    expect(clippingRatio(clipped(0.005)).ok).toBe(true);
    expect(clippingRatio(clipped(0.005), { maxClippingRatio: 0.001 }).ok).toBe(false);
    expect(clippingRatio(sine(0.95, 1), { clipLevel: 0.9 }).value).toBeGreaterThan(0);
  });
});

describe('tooShort', () => {
  it('counts real, unpadded seconds of a chunk', () => {
    const [chunk] = chunkAudio(sine(0.5, 0.4), { seconds: 5 });
    expect(chunk.samples.length).toBe(5 * SR);
    const r = tooShort(chunk);
    expect(r.value).toBeCloseTo(0.4, 9);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/too short/);
    expect(tooShort(chunk, { minSeconds: 0.25 }).ok).toBe(true);
  });

  it('uses the sample count for plain audio', () => {
    expect(tooShort(sine(0.5, 2)).value).toBe(2);
    expect(tooShort(sine(0.5, 2)).ok).toBe(true);
  });
});

describe('nonFinite', () => {
  it('counts NaN and ±Inf in audio', () => {
    const a = sine(0.5, 0.1);
    expect(nonFinite(a)).toMatchObject({ ok: true, value: 0 });
    a.samples[0] = NaN;
    a.samples[1] = Infinity;
    a.samples[2] = -Infinity;
    const r = nonFinite(a);
    expect(r).toMatchObject({ ok: false, value: 3 });
    expect(r.message).toMatch(/1 NaN and 2 infinite/);
  });

  it('checks spectrogram values too', () => {
    const spec: Spectrogram = {
      values: new Float64Array([0, NaN, 1, 2]),
      bins: 2,
      frames: 2,
      axis: 'mel',
      scale: 'db',
      sampleRate: SR,
      hopLength: 128,
      params: {},
    };
    expect(nonFinite(spec)).toMatchObject({ ok: false, value: 1 });
  });
});

describe('qualityGate', () => {
  const quiet = () => chunkAudio(sine(1e-5, 5), { seconds: 5 })[0];

  it("'warn' keeps the chunk and returns the failures", () => {
    const r = qualityGate(quiet());
    expect(r.keep).toBe(true);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(/chunk 0 .*nearSilent/);
  });

  it("'drop' drops it; passing chunks are kept with no failures", () => {
    expect(qualityGate(quiet(), { action: 'drop' }).keep).toBe(false);
    expect(qualityGate(sine(0.3, 2), { action: 'drop' })).toEqual({ keep: true, failures: [] });
  });

  it("'fail' throws QUALITY_FAILED naming the source", () => {
    try {
      qualityGate(quiet(), { action: 'fail' });
      expect.unreachable('qualityGate should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(BirdcallError);
      expect((e as BirdcallError).code).toBe('QUALITY_FAILED');
      expect((e as BirdcallError).message).toMatch(/^birds\/sine\.wav: /);
    }
  });

  it('runs only the selected checks', () => {
    const r = runQualityChecks(quiet(), { checks: ['clipping'] });
    expect(r.nearSilent).toBeUndefined();
    expect(r.clipping?.ok).toBe(true);
    expect(qualityGate(quiet(), { checks: ['tooShort', 'nonFinite'], action: 'drop' }).keep).toBe(true);
  });

  it('validates parameters and fills documented defaults', () => {
    expect(qualityParams.parse({})).toEqual({
      action: 'warn',
      checks: ['nearSilent', 'clipping', 'tooShort', 'nonFinite'],
      silenceDbfs: -60,
      clipLevel: 0.999,
      maxClippingRatio: 0.01,
      minSeconds: 1,
    });
    expect(() => qualityGate(quiet(), { action: 'explode' as 'warn' })).toThrow(BirdcallError);
    expect(() => qualityGate(quiet(), { checks: ['loudness' as 'clipping'] })).toThrow(/checks/);
  });
});
