import { BirdcallError } from '../errors.ts';
import type { Spectrogram } from './types.ts';
import { powerToDb, type DbParamsInput } from './db.ts';
import { applyMelFrame, melSpectrogramConfig, type MelFilterbank, type MelSpectrogramParamsInput } from './mel.ts';
import { nativeEngine, nativeSupports, type NativeMel, type Precision } from './native.ts';
import { FrameEngine, checkFinite, frameLayout, type FrameLayout, type SpectralOptions, type StftConfig } from './stft.ts';

/** Frames per output chunk while streaming ([nMels, CHUNK_FRAMES] each, copied row by row at the end). */
const CHUNK_FRAMES = 4096;

/**
 * A mel spectrogram computed from successive blocks of samples, so a long recording never has to be in
 * memory: feed blocks of any size with `push`, then `finish`. Frames are cut across block edges exactly
 * as the whole-signal STFT cuts them, including the centre padding at both ends (which is why the last
 * frames wait for `finish`), and go through the same engine (the wasm SIMD kernels, or the JS FrameEngine
 * where they do not apply), so the output is identical to `melSpectrogram` on the concatenated signal. Only the mel power is kept ([nMels x frames], float32 by
 * default: 64 bands x 360 000 frames for an hour at 32 kHz / hop 320 is 92 MB), so dB with ref='max'
 * at the end uses the whole-file maximum, as librosa's.
 *
 * `new MelStream(params, options)` takes melSpectrogram's params (sr in Hz, nFft, hopLength, nMels, …;
 * librosa's defaults) and options (`file` for errors, `warn` for filterbank warnings). `push(block)` adds
 * samples (any block size; BirdcallError `AUDIO_NOT_FINITE` for a NaN or infinite sample); `finish({ db })`
 * returns the spectrogram, in dB with powerToDb's params when `db` is given (BirdcallError
 * `STREAM_FINISHED` when called twice, or on `push` after it).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, dsp, melSpectrogram } from 'birdcall';
 *
 * const sr = 16000;
 * const tone = Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / sr));
 * const stream = new dsp.MelStream({ sr, nFft: 512, hopLength: 160, nMels: 40 });
 * for (let at = 0; at < tone.length; at += 3000) stream.push(tone.subarray(at, at + 3000)); // blocks of any size
 * const streamed = stream.finish();
 * // Identical to the whole-signal mel spectrogram.
 * assert.deepEqual(streamed.values, melSpectrogram(tone, { sr, nFft: 512, hopLength: 160, nMels: 40 }).values);
 * assert.throws(() => stream.finish(), (e: unknown) => e instanceof BirdcallError && e.code === 'STREAM_FINISHED');
 * ```
 */
export class MelStream {
  readonly stft: StftConfig;
  readonly filterbank: MelFilterbank;
  private readonly engine: FrameEngine;
  /** The wasm SIMD path, when it serves these parameters (nativeSupports). */
  private readonly native: NativeMel | undefined;
  private readonly options: SpectralOptions;
  /** Retained raw samples: buffer[j] is sample bufferStart + j. */
  private buffer = new Float32Array(0);
  private bufferStart = 0;
  private bufferLength = 0;
  /** Samples pushed so far. */
  private total = 0;
  /** Index of the next frame to compute. */
  private nextFrame = 0;
  private chunks: (Float32Array | Float64Array)[] = [];
  private finished = false;
  private readonly precision: Precision;

  constructor(params: MelSpectrogramParamsInput = {}, options: SpectralOptions = {}) {
    const cfg = melSpectrogramConfig(params);
    this.stft = cfg.stft;
    this.filterbank = cfg.filterbank;
    this.engine = new FrameEngine(cfg.stft);
    this.native = nativeSupports(cfg.stft) ? nativeEngine(cfg.stft, cfg.filterbank, cfg.precision) : undefined;
    this.precision = cfg.precision;
    this.options = options;
    for (const w of cfg.filterbank.warnings) options.warn?.(w);
  }

  /** Frames computed so far. */
  get frames(): number {
    return this.nextFrame;
  }

  /** Add the next block of samples; computes every frame that no longer depends on what follows. */
  push(block: Float32Array): void {
    if (this.finished) throw new BirdcallError('STREAM_FINISHED', 'push() after finish()', this.options.file);
    checkFinite(block, this.options.file);
    this.append(block);
    const { nFft, hopLength, center, padMode } = this.stft;
    const pad = center ? Math.floor(nFft / 2) : 0;
    // Frames so far read only samples already here; the signal's end is unknown, so no tail frames yet.
    const layout: FrameLayout = {
      frames: Number.MAX_SAFE_INTEGER,
      length: this.total,
      nFft,
      hopLength,
      pad,
      padMode,
      headFrames: center ? Math.ceil(pad / hopLength) : 0,
      tailStart: Number.MAX_SAFE_INTEGER,
      whole: false,
    };
    // reflect padding of the head reads samples 1..pad: wait until they are all here
    if (pad > 0 && padMode === 'reflect' && this.total <= pad) return;
    // frames whose last sample is here: start + nFft <= total
    const ready = Math.max(this.nextFrame, Math.floor((this.total - nFft + pad) / hopLength) + 1);
    this.computeFrames(ready, layout);
  }

  /**
   * Compute the frames that touch the end padding and return the mel spectrogram [nMels, frames] (the
   * whole-signal result). With `db`, the values are converted to dB in place (power_to_db; pass
   * ref: 'max' for the whole-file maximum) so no second copy is made.
   */
  finish(options: { db?: DbParamsInput } = {}): Spectrogram {
    if (this.finished) throw new BirdcallError('STREAM_FINISHED', 'finish() called twice', this.options.file);
    this.finished = true;
    const layout = frameLayout(this.total, this.stft, this.options.file);
    if (this.stft.center && this.stft.nFft > this.total) {
      this.options.warn?.(`nFft=${this.stft.nFft} is too large for a signal of ${this.total} samples`);
    }
    this.computeFrames(layout.frames, layout);
    this.buffer = new Float32Array(0);

    const frames = layout.frames;
    const nMels = this.filterbank.nMels;
    const values = this.stft.dtype === 'float64' ? new Float64Array(nMels * frames) : new Float32Array(nMels * frames);
    // copy chunk by chunk, releasing each, so peak memory stays near one copy
    let t0 = 0;
    while (this.chunks.length > 0) {
      const chunk = this.chunks.shift() as Float32Array | Float64Array;
      const n = Math.min(CHUNK_FRAMES, frames - t0);
      for (let m = 0; m < nMels; m++) values.set(chunk.subarray(m * CHUNK_FRAMES, m * CHUNK_FRAMES + n), m * frames + t0);
      t0 += n;
    }
    const spec: Spectrogram = {
      values,
      bins: nMels,
      frames,
      axis: 'mel',
      scale: this.stft.power === 1 ? 'magnitude' : 'power',
      sampleRate: this.stft.sr,
      hopLength: this.stft.hopLength,
      params: {
        ...this.stft,
        nMels,
        fmin: this.filterbank.fmin,
        fmax: this.filterbank.fmax,
        htk: this.filterbank.htk,
        norm: this.filterbank.norm,
        precision: this.precision,
      },
    };
    // in place: the output is the largest thing a long stream holds
    return options.db ? powerToDb(spec, options.db, { inPlace: true }) : spec;
  }

  /** Compute frames nextFrame .. end - 1 into the chunks ([nMels, CHUNK_FRAMES] each). */
  private computeFrames(end: number, layout: FrameLayout): void {
    const nMels = this.filterbank.nMels;
    while (this.nextFrame < end) {
      const t0 = this.nextFrame;
      const inChunk = t0 % CHUNK_FRAMES;
      if (inChunk === 0) {
        this.chunks.push(this.stft.dtype === 'float64' ? new Float64Array(CHUNK_FRAMES * nMels) : new Float32Array(CHUNK_FRAMES * nMels));
      }
      const chunk = this.chunks[this.chunks.length - 1];
      const t1 = Math.min(end, t0 - inChunk + CHUNK_FRAMES);
      if (this.native) {
        this.native.framesInto(this.buffer, this.bufferStart, layout, t0, t1, chunk, CHUNK_FRAMES, t0 - inChunk);
      } else {
        for (let t = t0; t < t1; t++) {
          this.engine.computeFrame(t, layout, this.buffer, this.bufferStart);
          applyMelFrame(this.filterbank, this.engine.spectrum, chunk, t % CHUNK_FRAMES, CHUNK_FRAMES);
        }
      }
      this.nextFrame = t1;
    }
  }

  /** Append a block, first dropping samples no remaining frame can read. */
  private append(block: Float32Array): void {
    const { nFft, hopLength, center } = this.stft;
    const pad = center ? Math.floor(nFft / 2) : 0;
    // Keep from the next frame's start; also the last nFft + hop samples, which is all a short signal's
    // whole-signal reflect padding can reach (librosa pads a signal that short as one piece).
    const keepFrom = Math.max(0, Math.min(this.nextFrame * hopLength - pad, this.total - nFft - hopLength));
    const drop = Math.max(0, keepFrom - this.bufferStart);
    const keep = this.bufferLength - drop;
    const needed = keep + block.length;
    if (needed > this.buffer.length) {
      const grown = new Float32Array(Math.max(needed, 2 * this.buffer.length, 2 * nFft));
      grown.set(this.buffer.subarray(drop, this.bufferLength));
      this.buffer = grown;
    } else if (drop > 0) {
      this.buffer.copyWithin(0, drop, this.bufferLength);
    }
    this.bufferStart += drop;
    this.bufferLength = keep;
    this.buffer.set(block, this.bufferLength);
    this.bufferLength += block.length;
    this.total += block.length;
  }
}
