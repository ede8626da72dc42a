import FFT from 'fft.js';
import lsr from '@alexanderolsen/libsamplerate-js';
import { describe, it, expect } from 'vitest';
import { resample, resampleParams, ResampleStream } from '../../src/audio/resample.ts';
import type { Audio } from '../../src/audio/types.ts';
import { BirdcallError } from '../../src/errors.ts';
import { maxAbsDiff } from './compare.ts';

function tones(sampleRate: number, n: number, parts: [freq: number, amp: number, phase: number][]): Audio {
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const [f, a, ph] of parts) v += a * Math.sin((2 * Math.PI * f * i) / sampleRate + ph);
    samples[i] = v;
  }
  return { samples, sampleRate, source: 'test' };
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 300 && term > sum * 1e-17; k++) {
    term *= (x * x) / 4 / (k * k);
    sum += term;
  }
  return sum;
}

/**
 * Amplitude spectrum in dB (a full-scale sine of amplitude A reads 20 log10 A) of `n` samples from
 * `start`, under a Kaiser window with beta 20, whose sidelobes (below -150 dB) do not mask what we measure.
 */
function spectrumDb(x: Float32Array, start: number, n: number): Float64Array {
  const fft = new FFT(n);
  const input = new Array<number>(n);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const u = (2 * i) / (n - 1) - 1;
    const w = besselI0(20 * Math.sqrt(1 - u * u)) / besselI0(20);
    input[i] = x[start + i] * w;
    wsum += w;
  }
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, input);
  const db = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) db[k] = 20 * Math.log10((2 * Math.hypot(out[2 * k], out[2 * k + 1])) / wsum + 1e-300);
  return db;
}

/** Level of the tone at `freq` and the loudest bin outside its main lobe, in dB. */
function toneAndRest(db: Float64Array, freq: number, sampleRate: number, n: number): { tone: number; rest: number } {
  const bin = Math.round((freq * n) / sampleRate);
  const lobe = 24; // Kaiser beta 20 main lobe half-width is about 6.5 bins; leave margin
  let tone = -Infinity;
  let rest = -Infinity;
  for (let k = 0; k < db.length; k++) {
    if (Math.abs(k - bin) <= lobe) tone = Math.max(tone, db[k]);
    else rest = Math.max(rest, db[k]);
  }
  return { tone, rest };
}

function rmsDb(x: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return 10 * Math.log10(s / (to - from));
}

describe('resample', () => {
  it('1 kHz at 44.1 kHz -> 32 kHz: everything but the tone is at least 80 dB down, the tone keeps its level', () => {
    for (const quality of ['best', 'fast'] as const) {
      const y = resample(tones(44100, 44100, [[1000, 0.5, 0]]), 32000, { quality });
      expect(y.sampleRate).toBe(32000);
      const n = 16384;
      const { tone, rest } = toneAndRest(spectrumDb(y.samples, 8000, n), 1000, 32000, n);
      expect(tone, quality).toBeCloseTo(20 * Math.log10(0.5), 2);
      expect(tone - rest, quality).toBeGreaterThanOrEqual(80);
    }
  });

  it('15 kHz at 44.1 kHz -> 22.05 kHz comes out at least 60 dB down (no alias at 7.05 kHz)', () => {
    const x = tones(44100, 22050, [[15000, 0.5, 0]]);
    for (const quality of ['best', 'fast'] as const) {
      const y = resample(x, 22050, { quality }).samples;
      const inDb = rmsDb(x.samples, 0, x.samples.length);
      expect(inDb - rmsDb(y, 500, y.length - 500), quality).toBeGreaterThanOrEqual(60);
    }
  });

  it('agrees with libsamplerate (SRC_SINC_BEST_QUALITY) on passband signals, sample for sample', async () => {
    const cases: [number, number][] = [
      [44100, 32000],
      [48000, 32000],
      [22050, 32000],
    ];
    for (const [from, to] of cases) {
      const x = tones(from, from / 2, [[500, 0.2, 0], [3000, 0.2, 1], [9000, 0.2, 2], [0.4 * Math.min(from, to), 0.2, 3]]);
      const ours = resample(x, to).samples;
      const src = await lsr.create(1, from, to, { converterType: lsr.ConverterType.SRC_SINC_BEST_QUALITY });
      const ref = src.simple(x.samples);
      src.destroy();
      expect(Math.abs(ours.length - ref.length)).toBeLessThanOrEqual(1);
      // Away from the ends (where the two treat the zero padding differently), within -80 dB of full scale.
      const edge = 1000;
      expect(maxAbsDiff(ours.subarray(edge, ref.length - edge), ref.subarray(edge, ref.length - edge)), `${from}->${to}`).toBeLessThan(1e-4);
    }
  });

  it('the same rate returns the input unchanged', () => {
    const x = tones(32000, 100, [[440, 0.5, 0]]);
    expect(resample(x, 32000)).toBe(x);
  });

  it('output length is ceil(n * to / from), as librosa.resample; empty stays empty', () => {
    for (const [n, from, to] of [[1000, 44100, 32000], [1, 48000, 32000], [7, 22050, 32000], [12345, 32000, 44100]]) {
      expect(resample(tones(from, n, [[100, 0.1, 0]]), to).samples.length).toBe(Math.ceil((n * to) / from));
    }
    expect(resample({ samples: new Float32Array(0), sampleRate: 44100, source: 's' }, 32000).samples).toHaveLength(0);
  });

  it('keeps a constant (DC) signal constant away from the ends, in exact and interpolated phase modes', () => {
    for (const [from, to] of [[44100, 32000], [44101, 32000], [8000, 32000]]) {
      const y = resample({ samples: new Float32Array(from).fill(0.25), sampleRate: from, source: 's' }, to).samples;
      const inner = y.subarray(500, y.length - 500);
      expect(maxAbsDiff(inner, new Float32Array(inner.length).fill(0.25)), `${from}->${to}`).toBeLessThan(1e-6);
    }
  });

  it('an awkward ratio (44101 -> 32000, interpolated polyphase table) is as clean as an exact one', () => {
    const y = resample(tones(44101, 44101, [[1000, 0.5, 0]]), 32000).samples;
    const n = 16384;
    const { tone, rest } = toneAndRest(spectrumDb(y, 8000, n), 1000, 32000, n);
    expect(tone - rest).toBeGreaterThanOrEqual(80);
  });

  it('upsampling 22.05 -> 32 kHz keeps a 5 kHz tone and adds no image above 11 kHz', () => {
    const y = resample(tones(22050, 22050, [[5000, 0.5, 0]]), 32000).samples;
    const n = 16384;
    const { tone, rest } = toneAndRest(spectrumDb(y, 8000, n), 5000, 32000, n);
    expect(tone).toBeCloseTo(20 * Math.log10(0.5), 2);
    expect(tone - rest).toBeGreaterThanOrEqual(80);
  });

  it('extreme rates (1 Hz and 10 MHz sources) resample without error', () => {
    expect(resample({ samples: new Float32Array([0.5, 0.5]), sampleRate: 1, source: 's' }, 32000).samples).toHaveLength(64000);
    const fast = resample({ samples: new Float32Array(10_000).fill(0.5), sampleRate: 10_000_000, source: 's' }, 32000).samples;
    expect(fast).toHaveLength(32);
    for (const v of fast) expect(Number.isFinite(v)).toBe(true);
  });

  it('rejects rates that are not positive whole numbers with PARAM_INVALID', () => {
    const x = tones(32000, 10, [[100, 0.1, 0]]);
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(() => resample(x, bad)).toThrow(BirdcallError);
      try {
        resample(x, bad);
      } catch (e) {
        expect((e as BirdcallError).code).toBe('PARAM_INVALID');
      }
    }
  });

  it('says which rate is wrong, naming the file, in resample and ResampleStream alike', () => {
    const x = { samples: new Float32Array(4), sampleRate: 32000, source: 'x.wav' };
    expect(() => resample(x, 0)).toThrow('x.wav: target sample rate must be a positive whole number of Hz, got 0');
    expect(() => resample({ ...x, sampleRate: 1.5 }, 32000)).toThrow('x.wav: source sample rate must be a positive whole number of Hz, got 1.5');
    expect(() => new ResampleStream(32000, -1, 'best', 's.wav')).toThrow('s.wav: target sample rate must be a positive whole number of Hz, got -1');
    expect(() => new ResampleStream(0, 32000, 'best', 's.wav')).toThrow('s.wav: source sample rate must be a positive whole number of Hz, got 0');
  });

  it('refuses, before allocating it, a filter an absurd ratio would need', () => {
    const x = { samples: new Float32Array(4), sampleRate: 10_000_000, source: 'x.wav' };
    expect(() => resample(x, 1)).toThrow(expect.objectContaining({ code: 'RESAMPLE_RATIO' }));
    expect(() => resample(x, 1)).toThrow(/resampling 10000000 Hz to 1 Hz needs a \d+-coefficient filter; the ratio is too extreme/);
  });

  it('resampleParams defaults to 32000 Hz and best quality, and validates', () => {
    expect(resampleParams.parse({})).toEqual({ sampleRate: 32000, quality: 'best' });
    expect(resampleParams.parse({ sampleRate: 22050, quality: 'fast' })).toEqual({ sampleRate: 22050, quality: 'fast' });
    expect(resampleParams.safeParse({ sampleRate: -5 }).success).toBe(false);
    expect(resampleParams.safeParse({ quality: 'medium' }).success).toBe(false);
    expect(resampleParams.shape.sampleRate.description).toMatch(/Hz/);
  });

  // The two-stage path (FFT low-pass at the input rate, then a short polyphase FIR) serves 44.1 and 48 kHz
  // sources: these hold it to the figures the quality options promise.
  // Passband tones on FFT bin centres (no scalloping), the last near each option's passband edge (0.9 and 0.8 x 16 kHz).
  const SPEC = {
    best: { passbandTones: [1000, 7000, 14000], attenuationDb: 110 },
    fast: { passbandTones: [1000, 7000, 12500], attenuationDb: 90 },
  } as const;

  it('44.1 and 48 kHz -> 32 kHz: passband tones keep their level (within 0.001 dB) and the rest is below the promised stopband', () => {
    for (const from of [44100, 48000]) {
      for (const quality of ['best', 'fast'] as const) {
        for (const freq of SPEC[quality].passbandTones) {
          const y = resample(tones(from, from, [[freq, 0.5, 0]]), 32000, { quality }).samples;
          const n = 16384;
          const { tone, rest } = toneAndRest(spectrumDb(y, 8000, n), freq, 32000, n);
          const what = `${from} Hz, ${freq} Hz tone, ${quality}`;
          expect(Math.abs(tone - 20 * Math.log10(0.5)), what).toBeLessThan(0.001);
          expect(tone - rest, what).toBeGreaterThanOrEqual(SPEC[quality].attenuationDb);
        }
      }
    }
  });

  it('44.1 and 48 kHz -> 32 kHz: tones above the new Nyquist (16.5 to 23.5 kHz) leave nothing above the promised stopband', () => {
    const n = 16384;
    for (const from of [44100, 48000]) {
      for (const freq of [16500, 18000, 20000, 21500, 23500].filter((f) => f < from / 2)) {
        const x = tones(from, from, [[freq, 0.5, 0]]);
        for (const quality of ['best', 'fast'] as const) {
          const db = spectrumDb(resample(x, 32000, { quality }).samples, 8000, n);
          expect(20 * Math.log10(0.5) - Math.max(...db), `${from} Hz, ${freq} Hz tone, ${quality}`).toBeGreaterThanOrEqual(
            SPEC[quality].attenuationDb,
          );
        }
      }
    }
  });

  it('samples beyond either end count as zero: padding the input with whole ratio periods of zeros only shifts the output', () => {
    // 441 samples at 44.1 kHz are exactly 320 at 32 kHz (3 -> 2 at 48 kHz), so the padded input's output,
    // shifted back, must equal the bare input's output sample for sample, first and last samples included.
    for (const [from, period, outPeriod] of [[44100, 441, 320], [48000, 3, 2]]) {
      const bare = tones(from, 12345, [[700, 0.4, 0.3], [5100, 0.3, 1], [19000, 0.2, 2]]);
      const pad = period * Math.ceil(2000 / period);
      const samples = new Float32Array(bare.samples.length + 2 * pad);
      samples.set(bare.samples, pad);
      for (const quality of ['best', 'fast'] as const) {
        const y = resample(bare, 32000, { quality }).samples;
        const yPadded = resample({ ...bare, samples }, 32000, { quality }).samples;
        const shift = (pad / period) * outPeriod;
        expect(maxAbsDiff(yPadded.subarray(shift, shift + y.length), y), `${from} Hz, ${quality}`).toBeLessThan(1e-6);
        // Before the signal starts there is only the filter's pre-ringing of the first samples, which fades.
        expect(Math.abs(yPadded[0]), `${from} Hz, ${quality}`).toBeLessThan(1e-6);
      }
    }
  });

  it('is zero phase: an impulse on an output instant gives a response symmetric about that instant', () => {
    for (const [from, period, outPeriod] of [[44100, 441, 320], [48000, 3, 2], [22050, 441, 640]]) {
      const at = period * Math.ceil(400 / period);
      const samples = new Float32Array(2 * at);
      samples[at] = 1;
      for (const quality of ['best', 'fast'] as const) {
        const y = resample({ samples, sampleRate: from, source: 'impulse' }, 32000, { quality }).samples;
        const k0 = (at / period) * outPeriod;
        let peak = 0;
        let asymmetry = 0;
        for (let d = 1; d < 200; d++) {
          asymmetry = Math.max(asymmetry, Math.abs(y[k0 + d] - y[k0 - d]));
          peak = Math.max(peak, Math.abs(y[k0 + d]));
        }
        expect(y[k0], `${from} Hz, ${quality}`).toBeGreaterThan(peak);
        expect(asymmetry, `${from} Hz, ${quality}`).toBeLessThan(1e-6);
      }
    }
  });
});

describe('ResampleStream', () => {
  /** A noisy chirp: every frequency band has energy, so any difference in filtering shows. */
  function signal(rate: number, seconds: number): Float32Array {
    let seed = 7;
    return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return 0.5 * Math.sin((2 * Math.PI * (200 + i / 40) * i) / rate) + 0.1 * (seed / 2147483648 - 0.5);
    });
  }

  it.each([
    [44100, 32000, 'best'],
    [48000, 32000, 'best'],
    [22050, 16000, 'best'],
    [32000, 48000, 'best'],
    [44100, 32001, 'fast'],
  ] as const)('%i -> %i Hz (%s) fed in blocks of any size gives resample() bit for bit', (from, to, quality) => {
    const x = signal(from, 9.3);
    const whole = resample({ samples: x, sampleRate: from, source: 'x' }, to, { quality }).samples;
    for (const sizes of [[1, 7, 5000], [65536], [300_000]]) {
      const stream = new ResampleStream(from, to, quality);
      const parts: Float32Array[] = [];
      for (let at = 0, i = 0; at < x.length; i++) {
        const n = sizes[i % sizes.length];
        parts.push(stream.push(x.slice(at, at + n)));
        at += n;
      }
      parts.push(stream.end());
      const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
      expect(joined.length).toBe(whole.length);
      expect(Buffer.compare(Buffer.from(joined.buffer), Buffer.from(whole.buffer))).toBe(0);
    }
  });

  it('gives outputs as the input comes, holding only what the filters still need', () => {
    const stream = new ResampleStream(48000, 32000);
    const x = signal(48000, 60);
    let out = 0;
    for (let at = 0; at < x.length; at += 48000) out += stream.push(x.subarray(at, at + 48000)).length;
    // All but the filters' reach and one FFT block are out before the end.
    expect(out).toBeGreaterThan(60 * 32000 - 40000);
    expect(out + stream.end().length).toBe(60 * 32000);
  });
});
