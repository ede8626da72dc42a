/**
 * Band-limited sample-rate conversion: a rational-ratio polyphase FIR with a Kaiser-windowed sinc, the
 * design soxr uses for its single-stage path. Output sample k sits at input time k * inRate / outRate
 * (zero phase, no delay), and the output has ceil(n * outRate / inRate) samples, as librosa.resample.
 */
import { z } from 'zod';
import { BirdcallError } from '../errors.ts';
import type { Audio } from './types.ts';

export type ResampleQuality = 'best' | 'fast';

export const resampleParams = z.object({
  sampleRate: z
    .number()
    .int()
    .positive()
    .default(32000)
    .describe('target sample rate in Hz (32000 is the BirdCLEF convention)'),
  quality: z
    .enum(['best', 'fast'])
    .default('best')
    .describe('best: flat to 90% of the lower Nyquist, >= 110 dB stopband; fast: flat to 80%, >= 90 dB, about 2x faster'),
});
export type ResampleParams = z.output<typeof resampleParams>;

interface FilterSpec {
  /** Passband edge as a fraction of the lower Nyquist frequency. */
  passband: number;
  /** Stopband attenuation in dB; the stopband starts at the lower Nyquist frequency, so nothing aliases. */
  attenuationDb: number;
}

const SPECS: Record<ResampleQuality, FilterSpec> = {
  best: { passband: 0.9, attenuationDb: 110 },
  fast: { passband: 0.8, attenuationDb: 90 },
};

/** Beyond this many phases (awkward ratios such as 44101 -> 32000) the table is sampled and interpolated. */
const MAX_EXACT_PHASES = 4096;
/** Phases of the interpolated table; linear interpolation between them errs by about -140 dB. */
const INTERPOLATED_PHASES = 4096;
/** A table larger than this (in coefficients) means an absurd ratio: refuse rather than allocate. */
const MAX_TABLE = 1 << 25;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/**
 * A polyphase table: row r holds the taps for output positions r / phases of an input sample past
 * the tap origin. Row `phases` (one past the last) is stored too, for interpolation.
 */
interface Polyphase {
  table: Float32Array;
  phases: number;
  /** Taps per row (even). */
  taps: number;
  /** Taps before the output position: row r, tap i multiplies x[j0 + i - (half - 1)]. */
  half: number;
}

/** Cached tables: pipelines resample many files between the same two rates. */
const tableCache = new Map<string, Polyphase>();

function design(inRate: number, outRate: number, phases: number, quality: ResampleQuality): Polyphase {
  const key = `${inRate}/${outRate}/${phases}/${quality}`;
  const cached = tableCache.get(key);
  if (cached) return cached;
  const spec = SPECS[quality];
  const lowNyquist = Math.min(inRate, outRate) / 2;
  // Frequencies in cycles per input sample.
  const fPass = (spec.passband * lowNyquist) / inRate;
  const fStop = lowNyquist / inRate;
  const cutoff = (fPass + fStop) / 2;
  const transition = fStop - fPass;
  // Kaiser's estimate of the length that reaches the attenuation over this transition width.
  const length = (spec.attenuationDb - 7.95) / (14.36 * transition);
  // Taps a multiple of 4 for the 4-accumulator inner loop.
  const half = Math.max(2, 2 * Math.ceil(length / 4));
  const taps = 2 * half;
  if ((phases + 1) * taps > MAX_TABLE) {
    throw new BirdcallError(
      'RESAMPLE_RATIO',
      `resampling ${inRate} Hz to ${outRate} Hz needs a ${(phases + 1) * taps}-coefficient filter; the ratio is too extreme`,
    );
  }
  const beta = kaiserBeta(spec.attenuationDb);
  const i0Beta = besselI0(beta);
  const radius = half; // the window spans [-half, half] input samples around the output position
  const table = new Float32Array((phases + 1) * taps);
  const row = new Float64Array(taps);
  for (let r = 0; r <= phases; r++) {
    const frac = r / phases;
    let sum = 0;
    for (let i = 0; i < taps; i++) {
      // Distance in input samples from the output position to tap i.
      const t = frac - (i - (half - 1));
      const u = t / radius;
      const w = Math.abs(u) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - u * u)) / i0Beta;
      const x = 2 * cutoff * t;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      row[i] = 2 * cutoff * sinc * w;
      sum += row[i];
    }
    // Unit DC gain in every phase, so a constant signal stays constant (no phase-dependent ripple).
    for (let i = 0; i < taps; i++) table[r * taps + i] = row[i] / sum;
  }
  const poly: Polyphase = { table, phases, taps, half };
  if (tableCache.size > 16) tableCache.clear();
  tableCache.set(key, poly);
  return poly;
}

function checkRate(rate: number, what: string, source?: string): void {
  if (!Number.isInteger(rate) || rate < 1) {
    throw new BirdcallError('PARAM_INVALID', `${what} must be a positive whole number of Hz, got ${rate}`, source);
  }
}

/**
 * Resamples to `targetRate` Hz. The same rate returns the input object unchanged. Samples beyond either
 * end count as zero (as soxr and librosa do), so the first and last few milliseconds ramp.
 */
export function resample(audio: Audio, targetRate: number, opts: { quality?: ResampleQuality } = {}): Audio {
  checkRate(targetRate, 'target sample rate', audio.source);
  checkRate(audio.sampleRate, 'source sample rate', audio.source);
  if (targetRate === audio.sampleRate) return audio;
  const quality = opts.quality ?? 'best';
  const g = gcd(audio.sampleRate, targetRate);
  const up = targetRate / g;
  const down = audio.sampleRate / g;
  const x = audio.samples;
  const outLength = Math.ceil((x.length * up) / down);
  const out = new Float32Array(outLength);
  if (outLength === 0) return { samples: out, sampleRate: targetRate, source: audio.source };

  const exact = up <= MAX_EXACT_PHASES;
  const poly = design(audio.sampleRate, targetRate, exact ? up : INTERPOLATED_PHASES, quality);
  const { table, taps, half } = poly;
  // Zero-padded copy so the inner loop needs no bounds checks.
  const padded = new Float32Array(x.length + taps + 2);
  padded.set(x, half - 1);

  // Output k sits at input position k * down / up = j0 + p / up; j0 and p advance by integer steps, so
  // positions stay exact for any length.
  const stepInt = Math.floor(down / up);
  const stepRem = down % up;
  let j0 = 0;
  let p = 0;
  if (exact) {
    for (let k = 0; k < outLength; k++) {
      // Hot loop: one dot product of `taps` coefficients with the input window, no allocation; four
      // independent accumulators let the CPU overlap the multiply-adds.
      let r = p * taps;
      const end = r + taps;
      let j = j0;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (; r < end; r += 4, j += 4) {
        a0 += table[r] * padded[j];
        a1 += table[r + 1] * padded[j + 1];
        a2 += table[r + 2] * padded[j + 2];
        a3 += table[r + 3] * padded[j + 3];
      }
      out[k] = a0 + a1 + (a2 + a3);
      j0 += stepInt;
      p += stepRem;
      if (p >= up) {
        p -= up;
        j0 += 1;
      }
    }
  } else {
    const phases = poly.phases;
    for (let k = 0; k < outLength; k++) {
      const pos = (p * phases) / up;
      const r = Math.floor(pos);
      const frac = pos - r;
      const rowA = r * taps;
      const rowB = rowA + taps;
      let a = 0;
      let b = 0;
      for (let i = 0; i < taps; i++) {
        const v = padded[j0 + i];
        a += table[rowA + i] * v;
        b += table[rowB + i] * v;
      }
      out[k] = a + (b - a) * frac;
      j0 += stepInt;
      p += stepRem;
      if (p >= up) {
        p -= up;
        j0 += 1;
      }
    }
  }
  return { samples: out, sampleRate: targetRate, source: audio.source };
}
