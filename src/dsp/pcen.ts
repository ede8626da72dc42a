import { z } from 'zod';
import type { Spectrogram } from './types.ts';
import { parseParams, paramError } from '../params.ts';
import { pcenSqrtNative, type PcenSqrtConstants } from './native.ts';

/**
 * librosa.pcen parameters and defaults. sr and hopLength only set the smoothing filter's time constant in
 * frames; librosa's function defaults (22050 Hz, 512) are kept, so a caller working at another rate
 * passes the spectrogram's own (the pcen block does). librosa's docs scale a magnitude mel spectrogram by
 * 2**31 before PCEN; that is the caller's choice, not part of the function.
 */
export const pcenParams = z.object({
  sr: z.number().positive().default(22050).describe('sample rate in Hz of the audio the spectrogram came from'),
  hopLength: z.number().int().min(1).default(512).describe('hop between frames in samples'),
  gain: z.number().nonnegative().default(0.98).describe('exponent of the adaptive gain control (alpha)'),
  bias: z.number().nonnegative().default(2).describe('bias added before compression (delta)'),
  power: z.number().nonnegative().default(0.5).describe('compression exponent (r); 0 means log compression'),
  timeConstant: z.number().positive().default(0.4).describe('smoother time constant in seconds'),
  eps: z.number().positive().default(1e-6).describe('floor avoiding division by zero in the gain control'),
  b: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(null)
    .describe('smoothing coefficient of the IIR filter; default derived from timeConstant, sr and hopLength'),
  maxSize: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe('size of the maximum filter across frequency bins for the reference (1 = no filter)'),
});
export type PcenParamsInput = z.input<typeof pcenParams>;

/**
 * librosa's default b: solves b^2 + (1 - b) / T - 2 = 0 with T the time constant in frames.
 *
 * @param timeConstant - the smoother's time constant in seconds (librosa's default 0.4).
 * @param sr - the sample rate in Hz.
 * @param hopLength - samples between frames.
 * @returns b, the smoother's coefficient, in (0, 1); never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const b = dsp.pcenSmoothingCoefficient(0.4, 22050, 512); // T = 17.2 frames
 * assert.equal(b.toFixed(6), '0.056389');
 * const t = (0.4 * 22050) / 512;
 * assert.ok(Math.abs(t * t * b * b + b - 1) < 1e-12); // librosa's b = (sqrt(1 + 4 T^2) - 1) / (2 T^2)
 * ```
 */
export function pcenSmoothingCoefficient(timeConstant: number, sr: number, hopLength: number): number {
  const tFrames = (timeConstant * sr) / hopLength;
  return (Math.sqrt(1 + 4 * tFrames * tFrames) - 1) / (2 * tFrames * tFrames);
}

/** scipy.ndimage.maximum_filter1d along the bin axis, mode 'reflect' (edge sample repeated), origin 0. */
function maxFilterBins(values: ArrayLike<number>, bins: number, frames: number, size: number): Float64Array {
  const out = new Float64Array(bins * frames);
  const before = Math.floor(size / 2);
  const reflect = (i: number): number => {
    // half-sample symmetric extension: ... b a | a b c ... x y | y x ...
    const period = 2 * bins;
    let j = i % period;
    if (j < 0) j += period;
    return j < bins ? j : period - 1 - j;
  };
  for (let k = 0; k < bins; k++) {
    for (let t = 0; t < frames; t++) {
      let max = -Infinity;
      for (let d = 0; d < size; d++) {
        const v = values[reflect(k - before + d) * frames + t];
        if (v > max) max = v;
      }
      out[k * frames + t] = max;
    }
  }
  return out;
}

/**
 * Per-channel energy normalisation, librosa.pcen: a first-order IIR smoother along time (initial state
 * as scipy.signal.lfilter_zi, i.e. as if the input had been 1 forever), adaptive gain control, then
 * root (or log) compression. Input must be non-negative (a magnitude or power spectrogram); the output
 * keeps the input's element type and is labelled scale 'magnitude' (PCEN values are not dB).
 * Exported from the package as `pcenSpectrogram` (the `pcen` name there is the pipeline step).
 *
 * @param spec - a non-negative spectrogram, [bins, frames] (librosa's example scales a magnitude
 *   spectrogram by 2^31 first; `gain`, `bias` and `eps` assume that range).
 * @param params - `sr` (Hz of the audio, default 22050) and `hopLength` (samples, 512) of the spectrogram,
 *   `timeConstant` (seconds, 0.4), `gain` (0.98), `bias` (2), `power` (0.5; 0 for log), `eps` (1e-6),
 *   `maxSize` (bins of the max filter across frequency, 1), `b` (smoothing coefficient; default from
 *   timeConstant, sr and hopLength). Units and defaults: [pcenParams](../parameters.md#pcenparams).
 * @returns the same shape, scale 'magnitude'.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { melSpectrogram, pcenSpectrogram } from 'birdcall';
 *
 * const sr = 22050;
 * const tone = Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / sr));
 * const mel = melSpectrogram(tone, { sr, nMels: 64, power: 1 });
 * const p = pcenSpectrogram({ ...mel, values: mel.values.map((v) => v * 2 ** 31) }, { sr, hopLength: 512 });
 * assert.deepEqual([p.bins, p.frames, p.scale], [64, 44, 'magnitude']);
 * ```
 */
export function pcen(spec: Spectrogram, params: PcenParamsInput = {}): Spectrogram {
  const p = parseParams(pcenParams, params, 'pcen');
  if (spec.scale === 'db') paramError('pcen needs a magnitude or power spectrogram, not dB');
  const b = p.b ?? pcenSmoothingCoefficient(p.timeConstant, p.sr, p.hopLength);
  if (!(b >= 0 && b <= 1)) paramError(`pcen smoothing coefficient b must be in [0, 1], got ${b}`);
  const { bins, frames } = spec;
  const S = spec.values;
  const ref: ArrayLike<number> = p.maxSize === 1 ? S : maxFilterBins(S, bins, frames, p.maxSize);
  const out = S instanceof Float64Array ? new Float64Array(S.length) : new Float32Array(S.length);
  const constants = { bins, frames, b, gain: p.gain, eps: p.eps, bias: p.bias, power: p.power };
  if (p.power === 0.5 && p.bias > 0) pcenSqrtNative(S, ref, out, constants);
  else pcenLoop(S, ref, out, constants);
  return { ...spec, values: out, scale: 'magnitude', params: { ...spec.params, pcen: { ...p, b } } };
}

/** The numbers pcenLoop runs on: the spectrogram's shape and pcen's resolved parameters. */
export interface PcenLoopConstants extends PcenSqrtConstants {
  power: number;
}

/**
 * PCEN of every band of S (row-major [bins, frames]) into `out`, `ref` being the smoothing filter's input
 * (S, or its max filter across bands): librosa's arithmetic, step by step. The reference for every
 * setting; the default power 0.5 with a bias runs in wasm SIMD instead (pcenSqrtNative), which equals this
 * loop bit for bit (test/dsp/pcen.test.ts).
 */
export function pcenLoop(S: ArrayLike<number>, ref: ArrayLike<number>, out: Float32Array | Float64Array, c: PcenLoopConstants): void {
  const { bins, frames, b, gain: alpha, eps, bias, power } = c;
  const logEps = Math.log(eps);
  const biasPow = bias ** power;
  const feedback = 1 - b;
  for (let k = 0; k < bins; k++) {
    // lfilter([b], [1, b - 1]) with zi = lfilter_zi = 1 - b: y[t] = b x[t] + (1 - b) y[t-1], y[-1] = 1
    let state = feedback;
    const row = k * frames;
    for (let t = 0; t < frames; t++) {
      const smoothed = b * ref[row + t] + state;
      state = feedback * smoothed;
      const x = S[row + t];
      const gain = Math.exp(-alpha * (logEps + Math.log1p(smoothed / eps)));
      let y: number;
      if (power === 0) y = Math.log1p(x * gain);
      else if (bias === 0) y = Math.exp(power * (Math.log(x) + Math.log(gain)));
      else if (power === 0.5) y = biasPow * sqrt1pm1((x * gain) / bias);
      else y = biasPow * Math.expm1(power * Math.log1p((x * gain) / bias));
      out[row + t] = y;
    }
  }
}

/**
 * sqrt(1 + u) - 1 for u >= 0: librosa's expm1(0.5 * log1p(u)) for the default power 0.5, written as
 * u / (sqrt(1 + u) + 1), which cancels nothing for small u and needs one correctly rounded square root instead
 * of two transcendental calls (they were most of PCEN's time, and PCEN a quarter of the default convert's).
 */
function sqrt1pm1(u: number): number {
  return u === Infinity ? Infinity : u / (Math.sqrt(1 + u) + 1);
}
