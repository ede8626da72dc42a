import { z } from 'zod';
import { BirdcallError } from '../errors.ts';
import type { Spectrogram } from './types.ts';
import { realFft, type RealFft } from './fft.ts';
import { parseParams, paramError } from '../params.ts';
import { getWindow, windowName, type WindowName } from './window.ts';

/** Parameters of the STFT, named and defaulted as librosa.stft (librosa >= 0.10 defaults). */
export const stftParams = z.object({
  sr: z
    .number()
    .positive()
    .default(22050)
    .describe('sample rate of the input in Hz (recorded in the output; librosa.stft itself does not use it)'),
  nFft: z
    .number()
    .int()
    .min(2)
    .default(2048)
    .describe('FFT size in samples (2048 = 93 ms at 22050 Hz, 64 ms at 32 kHz); any size, not only powers of two'),
  hopLength: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('samples between frame starts (512 = 23 ms at 22050 Hz, 320 = 10 ms at 32 kHz); default floor(winLength / 4)'),
  winLength: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('window length in samples, <= nFft, zero-padded into the centre of the frame; default nFft'),
  window: windowName,
  center: z
    .boolean()
    .default(true)
    .describe('pad nFft/2 samples at both ends so frame t is centred on sample t * hopLength'),
  padMode: z
    .enum(['constant', 'reflect'])
    .default('constant')
    .describe("centre padding: 'constant' (zeros, librosa >= 0.10 default) or 'reflect'"),
  power: z
    .number()
    .positive()
    .default(2)
    .describe('exponent of the magnitude: 2 = power spectrogram, 1 = magnitude spectrogram'),
  dtype: z
    .enum(['float32', 'float64'])
    .default('float32')
    .describe('element type of the output values (the arithmetic is float64 unless a mel spectrogram asks for precision float32)'),
});
export type StftParamsInput = z.input<typeof stftParams>;

/** STFT parameters with every default filled in and the cross-parameter rules checked. */
export interface StftConfig {
  sr: number;
  nFft: number;
  hopLength: number;
  winLength: number;
  window: WindowName;
  center: boolean;
  padMode: 'constant' | 'reflect';
  power: number;
  dtype: 'float32' | 'float64';
}

/**
 * Fill librosa's derived defaults (winLength = nFft, hopLength = floor(winLength / 4)) and check the rules.
 *
 * @param parsed - stftParams already parsed (e.g. by parseParams).
 * @returns the complete config.
 * @throws BirdcallError `PARAM_INVALID` for winLength > nFft or a hopLength below 1.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, dsp, stftParams } from 'birdcall';
 *
 * const cfg = dsp.resolveStft(dsp.parseParams(stftParams, { nFft: 1024, winLength: 800 }, 'stft'));
 * assert.deepEqual([cfg.winLength, cfg.hopLength], [800, 200]);
 * assert.throws(() => dsp.resolveStft(dsp.parseParams(stftParams, { nFft: 512, winLength: 1024 }, 'stft')), (e: unknown) => e instanceof BirdcallError && e.code === 'PARAM_INVALID');
 * ```
 */
export function resolveStft(parsed: z.output<typeof stftParams>): StftConfig {
  const winLength = parsed.winLength ?? parsed.nFft;
  if (winLength > parsed.nFft) paramError(`winLength (${winLength}) must be <= nFft (${parsed.nFft})`);
  const hopLength = parsed.hopLength ?? Math.floor(winLength / 4);
  if (hopLength < 1) paramError(`hopLength must be >= 1 (default floor(winLength / 4) is 0 for winLength ${winLength})`);
  return { ...parsed, winLength, hopLength };
}

/**
 * Parse user input (camelCase, librosa defaults) into a checked StftConfig.
 *
 * @param input - stftParams: sr (Hz, default 22050), nFft (default 2048), winLength and hopLength in
 *   samples (default nFft and winLength / 4), window (default 'hann'), center (default true), padMode
 *   (default 'constant'), power (default 2), dtype (default 'float32').
 * @returns the complete config.
 * @throws BirdcallError `PARAM_INVALID` naming the parameter.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, dsp } from 'birdcall';
 *
 * assert.deepEqual(dsp.stftConfig({ nFft: 1024 }), { sr: 22050, nFft: 1024, window: 'hann', center: true, padMode: 'constant', power: 2, dtype: 'float32', winLength: 1024, hopLength: 256 });
 * assert.throws(() => dsp.stftConfig({ nFft: 1 }), (e: unknown) => e instanceof BirdcallError && e.code === 'PARAM_INVALID' && /"nFft"/.test(e.message));
 * ```
 */
export function stftConfig(input: StftParamsInput = {}): StftConfig {
  return resolveStft(parseParams(stftParams, input, 'stft'));
}

/**
 * Where each frame of a signal of `length` samples reads from, following librosa.stft exactly, including
 * how librosa >= 0.10 pads the head and the tail separately: with center=true and the head and tail
 * frames apart, the head frames are cut from a prefix of the signal and the tail frames from a suffix
 * starting at the first tail frame, each padded on its own. With reflect padding this only matters when
 * the suffix is shorter than nFft/2 + 1 samples (hopLength >= nFft/2), but it is what librosa computes.
 */
export interface FrameLayout {
  frames: number;
  length: number;
  nFft: number;
  hopLength: number;
  /** Samples padded before the signal (nFft/2 when centred, else 0): frame t starts at t * hop - pad. */
  pad: number;
  padMode: 'constant' | 'reflect';
  /** Frames before this index read left padding (librosa's start_k). */
  headFrames: number;
  /** Frames from this index on read right padding (librosa's tail_k). */
  tailStart: number;
  /** Reflect padding over the whole signal (head and tail overlap) rather than per part. */
  whole: boolean;
}

/**
 * librosa's frame count and padding layout: with `center`, nFft / 2 samples of padding each side and
 * 1 + floor(length / hopLength) frames; without, 1 + floor((length - nFft) / hopLength).
 *
 * @param length - the signal's length in samples.
 * @param cfg - nFft and hopLength in samples, center, padMode (as stftConfig gives them).
 * @param file - the file errors name.
 * @returns the frame count and which frames read padding (headFrames, tailStart).
 * @throws BirdcallError when the signal is too short to make one frame (center false, length < nFft).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const layout = dsp.frameLayout(1000, { nFft: 256, hopLength: 64, center: true, padMode: 'constant' });
 * assert.deepEqual([layout.frames, layout.pad, layout.headFrames, layout.tailStart], [16, 128, 2, 14]);
 * assert.equal(dsp.frameLayout(1000, { nFft: 256, hopLength: 64, center: false, padMode: 'constant' }).frames, 12);
 * assert.throws(() => dsp.frameLayout(100, { nFft: 256, hopLength: 64, center: false, padMode: 'constant' }));
 * ```
 */
export function frameLayout(length: number, cfg: Pick<StftConfig, 'nFft' | 'hopLength' | 'center' | 'padMode'>, file?: string): FrameLayout {
  const { nFft, hopLength, center } = cfg;
  if (length < 1) throw new BirdcallError('AUDIO_EMPTY', 'the signal has no samples', file);
  if (!center) {
    if (length < nFft) {
      throw new BirdcallError(
        'AUDIO_TOO_SHORT',
        `nFft=${nFft} is too large for uncentered analysis of a signal of ${length} samples`,
        file,
      );
    }
    const frames = 1 + Math.floor((length - nFft) / hopLength);
    return { frames, length, nFft, hopLength, pad: 0, padMode: cfg.padMode, headFrames: 0, tailStart: frames, whole: false };
  }
  const pad = Math.floor(nFft / 2);
  if (length + 2 * pad < nFft) {
    throw new BirdcallError('AUDIO_TOO_SHORT', `a signal of ${length} samples is too short for nFft=${nFft}`, file);
  }
  const frames = 1 + Math.floor((length + 2 * pad - nFft) / hopLength);
  const headFrames = Math.ceil(pad / hopLength);
  const tailStart = Math.floor((length + pad - nFft) / hopLength) + 1;
  return { frames, length, nFft, hopLength, pad, padMode: cfg.padMode, headFrames, tailStart, whole: tailStart <= headFrames };
}

/** Index of padded sample i within [lo, hi) under numpy's 'reflect' (repeated when the pad is long). */
function reflectIndex(i: number, lo: number, hi: number): number {
  const n = hi - lo;
  if (n === 1) return lo;
  const period = 2 * (n - 1);
  let j = (i - lo) % period;
  if (j < 0) j += period;
  return lo + (j < n ? j : period - j);
}

export type Samples = Float32Array | Float64Array;

/**
 * Turns frames of a signal into power (or magnitude) spectra: windowing, real FFT, |X|^power. One engine
 * per (nFft, window, power); its buffers are allocated once and reused for every frame, so the per-frame
 * work allocates nothing. Shared by the whole-signal STFT, the mel spectrogram and the streaming path, so
 * all three give bit-identical frames.
 *
 * `new FrameEngine(cfg)` for a StftConfig; `computeFrame(t, layout, src, srcOffset)` computes frame t into
 * `spectrum` (`bins` values), reading sample i of the signal at src[i - srcOffset].
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp, stft } from 'birdcall';
 *
 * const samples = Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i / 7));
 * const cfg = dsp.stftConfig({ nFft: 512, hopLength: 128 });
 * const engine = new dsp.FrameEngine(cfg);
 * const layout = dsp.frameLayout(samples.length, cfg);
 * engine.computeFrame(10, layout, samples, 0);
 * // The same frame as column 10 of the whole STFT (float32 there).
 * const s = stft(samples, { nFft: 512, hopLength: 128 });
 * assert.equal(engine.bins, s.bins);
 * assert.ok(Array.from(engine.spectrum).every((p, k) => p === 0 ? s.values[k * s.frames + 10] === 0 : Math.abs(s.values[k * s.frames + 10] / p - 1) < 1e-6));
 * ```
 */
export class FrameEngine {
  readonly bins: number;
  /** The windowed frame; also the FFT input. */
  readonly frame: Float64Array;
  /** |X[k]|^power of the last frame computed by computeFrame. */
  readonly spectrum: Float64Array;
  private readonly window: Float64Array;
  private readonly fft: RealFft;

  constructor(readonly cfg: StftConfig) {
    this.window = getWindow(cfg.window, cfg.winLength, cfg.nFft);
    this.fft = realFft(cfg.nFft);
    this.bins = this.fft.bins;
    this.frame = new Float64Array(cfg.nFft);
    this.spectrum = new Float64Array(this.bins);
  }

  /**
   * Compute frame t of a signal described by `layout` into `spectrum`, reading sample i of the signal at
   * src[i - srcOffset] (the streaming path keeps only a window of the signal).
   */
  computeFrame(t: number, layout: FrameLayout, src: Samples, srcOffset: number): void {
    this.computeFrameInto(t, layout, src, srcOffset, this.spectrum);
  }

  /** As computeFrame, into a caller's array of >= bins values (melFramesInto keeps a block of frames). */
  computeFrameInto(t: number, layout: FrameLayout, src: Samples, srcOffset: number, spectrum: Float64Array): void {
    const { frame, window } = this;
    const nFft = layout.nFft;
    const start = t * layout.hopLength - layout.pad;
    if (start >= 0 && start + nFft <= layout.length) {
      if (src instanceof Float32Array) windowFloat32(src, start - srcOffset, window, frame, nFft);
      else windowFloat64(src, start - srcOffset, window, frame, nFft);
    } else {
      this.fillEdgeFrame(start, layout, src, srcOffset);
    }
    this.fft.power(frame, spectrum);
    const power = this.cfg.power;
    if (power === 1) {
      for (let k = 0; k < this.bins; k++) spectrum[k] = Math.sqrt(spectrum[k]);
    } else if (power !== 2) {
      const half = power / 2;
      for (let k = 0; k < this.bins; k++) spectrum[k] = spectrum[k] ** half;
    }
  }

  private fillEdgeFrame(start: number, layout: FrameLayout, src: Samples, srcOffset: number): void {
    const { frame, window } = this;
    paddedFrame(start, layout, src, srcOffset, frame, 0);
    for (let j = 0; j < layout.nFft; j++) frame[j] *= window[j];
  }
}

/**
 * The nFft samples of the frame starting at `start` (which may lie in the padding), unwindowed, into
 * dst[dstOffset ..], reading sample i at src[i - srcOffset]: librosa's padding, head and tail apart.
 */
export function paddedFrame(start: number, layout: FrameLayout, src: Samples, srcOffset: number, dst: Samples, dstOffset: number): void {
  const { length } = layout;
  const constant = layout.padMode === 'constant';
  // librosa pads the tail part from the first tail frame's start (see FrameLayout)
  const tailLo = layout.whole ? 0 : layout.tailStart * layout.hopLength - layout.pad;
  for (let j = 0; j < layout.nFft; j++) {
    const i = start + j;
    let value: number;
    if (i >= 0 && i < length) value = src[i - srcOffset];
    else if (constant) value = 0;
    else if (i < 0) value = src[reflectIndex(i, 0, length) - srcOffset];
    else value = src[reflectIndex(i, tailLo, length) - srcOffset];
    dst[dstOffset + j] = value;
  }
}

// The windowed copy of an interior frame, the one per-sample pass outside the FFT. Kept as small
// functions, one per source type: a loop on plain parameters with one element type compiles to a tight
// loop, while the same loop inside computeFrame, on a union-typed source, ran 2-3x slower (measured,
// docs/decisions/fft.md step 4).
function windowFloat32(src: Float32Array, base: number, window: Float64Array, frame: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) frame[j] = src[base + j] * window[j];
}

function windowFloat64(src: Float64Array, base: number, window: Float64Array, frame: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) frame[j] = src[base + j] * window[j];
}

function allocate(dtype: 'float32' | 'float64', n: number): Float32Array | Float64Array {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** Options shared by the spectral functions. */
export interface SpectralOptions {
  /** Non-fatal problems librosa would warn about (a block passes its ctx.warn). */
  warn?: (message: string) => void;
  /** The file the samples came from, for error messages. */
  file?: string;
}

/** Samples per block of the finiteness scan: a block with a bad sample is scanned again for its index. */
const FINITE_BLOCK = 4096;

/**
 * Throws AUDIO_NOT_FINITE naming the first NaN or infinite sample. `v - v` is 0 for every finite v and
 * NaN for NaN and +-Infinity, so a block's sum of `v - v` is 0 exactly when the block is finite: one
 * add per sample and no branch, 2-3x faster than Number.isFinite per sample (a whole pass over the
 * signal, so it shows: 55-90 ms on a 10-minute file before). One copy per element type keeps each loop
 * monomorphic.
 */
export function checkFinite(samples: Samples, file?: string): void {
  const bad = firstNonFinite(samples);
  if (bad >= 0) {
    throw new BirdcallError('AUDIO_NOT_FINITE', `sample ${bad} is ${samples[bad]}: the audio must be finite everywhere`, file);
  }
}

/** Index of the first NaN or infinite value, -1 when there is none (checkFinite's scan). */
export function firstNonFinite(x: Samples): number {
  return x instanceof Float32Array ? firstNonFinite32(x) : firstNonFinite64(x);
}

function firstNonFinite32(x: Float32Array): number {
  for (let from = 0; from < x.length; from += FINITE_BLOCK) {
    const to = Math.min(x.length, from + FINITE_BLOCK);
    let acc = 0;
    for (let i = from; i < to; i++) {
      const v = x[i];
      acc += v - v;
    }
    if (acc !== 0) for (let i = from; i < to; i++) if (!Number.isFinite(x[i])) return i;
  }
  return -1;
}

function firstNonFinite64(x: Float64Array): number {
  for (let from = 0; from < x.length; from += FINITE_BLOCK) {
    const to = Math.min(x.length, from + FINITE_BLOCK);
    let acc = 0;
    for (let i = from; i < to; i++) {
      const v = x[i];
      acc += v - v;
    }
    if (acc !== 0) for (let i = from; i < to; i++) if (!Number.isFinite(x[i])) return i;
  }
  return -1;
}

/**
 * |STFT|^power with librosa.stft semantics: a Spectrogram [1 + nFft/2 bins, frames], row-major.
 * power 2 (default) gives scale 'power', power 1 gives 'magnitude'.
 *
 * @param samples - mono audio, float samples.
 * @param params - `nFft` (samples, default 2048; any size, non-powers of two exact), `hopLength` (samples,
 *   default nFft / 4), `winLength` (samples, default nFft), `window` ('hann'), `center` (true: frames centred,
 *   the signal padded by nFft / 2 each side), `padMode` ('constant'), `power` (2), `dtype` ('float32').
 *   Units, ranges and defaults: [stftParams](../parameters.md#stftparams).
 * @param options - `warn` receives warnings; `file` names the input in errors.
 * @returns bins 0 .. nFft / 2 (bin k is k * sr / nFft Hz) by frames, values at row * frames + frame.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { stft } from 'birdcall';
 *
 * const sr = 22050;
 * const tone = Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / sr));
 * const s = stft(tone, { nFft: 1024, hopLength: 256 });
 * assert.equal(s.bins, 513);
 * assert.equal(s.frames, 87);
 * // the loudest bin of a frame is the one nearest 440 Hz: bin 20 = 430.7 Hz
 * const frame = Array.from({ length: s.bins }, (_, k) => s.values[k * s.frames + 10]);
 * assert.equal(frame.indexOf(Math.max(...frame)), 20);
 * ```
 */
export function stft(samples: Samples, params: StftParamsInput = {}, options: SpectralOptions = {}): Spectrogram {
  const cfg = stftConfig(params);
  checkFinite(samples, options.file);
  const layout = frameLayout(samples.length, cfg, options.file);
  if (cfg.center && cfg.nFft > samples.length) {
    options.warn?.(`nFft=${cfg.nFft} is too large for a signal of ${samples.length} samples`);
  }
  const engine = new FrameEngine(cfg);
  const { frames } = layout;
  const bins = engine.bins;
  const values = allocate(cfg.dtype, bins * frames);
  const spec = engine.spectrum;
  for (let t = 0; t < frames; t++) {
    engine.computeFrame(t, layout, samples, 0);
    for (let k = 0; k < bins; k++) values[k * frames + t] = spec[k];
  }
  return {
    values,
    bins,
    frames,
    axis: 'linear',
    scale: cfg.power === 1 ? 'magnitude' : 'power',
    sampleRate: cfg.sr,
    hopLength: cfg.hopLength,
    params: { ...cfg },
  };
}
