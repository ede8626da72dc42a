import { z } from 'zod';
import type { Spectrogram } from './types.ts';
import { parseParams, paramError } from '../params.ts';
import {
  FrameEngine,
  checkFinite,
  firstNonFinite,
  frameLayout,
  type FrameLayout,
  resolveStft,
  stftParams,
  type Samples,
  type SpectralOptions,
  type StftConfig,
} from './stft.ts';
import { nativeEngine, nativeSupports, type Precision } from './native.ts';

/** Mel filterbank parameters, named and defaulted as librosa.filters.mel (nFft comes from the STFT). */
export const melParams = z.object({
  sr: z.number().positive().default(22050).describe('sample rate in Hz'),
  nMels: z.number().int().min(1).default(128).describe('number of mel bands (rows of the output)'),
  fmin: z.number().min(0).default(0).describe('lowest frequency in Hz (lower edge of the first band)'),
  fmax: z
    .number()
    .positive()
    .nullable()
    .optional()
    .describe('highest frequency in Hz (upper edge of the last band); default sr / 2. Above sr / 2 is allowed, with a warning: top bands come out empty'),
  htk: z.boolean().default(false).describe('HTK mel scale (2595 log10(1 + f/700)) instead of Slaney (linear below 1 kHz, log above)'),
  norm: z
    .enum(['slaney', 'none'])
    .nullable()
    .default('slaney')
    .describe("'slaney': divide each triangle by its width in Hz (constant energy per band); null or 'none': peak 1"),
});
export type MelParamsInput = z.input<typeof melParams>;

export const melFilterbankParams = melParams.extend({
  nFft: z.number().int().min(1).default(2048).describe('FFT size in samples the filterbank applies to'),
});
export type MelFilterbankParamsInput = z.input<typeof melFilterbankParams>;

/**
 * Parameters of melSpectrogram: the STFT's and the filterbank's, as librosa.feature.melspectrogram, plus
 * the arithmetic's precision (ours; librosa has none).
 */
export const melSpectrogramParams = stftParams.extend(melParams.shape).extend({
  precision: z
    .enum(['float64', 'float32'])
    .default('float64')
    .describe(
      "arithmetic of the FFT and mel product: 'float64' matches librosa's float64 path to 1e-9 dB; 'float32' " +
        'is about 2x faster (wasm SIMD, 4 frames at once) and within 3e-3 dB of it on real recordings. float32 ' +
        'applies to power-of-two nFft and power 1 or 2; other settings compute in float64',
    ),
});
export type MelSpectrogramParamsInput = z.input<typeof melSpectrogramParams>;

/**
 * A mel filterbank as librosa.filters.mel, stored sparsely: filter m is `weights[offset[m] ..
 * offset[m] + length[m])` applied to FFT bins `start[m] ..`. A triangle covers a few bins out of
 * hundreds, so applying it this way is several times faster than a dense [nMels, bins] product.
 */
export interface MelFilterbank {
  sr: number;
  nFft: number;
  nMels: number;
  fmin: number;
  fmax: number;
  htk: boolean;
  norm: 'slaney' | null;
  /** FFT bins, 1 + floor(nFft / 2). */
  bins: number;
  /** First non-zero bin of each filter. */
  start: Int32Array;
  /** Number of bins each filter spans (0 for an empty filter). */
  length: Int32Array;
  /** Where each filter's weights begin in `weights`. */
  offset: Int32Array;
  weights: Float64Array;
  /** The nMels + 2 band edges in Hz. */
  melFrequencies: Float64Array;
  /** Filters with no non-zero weight (librosa warns about them). */
  emptyFilters: number;
  /** What librosa would warn about, in words (fmax above Nyquist, empty filters). */
  warnings: string[];
}

const SLANEY_F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / SLANEY_F_SP;
const LOGSTEP = Math.log(6.4) / 27;

/** librosa.hz_to_mel: `hz` (Hz) to mels, Slaney's scale by default, HTK's with `htk` (default false).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * assert.ok(Math.abs(dsp.hzToMel(500) - 7.5) < 1e-12); // Slaney: linear below 1 kHz, 200/3 Hz per mel
 * assert.ok(Math.abs(dsp.hzToMel(1000) - 15) < 1e-12); // ... and logarithmic above
 * assert.ok(Math.abs(dsp.hzToMel(440, true) - 2595 * Math.log10(1 + 440 / 700)) < 1e-9); // HTK
 * ```
 */
export function hzToMel(hz: number, htk = false): number {
  if (htk) return 2595 * Math.log10(1 + hz / 700);
  if (hz >= MIN_LOG_HZ) return MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP;
  return hz / SLANEY_F_SP;
}

/** librosa.mel_to_hz: `mel` (mels) to Hz, the inverse of hzToMel on the same scale (`htk`, default false).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * for (const hz of [0, 300, 1000, 4321, 16000]) {
 *   assert.ok(Math.abs(dsp.melToHz(dsp.hzToMel(hz)) - hz) < 1e-9 * (1 + hz)); // the inverse of hzToMel
 *   assert.ok(Math.abs(dsp.melToHz(dsp.hzToMel(hz, true), true) - hz) < 1e-9 * (1 + hz));
 * }
 * ```
 */
export function melToHz(mel: number, htk = false): number {
  if (htk) return 700 * (10 ** (mel / 2595) - 1);
  if (mel >= MIN_LOG_MEL) return MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL));
  return SLANEY_F_SP * mel;
}

/**
 * librosa.mel_frequencies: n points evenly spaced in mel (numpy.linspace arithmetic), in Hz.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * assert.deepEqual(Array.from(dsp.melFrequencies(3, 0, 1000), Math.round), [0, 500, 1000]); // linear part of Slaney's scale
 * const f = dsp.melFrequencies(130, 0, 11025);
 * assert.equal(f.length, 130);
 * assert.ok(f[129] === 11025 && f.every((x, i) => i === 0 || x > f[i - 1]));
 * ```
 */
export function melFrequencies(n: number, fmin: number, fmax: number, htk = false): Float64Array {
  const lo = hzToMel(fmin, htk);
  const hi = hzToMel(fmax, htk);
  const out = new Float64Array(n);
  const step = n > 1 ? (hi - lo) / (n - 1) : 0;
  for (let i = 0; i < n; i++) out[i] = melToHz(i === n - 1 && n > 1 ? hi : i * step + lo, htk);
  return out;
}

const filterbanks = new Map<string, MelFilterbank>();

/**
 * Mel filterbank exactly as librosa.filters.mel (float64 weights), stored sparse: band m's weights cover
 * bins start[m] .. start[m] + length[m] - 1. Parameters (melFilterbankParams): `sr` (Hz, 22050), `nFft`
 * (2048), `nMels` (128), `fmin` (Hz, 0), `fmax` (Hz, default sr / 2), `htk` (false), `norm` ('slaney').
 * Cached per parameters: do not modify the result.
 * @throws BirdcallError PARAM_INVALID for bad parameters, or fmin >= fmax.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const fb = dsp.melFilterbank({ sr: 16000, nFft: 512, nMels: 40 });
 * assert.equal(fb.bins, 257); // 1 + nFft / 2 FFT bins
 * assert.equal(fb.fmax, 8000); // default: sr / 2
 * assert.ok(fb.weights.every((w) => w > 0)); // only each band's non-zero run is kept (start, length, offset)
 * assert.equal(dsp.melFilterbank({ sr: 16000, nFft: 512, nMels: 40 }), fb); // cached
 * assert.match(dsp.melFilterbank({ sr: 8000, nFft: 128, nMels: 128 }).warnings[0], /Empty filters detected/);
 * ```
 */
export function melFilterbank(params: MelFilterbankParamsInput = {}): MelFilterbank {
  const p = parseParams(melFilterbankParams, params, 'mel filterbank');
  const fmax = p.fmax ?? p.sr / 2;
  const norm = p.norm === 'slaney' ? 'slaney' : null;
  if (p.fmin >= fmax) paramError(`fmin (${p.fmin} Hz) must be below fmax (${fmax} Hz)`);
  const key = JSON.stringify([p.sr, p.nFft, p.nMels, p.fmin, fmax, p.htk, norm]);
  const hit = filterbanks.get(key);
  if (hit) return hit;

  const bins = 1 + Math.floor(p.nFft / 2);
  // numpy.fft.rfftfreq(n, d=1/sr): k * (1 / (n * d))
  const binHz = 1 / (p.nFft * (1 / p.sr));
  const melF = melFrequencies(p.nMels + 2, p.fmin, fmax, p.htk);
  const dense = triangles(melF, p.nMels, bins, binHz, norm);
  const { start, length, offset, weights, emptyFilters } = sparseBands(dense, melF, p.nMels, bins);

  const warnings: string[] = [];
  if (fmax > p.sr / 2) {
    warnings.push(`fmax ${fmax} Hz is above the Nyquist frequency ${p.sr / 2} Hz: the top mel bands see no FFT bins`);
  }
  if (emptyFilters > 0) {
    warnings.push(
      `Empty filters detected in mel frequency basis: ${emptyFilters} of ${p.nMels} channels will produce empty responses. ` +
        'Try increasing your sampling rate (and fmax) or reducing nMels.',
    );
  }
  const fb: MelFilterbank = {
    sr: p.sr,
    nFft: p.nFft,
    nMels: p.nMels,
    fmin: p.fmin,
    fmax,
    htk: p.htk,
    norm,
    bins,
    start,
    length,
    offset,
    weights,
    melFrequencies: melF,
    emptyFilters,
    warnings,
  };
  filterbanks.set(key, fb);
  return fb;
}

/** librosa.filters.mel's weights, dense (nMels x bins): a triangle per band over the FFT bin frequencies. */
function triangles(melF: Float64Array, nMels: number, bins: number, binHz: number, norm: 'slaney' | null): Float64Array {
  const dense = new Float64Array(nMels * bins);
  for (let m = 0; m < nMels; m++) {
    const lowerWidth = melF[m + 1] - melF[m];
    const upperWidth = melF[m + 2] - melF[m + 1];
    const enorm = norm === 'slaney' ? 2 / (melF[m + 2] - melF[m]) : 1;
    for (let k = 0; k < bins; k++) {
      const f = k * binHz;
      const lower = -(melF[m] - f) / lowerWidth;
      const upper = (melF[m + 2] - f) / upperWidth;
      const w = Math.max(0, Math.min(lower, upper));
      dense[m * bins + k] = w * enorm;
    }
  }
  return dense;
}

/** Each band's run of non-zero weights (first bin, length, offset into `weights`), and the empty bands. */
function sparseBands(
  dense: Float64Array,
  melF: Float64Array,
  nMels: number,
  bins: number,
): { start: Int32Array; length: Int32Array; offset: Int32Array; weights: Float64Array; emptyFilters: number } {
  const start = new Int32Array(nMels);
  const length = new Int32Array(nMels);
  const offset = new Int32Array(nMels);
  let total = 0;
  let emptyFilters = 0;
  for (let m = 0; m < nMels; m++) {
    let first = -1;
    let last = -1;
    for (let k = 0; k < bins; k++) {
      if (dense[m * bins + k] !== 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    offset[m] = total;
    if (first < 0) {
      // librosa exempts a band whose lower edge is 0 Hz from its empty-filter check
      if (melF[m] !== 0) emptyFilters++;
      continue;
    }
    start[m] = first;
    length[m] = last - first + 1;
    total += length[m];
  }
  const weights = new Float64Array(total);
  for (let m = 0; m < nMels; m++) {
    for (let j = 0; j < length[m]; j++) weights[offset[m] + j] = dense[m * bins + start[m] + j];
  }
  return { start, length, offset, weights, emptyFilters };
}

/**
 * The filterbank as a dense row-major [nMels, bins] matrix, like librosa.filters.mel returns (for tests).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const fb = dsp.melFilterbank({ sr: 16000, nFft: 512, nMels: 40 });
 * const dense = dsp.melFilterbankDense(fb);
 * assert.equal(dense.length, 40 * 257);
 * const m = 10;
 * assert.equal(dense[m * 257 + fb.start[m]], fb.weights[fb.offset[m]]); // the band's first weight
 * assert.equal(dense[m * 257 + fb.start[m] - 1], 0); // zero outside its triangle
 * ```
 */
export function melFilterbankDense(fb: MelFilterbank): Float64Array {
  const dense = new Float64Array(fb.nMels * fb.bins);
  for (let m = 0; m < fb.nMels; m++) {
    for (let j = 0; j < fb.length[m]; j++) dense[m * fb.bins + fb.start[m] + j] = fb.weights[fb.offset[m] + j];
  }
  return dense;
}

/**
 * Project one spectrum onto the mel bands: out[outOffset + m * outStride] = sum_k fb[m, k] spectrum[k].
 * Sparse: each band only touches the bins under its triangle.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const fb = dsp.melFilterbank({ sr: 8000, nFft: 64, nMels: 4, norm: null });
 * const flat = new Float64Array(fb.bins).fill(1);
 * const out = new Float64Array(4);
 * dsp.applyMelFrame(fb, flat, out, 0, 1); // a flat spectrum: each band's weight sum
 * for (let m = 0; m < 4; m++) {
 *   const sum = fb.weights.subarray(fb.offset[m], fb.offset[m] + fb.length[m]).reduce((a, b) => a + b, 0);
 *   assert.ok(Math.abs(out[m] - sum) < 1e-12);
 * }
 * ```
 */
export function applyMelFrame(
  fb: MelFilterbank,
  spectrum: Float64Array,
  out: Float32Array | Float64Array,
  outOffset: number,
  outStride: number,
): void {
  const { start, length, offset, weights, nMels } = fb;
  for (let m = 0; m < nMels; m++) {
    const s = start[m];
    const o = offset[m];
    const n = length[m];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += weights[o + j] * spectrum[s + j];
    out[outOffset + m * outStride] = sum;
  }
}

/**
 * applyMelFrame on four consecutive frames t .. t + 3 at once, into out[m * frames + t + i]: each weight
 * is loaded once for the four, and the four sums are independent chains, where one frame's sum is a
 * single chain of dependent adds. Every sum runs in the same order as applyMelFrame's, so the values are
 * identical; 1.5-1.7x faster than four applyMelFrame calls (docs/decisions/fft.md, step 4).
 */
export function applyMelFrames4(
  fb: MelFilterbank,
  s0: Float64Array,
  s1: Float64Array,
  s2: Float64Array,
  s3: Float64Array,
  out: Float32Array | Float64Array,
  t: number,
  frames: number,
): void {
  const { start, length, offset, weights, nMels } = fb;
  for (let m = 0; m < nMels; m++) {
    const s = start[m];
    const o = offset[m];
    const n = length[m];
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < n; j++) {
      const w = weights[o + j];
      const k = s + j;
      a0 += w * s0[k];
      a1 += w * s1[k];
      a2 += w * s2[k];
      a3 += w * s3[k];
    }
    const i = m * frames + t;
    out[i] = a0;
    out[i + 1] = a1;
    out[i + 2] = a2;
    out[i + 3] = a3;
  }
}

/**
 * Applies a filterbank to a linear-frequency power Spectrogram (librosa.feature.melspectrogram with S=...),
 * in `dtype` ('float32' default, or 'float64').
 * @throws BirdcallError PARAM_INVALID when `spec` is not linear or its bins do not match the filterbank's.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const x = Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i / 3));
 * const linear = dsp.stft(x, { sr: 8000, nFft: 256 }); // power spectrogram, 129 bins
 * const mel = dsp.melFromSpectrogram(linear, dsp.melFilterbank({ sr: 8000, nFft: 256, nMels: 20 }), 'float64');
 * const direct = dsp.melSpectrogram(x, { sr: 8000, nFft: 256, nMels: 20, dtype: 'float64' });
 * assert.deepEqual([mel.axis, mel.bins, mel.frames], ['mel', 20, direct.frames]);
 * assert.ok(mel.values.every((v, i) => Math.abs(v - direct.values[i]) <= 1e-6 * Math.abs(direct.values[i]) + 1e-12));
 * ```
 */
export function melFromSpectrogram(spec: Spectrogram, fb: MelFilterbank, dtype: 'float32' | 'float64' = 'float32'): Spectrogram {
  if (spec.axis !== 'linear' || spec.bins !== fb.bins) {
    paramError(`the filterbank expects a linear spectrogram of ${fb.bins} bins, got ${spec.axis} with ${spec.bins} bins`);
  }
  const { frames, bins } = spec;
  const column = new Float64Array(bins);
  const values = dtype === 'float64' ? new Float64Array(fb.nMels * frames) : new Float32Array(fb.nMels * frames);
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < bins; k++) column[k] = spec.values[k * frames + t];
    applyMelFrame(fb, column, values, t, frames);
  }
  return { ...spec, values, bins: fb.nMels, axis: 'mel', params: { ...spec.params, ...filterbankParams(fb) } };
}

function filterbankParams(fb: MelFilterbank): Record<string, unknown> {
  return { nMels: fb.nMels, fmin: fb.fmin, fmax: fb.fmax, htk: fb.htk, norm: fb.norm };
}

/** Everything melSpectrogram needs, defaults filled and rules checked. */
export interface MelSpectrogramConfig {
  stft: StftConfig;
  filterbank: MelFilterbank;
  precision: Precision;
}

/**
 * Parse melSpectrogram parameters and build (or fetch the cached) filterbank.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const cfg = dsp.melSpectrogramConfig({ sr: 16000, nFft: 512, nMels: 40 });
 * assert.deepEqual([cfg.stft.nFft, cfg.stft.hopLength, cfg.precision], [512, 128, 'float64']); // hop default nFft / 4
 * assert.equal(cfg.filterbank, dsp.melFilterbank({ sr: 16000, nFft: 512, nMels: 40 })); // the cached filterbank
 * ```
 */
export function melSpectrogramConfig(params: MelSpectrogramParamsInput = {}): MelSpectrogramConfig {
  const p = parseParams(melSpectrogramParams, params, 'mel spectrogram');
  const stftCfg = resolveStft(p);
  const filterbank = melFilterbank({
    sr: p.sr,
    nFft: stftCfg.nFft,
    nMels: p.nMels,
    fmin: p.fmin,
    fmax: p.fmax,
    htk: p.htk,
    norm: p.norm,
  });
  return { stft: stftCfg, filterbank, precision: p.precision };
}

/**
 * The warnings librosa would print for these parameters (e.g. empty filters when fmax > sr / 2).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * assert.deepEqual(dsp.melWarnings({ sr: 16000, nFft: 512, nMels: 40 }), []);
 * const w = dsp.melWarnings({ sr: 16000, nFft: 512, nMels: 40, fmax: 12000 });
 * assert.match(w[0], /above the Nyquist frequency 8000 Hz/);
 * assert.match(w[1], /3 of 40 channels will produce empty responses/);
 * ```
 */
export function melWarnings(params: MelSpectrogramParamsInput = {}): string[] {
  return [...melSpectrogramConfig(params).filterbank.warnings];
}

/**
 * Frames [t0, t1) of the mel spectrogram of `samples`, written to out[m * frames + t] where frames is the
 * whole signal's frame count. Frame t only reads the samples under it, so worker threads can split one
 * long signal by frame ranges (each given the whole signal, e.g. in a SharedArrayBuffer) and fill one
 * shared output; the result is identical to a single-threaded run. A power-of-two nFft with power 1 or 2
 * runs the wasm SIMD kernels (src/dsp/native.ts) in config.precision; anything else the JS FrameEngine.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const x = Float32Array.from({ length: 16000 }, (_, i) => Math.sin(i / 7));
 * const cfg = dsp.melSpectrogramConfig({ sr: 16000, nFft: 512, nMels: 40 });
 * const whole = dsp.melSpectrogram(x, { sr: 16000, nFft: 512, nMels: 40, dtype: 'float64' });
 * const out = new Float64Array(40 * whole.frames);
 * const half = Math.floor(whole.frames / 2);
 * dsp.melFramesInto(x, cfg, half, whole.frames, out); // e.g. two threads, one range each
 * dsp.melFramesInto(x, cfg, 0, half, out);
 * assert.deepEqual(out, whole.values); // identical to one pass
 * ```
 */
export function melFramesInto(
  samples: Samples,
  config: MelSpectrogramConfig,
  t0: number,
  t1: number,
  out: Float32Array | Float64Array,
  file?: string,
): void {
  const layout = frameLayout(samples.length, config.stft, file);
  const { frames } = layout;
  if (out.length < config.filterbank.nMels * frames) paramError(`output holds ${out.length} values, needs ${config.filterbank.nMels * frames}`);
  if (nativeSupports(config.stft)) {
    nativeEngine(config.stft, config.filterbank, config.precision).framesInto(samples, 0, layout, Math.max(0, t0), Math.min(t1, frames), out, frames);
    return;
  }
  const engine = new FrameEngine(config.stft);
  const fb = config.filterbank;
  const end = Math.min(t1, frames);
  let t = Math.max(0, t0);
  // four frames' spectra, then their mel product together (applyMelFrames4)
  const s0 = engine.spectrum;
  const s1 = new Float64Array(engine.bins);
  const s2 = new Float64Array(engine.bins);
  const s3 = new Float64Array(engine.bins);
  for (; t + 4 <= end; t += 4) {
    engine.computeFrameInto(t, layout, samples, 0, s0);
    engine.computeFrameInto(t + 1, layout, samples, 0, s1);
    engine.computeFrameInto(t + 2, layout, samples, 0, s2);
    engine.computeFrameInto(t + 3, layout, samples, 0, s3);
    applyMelFrames4(fb, s0, s1, s2, s3, out, t, frames);
  }
  for (; t < end; t++) {
    engine.computeFrameInto(t, layout, samples, 0, s0);
    applyMelFrame(fb, s0, out, t, frames);
  }
}

/**
 * Mel spectrogram with librosa.feature.melspectrogram semantics: |STFT|^power (power 2 by default)
 * projected on librosa.filters.mel. Returns a Spectrogram [nMels, frames], scale 'power' (or 'magnitude'
 * for power 1), values of `dtype` (float32 by default; computed in `precision`, float64 by default). The
 * power spectrogram is never stored: each frame goes straight through the filterbank.
 *
 * @param samples - mono audio, float samples (nominally in [-1, 1]) at `params.sr` Hz.
 * @param params - librosa's parameters in camelCase: `sr` (Hz, default 22050), `nFft` (samples, 2048),
 *   `hopLength` (samples, default nFft / 4), `winLength` (samples, nFft), `window` ('hann'), `center` (true),
 *   `padMode` ('constant'), `power` (2), `nMels` (128), `fmin` (Hz, 0), `fmax` (Hz, sr / 2), `htk` (false),
 *   `norm` ('slaney'), `dtype` ('float32'), `precision` ('float64': the arithmetic; 'float32' is faster, within 3e-3 dB). Units, ranges and defaults: [melSpectrogramParams](../parameters.md#melspectrogramparams).
 * @param options - `warn` receives warnings (e.g. empty mel bands); `file` names the input in errors.
 * @returns the spectrogram, `bins` = nMels rows by `frames` columns (1 + floor(length / hopLength) when centred).
 * @throws BirdcallError PARAM_INVALID for a parameter out of range, AUDIO_NON_FINITE for a NaN or infinite sample.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { melSpectrogram } from 'birdcall';
 *
 * const sr = 22050;
 * const tone = Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / sr)); // 1 s of A4
 * const mel = melSpectrogram(tone, { sr, nMels: 64 });
 * assert.equal(mel.bins, 64);
 * assert.equal(mel.frames, 44); // 1 + floor(22050 / 512)
 * assert.equal(mel.scale, 'power');
 * ```
 */
export function melSpectrogram(samples: Samples, params: MelSpectrogramParamsInput = {}, options: SpectralOptions = {}): Spectrogram {
  const config = melSpectrogramConfig(params);
  const { stft: cfg, filterbank: fb } = config;
  for (const w of fb.warnings) options.warn?.(w);
  let layout: FrameLayout;
  try {
    layout = frameLayout(samples.length, cfg, options.file);
  } catch (err) {
    // a non-finite sample is reported first
    checkFinite(samples, options.file);
    throw err;
  }
  const { frames } = layout;
  const checkOutput = finitenessShowsInOutput(layout, fb);
  if (!checkOutput) checkFinite(samples, options.file);
  const values = cfg.dtype === 'float64' ? new Float64Array(fb.nMels * frames) : new Float32Array(fb.nMels * frames);
  melFramesInto(samples, config, 0, frames, values, options.file);
  if (checkOutput) {
    const covered = Math.min(samples.length, (frames - 1) * layout.hopLength - layout.pad + layout.nFft);
    if (firstNonFinite(values) >= 0 || firstNonFinite(samples.subarray(covered)) >= 0) checkFinite(samples, options.file);
  }
  if (cfg.center && cfg.nFft > samples.length) {
    options.warn?.(`nFft=${cfg.nFft} is too large for a signal of ${samples.length} samples`);
  }
  return melSpectrogramOf(values, frames, config);
}

/**
 * Whether a non-finite sample is sure to make some output cell non-finite, so melSpectrogram can check
 * its output (nMels values per hop) instead of every sample beforehand (a whole pass over the signal,
 * 30-40 ms on a 10-minute file). It is when frames leave no gap between them (hop <= nFft) and some
 * filter is non-empty: a NaN or infinite sample makes its windowed value NaN or infinite (Inf * 0 is
 * NaN), every FFT bin of that frame depends on it through additions and multiplications only (which
 * never turn NaN or infinity finite), so its power is NaN or +Inf, and a non-empty filter sums such bins
 * with positive weights. Samples after the last frame are checked apart. On a non-finite output
 * melSpectrogram runs checkFinite, which names the first bad sample exactly as before (or, when finite
 * samples overflowed the power, finds none and the output stands, as before).
 */
function finitenessShowsInOutput(layout: FrameLayout, fb: MelFilterbank): boolean {
  return layout.hopLength <= layout.nFft && fb.weights.length > 0;
}

/** Wraps computed mel frames [nMels, frames] as the Spectrogram melSpectrogram returns (also the threaded path's). */
export function melSpectrogramOf(values: Float32Array | Float64Array, frames: number, config: MelSpectrogramConfig): Spectrogram {
  const { stft: cfg, filterbank: fb } = config;
  return {
    values,
    bins: fb.nMels,
    frames,
    axis: 'mel',
    scale: cfg.power === 1 ? 'magnitude' : 'power',
    sampleRate: cfg.sr,
    hopLength: cfg.hopLength,
    params: { ...cfg, ...filterbankParams(fb), precision: config.precision },
  };
}
