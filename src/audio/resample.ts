/**
 * Band-limited sample-rate conversion with Kaiser-windowed sinc filters, in soxr's manner. Output sample k
 * sits at input time k * inRate / outRate (zero phase, no delay), and the output has
 * ceil(n * outRate / inRate) samples, as librosa.resample.
 *
 * Downsampling by a modest ratio (44.1 or 48 -> 32 kHz) runs in two stages: the sharp low-pass at the
 * input rate by FFT convolution (resample-fft.ts), then a short rational-ratio polyphase FIR whose
 * transition band can be wide because the first stage already cleared everything it would alias. Other
 * conversions (upsampling, extreme ratios) run the polyphase FIR alone with the sharp filter in it.
 * docs/decisions/resampler.md has the measurements behind this.
 */
import { z } from 'zod';
import { BirdcallError } from '../errors.ts';
import { applyFftLowpass, designFftLowpass, type FftLowpass } from './resample-fft.ts';
import { besselI0, kaiserBeta, kaiserOrder, kaiserSinc } from './resample-kaiser.ts';
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
    .describe('best: flat to 90% of the lower Nyquist, >= 110 dB stopband; fast: flat to 80%, >= 90 dB, 1-2x faster'),
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
/** Longest first-stage filter worth an FFT convolution; beyond it (a 4 MHz source to 32 kHz) one stage is simpler. */
const MAX_FFT_TAPS = 1 << 14;
/** Two stages only when they cut the polyphase filter at least this much (it pays for the FFT stage). */
const MIN_TWO_STAGE_GAIN = 3;
/** Samples of first-stage output per block: 128 KB of Float32, well inside a core's L2 cache. */
const BLOCK_SAMPLES = 1 << 15;
/**
 * Extra attenuation asked of a short (about 20-tap) second-stage filter: Kaiser's length formula is an
 * estimate that short filters fall a few dB short of, and the per-phase DC normalisation costs a few more.
 */
const SHORT_FILTER_MARGIN_DB = 10;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * A polyphase table: row r holds the taps for output positions r / phases of an input sample past
 * the tap origin. Row `phases` (one past the last) is stored too, for interpolation.
 */
interface Polyphase {
  table: Float32Array;
  phases: number;
  /** Taps per row (a multiple of 4). */
  taps: number;
  /** Taps before the output position: row r, tap i multiplies x[j0 + i - (half - 1)]. */
  half: number;
}

/**
 * How one rate pair is converted: an optional FFT low-pass at the input rate, then the polyphase FIR.
 * Pipelines resample many files between the same two rates, so plans are cached.
 */
interface Plan {
  prefilter: FftLowpass | null;
  poly: Polyphase;
  exact: boolean;
}

const planCache = new Map<string, Plan>();

/** Polyphase table of a low-pass passing `fPass` and stopping from `fStop` (cycles per input sample). */
function designPolyphase(fPass: number, fStop: number, attenuationDb: number, phases: number, why: string): Polyphase {
  const cutoff = (fPass + fStop) / 2;
  // Taps a multiple of 4 for the 4-accumulator inner loop.
  const half = Math.max(2, 2 * Math.ceil(kaiserOrder(attenuationDb, fStop - fPass) / 4));
  const taps = 2 * half;
  if ((phases + 1) * taps > MAX_TABLE) {
    throw new BirdcallError('RESAMPLE_RATIO', `${why} needs a ${(phases + 1) * taps}-coefficient filter; the ratio is too extreme`);
  }
  const beta = kaiserBeta(attenuationDb);
  const i0Beta = besselI0(beta);
  const table = new Float32Array((phases + 1) * taps);
  const row = new Float64Array(taps);
  for (let r = 0; r <= phases; r++) {
    const frac = r / phases;
    let sum = 0;
    // Tap i sits frac - (i - (half - 1)) input samples from the output position; the window spans +-half.
    for (let i = 0; i < taps; i++) sum += row[i] = kaiserSinc(frac - (i - (half - 1)), cutoff, half, beta, i0Beta);
    // Unit DC gain in every phase, so a constant signal stays constant (no phase-dependent ripple).
    for (let i = 0; i < taps; i++) table[r * taps + i] = row[i] / sum;
  }
  return { table, phases, taps, half };
}

function makePlan(inRate: number, outRate: number, up: number, quality: ResampleQuality): Plan {
  const key = `${inRate}/${outRate}/${quality}`;
  const cached = planCache.get(key);
  if (cached) return cached;
  const spec = SPECS[quality];
  const why = `resampling ${inRate} Hz to ${outRate} Hz`;
  const exact = up <= MAX_EXACT_PHASES;
  const phases = exact ? up : INTERPOLATED_PHASES;
  const lowNyquist = Math.min(inRate, outRate) / 2;
  // Frequencies in cycles per input sample.
  const fPass = (spec.passband * lowNyquist) / inRate;
  const fStop = lowNyquist / inRate;
  let plan: Plan | null = null;
  if (outRate < inRate) {
    // After a first stage that stops from the output Nyquist, the polyphase FIR only has to remove the
    // images of what is left, the nearest at inRate - outNyquist: a far wider transition band.
    const fStop2 = (inRate - lowNyquist) / inRate;
    const direct = kaiserOrder(spec.attenuationDb, fStop - fPass);
    const second = kaiserOrder(spec.attenuationDb + SHORT_FILTER_MARGIN_DB, fStop2 - fPass);
    const half1 = Math.ceil(direct / 2);
    if (direct >= MIN_TWO_STAGE_GAIN * second && 2 * half1 + 1 <= MAX_FFT_TAPS) {
      plan = {
        prefilter: designFftLowpass((fPass + fStop) / 2, half1, spec.attenuationDb),
        poly: designPolyphase(fPass, fStop2, spec.attenuationDb + SHORT_FILTER_MARGIN_DB, phases, why),
        exact,
      };
    }
  }
  plan ??= { prefilter: null, poly: designPolyphase(fPass, fStop, spec.attenuationDb, phases, why), exact };
  if (planCache.size > 16) planCache.clear();
  planCache.set(key, plan);
  return plan;
}

function checkRate(rate: number, what: string, source?: string): void {
  if (!Number.isInteger(rate) || rate < 1) {
    throw new BirdcallError('PARAM_INVALID', `${what} must be a positive whole number of Hz, got ${rate}`, source);
  }
}

/**
 * Where the polyphase loop stands: output k sits at input position j0 + p / up, with j0 an index into the
 * padded input (input sample i at padded index i + half - 1). Both advance by integer steps, so the
 * position stays exact for any length and the loop needs no division or floor.
 */
interface Cursor {
  k: number;
  j0: number;
  p: number;
}

/**
 * Writes out[cursor.k ..] until the output is full or the next window would reach past padded index
 * `limit`. `buf` holds padded indices from `base` on, so a caller can feed the input a block at a time.
 */
function runPolyphase(
  buf: Float32Array,
  base: number,
  limit: number,
  poly: Polyphase,
  exact: boolean,
  up: number,
  down: number,
  out: Float32Array,
  cursor: Cursor,
): void {
  const { table, taps } = poly;
  const outLength = out.length;
  const stepInt = Math.floor(down / up);
  const stepRem = down % up;
  // Window start relative to buf, and the last start whose window fits.
  let j0 = cursor.j0 - base;
  const lastStart = limit - base - taps;
  let p = cursor.p;
  let k = cursor.k;
  if (exact) {
    for (; k < outLength && j0 <= lastStart; k++) {
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
        a0 += table[r] * buf[j];
        a1 += table[r + 1] * buf[j + 1];
        a2 += table[r + 2] * buf[j + 2];
        a3 += table[r + 3] * buf[j + 3];
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
    for (; k < outLength && j0 <= lastStart; k++) {
      const pos = (p * phases) / up;
      const r = Math.floor(pos);
      const frac = pos - r;
      const rowA = r * taps;
      const rowB = rowA + taps;
      let a = 0;
      let b = 0;
      for (let i = 0; i < taps; i++) {
        const v = buf[j0 + i];
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
  cursor.k = k;
  cursor.j0 = j0 + base;
  cursor.p = p;
}

/**
 * Resamples to `targetRate` Hz. The same rate returns the input object unchanged. Samples beyond either
 * end count as zero (as soxr and librosa do), so the first and last few milliseconds ramp.
 * Exported from the package as `resampleAudio` (the `resample` name there is the pipeline step).
 *
 * @param audio - mono audio with its `sampleRate` (Hz).
 * @param targetRate - the new rate in Hz (a positive integer).
 * @param opts - `quality`: 'best' (default; at least 110 dB stopband, see docs/decisions/resampler.md) or
 *   'fast' (a shorter filter, for previews).
 * @returns new audio of round(length * targetRate / sampleRate) samples at `targetRate`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { resampleAudio } from 'birdcall';
 *
 * const tone = Float32Array.from({ length: 22050 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 22050));
 * const out = resampleAudio({ samples: tone, sampleRate: 22050, source: 'tone' }, 16000);
 * assert.equal(out.sampleRate, 16000);
 * assert.equal(out.samples.length, 16000); // still 1 s
 * ```
 */
export function resample(audio: Audio, targetRate: number, opts: { quality?: ResampleQuality } = {}): Audio {
  checkRate(targetRate, 'target sample rate', audio.source);
  checkRate(audio.sampleRate, 'source sample rate', audio.source);
  if (targetRate === audio.sampleRate) return audio;
  const samples = new ResampleStream(audio.sampleRate, targetRate, opts.quality ?? 'best', audio.source).end(audio.samples);
  return { samples, sampleRate: targetRate, source: audio.source };
}

/**
 * The resampler fed a block of input at a time, as a long recording is read: its outputs, joined, are
 * resample()'s bit for bit (resample() is this stream fed once), because every output is computed from
 * the same input positions in the same order: the polyphase cursor runs on unchanged, and the FFT stage
 * filters the same blocks at the same offsets as it would on the whole signal. An output leaves once no
 * later input can change it; memory holds the input a block still needs (one FFT block and the filters'
 * reach), however long the recording.
 */
export class ResampleStream {
  private readonly plan: Plan;
  private readonly up: number;
  private readonly down: number;
  private readonly cursor: Cursor = { k: 0, j0: 0, p: 0 };
  /** Input held (padded with half - 1 zeros in front when there is no FFT stage), from index `from` on. */
  private held: Float32Array = new Float32Array(0);
  private from = 0;
  private length = 0;
  /** Input samples pushed so far. */
  private count = 0;
  /** The FFT stage's block (a whole number of its transform pairs) and its output buffer. */
  private readonly block: number;
  private readonly filtered: Float32Array;

  constructor(inRate: number, outRate: number, quality: ResampleQuality = 'best', source?: string) {
    checkRate(outRate, 'target sample rate', source);
    checkRate(inRate, 'source sample rate', source);
    const g = gcd(inRate, outRate);
    this.up = outRate / g;
    this.down = inRate / g;
    this.plan = makePlan(inRate, outRate, this.up, quality);
    const { prefilter, poly } = this.plan;
    this.block = prefilter ? Math.max(BLOCK_SAMPLES - (BLOCK_SAMPLES % prefilter.step), prefilter.step) : 0;
    this.filtered = new Float32Array(this.block);
    // Without an FFT stage, held is resample's padded input: sample i at index i + half - 1.
    if (!prefilter) this.append(new Float32Array(poly.half - 1));
  }

  /** Outputs that `x`, the next input samples, makes final (often none for a short block). */
  push(x: Float32Array): Float32Array {
    this.count += x.length;
    this.append(x);
    return this.run(undefined);
  }

  /** The remaining outputs, after `last` (the final input samples, if any): the input ends there. */
  end(last: Float32Array = new Float32Array(0)): Float32Array {
    this.count += last.length;
    const outLength = Math.ceil((this.count * this.up) / this.down);
    if (this.plan.prefilter) {
      this.append(last, true);
    } else {
      // resample's zeros past the end: the polyphase window's reach (its padded array's tail).
      const zeros = this.plan.poly.taps + 2 - (this.plan.poly.half - 1);
      this.reserve(last.length + zeros);
      this.append(last);
      this.held.fill(0, this.length, this.length + zeros);
      this.length += zeros;
    }
    return this.run(outLength);
  }

  /** Runs the stages as far as the input allows (to `outLength` outputs once it has ended). */
  private run(outLength: number | undefined): Float32Array {
    const { prefilter, poly, exact } = this.plan;
    const { up, down, cursor } = this;
    const ended = outLength !== undefined;
    // At most every output whose position the input reaches (+2 for rounding): never cut short.
    const room = ended ? outLength - cursor.k : Math.max(0, Math.ceil((this.count * up) / down) + 2 - cursor.k);
    const out = new Float32Array(room);
    const c: Cursor = { k: 0, j0: cursor.j0, p: cursor.p };
    const held = this.held.subarray(0, this.length);
    if (!prefilter) {
      runPolyphase(held, this.from, this.from + this.length, poly, exact, up, down, out, c);
    } else {
      const { half } = poly;
      for (;;) {
        // One block of resample's loop: FFT-filter input from s on (reading s - prefilter.half up to
        // s + block + prefilter.half), then the polyphase FIR over it.
        const base = c.j0;
        const s = base - (half - 1);
        if (ended ? c.k >= out.length : this.count < s + this.block + prefilter.half) break;
        applyFftLowpass(prefilter, held, this.filtered, s - this.from);
        runPolyphase(this.filtered, base, base + this.block, poly, exact, up, down, out, c);
      }
    }
    cursor.k += c.k;
    cursor.j0 = c.j0;
    cursor.p = c.p;
    // Drop what no later output reads: before the cursor (less the FFT stage's reach).
    this.dropBefore(prefilter ? Math.max(0, cursor.j0 - (poly.half - 1) - prefilter.half) : cursor.j0);
    return c.k === out.length ? out : out.slice(0, c.k);
  }

  /** `borrow`: hold x itself when nothing else is held (end's whole signal: no copy of a long recording). */
  private append(x: Float32Array, borrow = false): void {
    if (x.length === 0) return;
    if (borrow && this.length === 0) {
      this.held = x;
      this.length = x.length;
      return;
    }
    this.reserve(x.length);
    this.held.set(x, this.length);
    this.length += x.length;
  }

  /** Room for `extra` more samples in an array of our own. */
  private reserve(extra: number): void {
    if (this.length + extra <= this.held.length) return;
    const bigger = new Float32Array(Math.max(this.length + extra, 2 * this.length));
    bigger.set(this.held.subarray(0, this.length));
    this.held = bigger;
  }

  private dropBefore(index: number): void {
    const drop = Math.min(this.length, index - this.from);
    if (drop <= 0) return;
    // A copy, not copyWithin: the array held may be a caller's (see append).
    this.held = this.held.slice(drop, this.length);
    this.from += drop;
    this.length -= drop;
  }
}
