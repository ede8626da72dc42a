import { z } from 'zod';
import { BirdcallError } from "../errors.js";
import { realFft } from "./fft.js";
import { parseParams, paramError } from "../params.js";
import { getWindow, windowName } from "./window.js";
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
        .describe('element type of the output values (arithmetic is float64 either way)'),
});
/** Fill librosa's derived defaults (winLength = nFft, hopLength = floor(winLength / 4)) and check the rules. */
export function resolveStft(parsed) {
    const winLength = parsed.winLength ?? parsed.nFft;
    if (winLength > parsed.nFft)
        paramError(`winLength (${winLength}) must be <= nFft (${parsed.nFft})`);
    const hopLength = parsed.hopLength ?? Math.floor(winLength / 4);
    if (hopLength < 1)
        paramError(`hopLength must be >= 1 (default floor(winLength / 4) is 0 for winLength ${winLength})`);
    return { ...parsed, winLength, hopLength };
}
/** Parse user input (camelCase, librosa defaults) into a checked StftConfig. */
export function stftConfig(input = {}) {
    return resolveStft(parseParams(stftParams, input, 'stft'));
}
/** librosa's frame count and padding layout; throws when the signal is too short to make one frame. */
export function frameLayout(length, cfg, file) {
    const { nFft, hopLength, center } = cfg;
    if (length < 1)
        throw new BirdcallError('AUDIO_EMPTY', 'the signal has no samples', file);
    if (!center) {
        if (length < nFft) {
            throw new BirdcallError('AUDIO_TOO_SHORT', `nFft=${nFft} is too large for uncentered analysis of a signal of ${length} samples`, file);
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
function reflectIndex(i, lo, hi) {
    const n = hi - lo;
    if (n === 1)
        return lo;
    const period = 2 * (n - 1);
    let j = (i - lo) % period;
    if (j < 0)
        j += period;
    return lo + (j < n ? j : period - j);
}
/**
 * Turns frames of a signal into power (or magnitude) spectra: windowing, real FFT, |X|^power. One engine
 * per (nFft, window, power); its buffers are allocated once and reused for every frame, so the per-frame
 * work allocates nothing. Shared by the whole-signal STFT, the mel spectrogram and the streaming path, so
 * all three give bit-identical frames.
 */
export class FrameEngine {
    cfg;
    bins;
    /** The windowed frame; also the FFT input. */
    frame;
    /** |X[k]|^power of the last frame computed by computeFrame. */
    spectrum;
    window;
    fft;
    constructor(cfg) {
        this.cfg = cfg;
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
    computeFrame(t, layout, src, srcOffset) {
        this.computeFrameInto(t, layout, src, srcOffset, this.spectrum);
    }
    /** As computeFrame, into a caller's array of >= bins values (melFramesInto keeps a block of frames). */
    computeFrameInto(t, layout, src, srcOffset, spectrum) {
        const { frame, window } = this;
        const nFft = layout.nFft;
        const start = t * layout.hopLength - layout.pad;
        if (start >= 0 && start + nFft <= layout.length) {
            if (src instanceof Float32Array)
                windowFloat32(src, start - srcOffset, window, frame, nFft);
            else
                windowFloat64(src, start - srcOffset, window, frame, nFft);
        }
        else {
            this.fillEdgeFrame(start, layout, src, srcOffset);
        }
        this.fft.power(frame, spectrum);
        const power = this.cfg.power;
        if (power === 1) {
            for (let k = 0; k < this.bins; k++)
                spectrum[k] = Math.sqrt(spectrum[k]);
        }
        else if (power !== 2) {
            const half = power / 2;
            for (let k = 0; k < this.bins; k++)
                spectrum[k] = spectrum[k] ** half;
        }
    }
    fillEdgeFrame(start, layout, src, srcOffset) {
        const { frame, window } = this;
        const { length } = layout;
        const constant = layout.padMode === 'constant';
        // librosa pads the tail part from the first tail frame's start (see FrameLayout)
        const tailLo = layout.whole ? 0 : layout.tailStart * layout.hopLength - layout.pad;
        for (let j = 0; j < layout.nFft; j++) {
            const i = start + j;
            let value;
            if (i >= 0 && i < length)
                value = src[i - srcOffset];
            else if (constant)
                value = 0;
            else if (i < 0)
                value = src[reflectIndex(i, 0, length) - srcOffset];
            else
                value = src[reflectIndex(i, tailLo, length) - srcOffset];
            frame[j] = value * window[j];
        }
    }
}
// The windowed copy of an interior frame, the one per-sample pass outside the FFT. Kept as small
// functions, one per source type: a loop on plain parameters with one element type compiles to a tight
// loop, while the same loop inside computeFrame, on a union-typed source, ran 2-3x slower (measured,
// docs/decisions/fft.md step 4).
function windowFloat32(src, base, window, frame, n) {
    for (let j = 0; j < n; j++)
        frame[j] = src[base + j] * window[j];
}
function windowFloat64(src, base, window, frame, n) {
    for (let j = 0; j < n; j++)
        frame[j] = src[base + j] * window[j];
}
function allocate(dtype, n) {
    return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
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
export function checkFinite(samples, file) {
    const bad = firstNonFinite(samples);
    if (bad >= 0) {
        throw new BirdcallError('AUDIO_NOT_FINITE', `sample ${bad} is ${samples[bad]}: the audio must be finite everywhere`, file);
    }
}
/** Index of the first NaN or infinite value, -1 when there is none (checkFinite's scan). */
export function firstNonFinite(x) {
    return x instanceof Float32Array ? firstNonFinite32(x) : firstNonFinite64(x);
}
function firstNonFinite32(x) {
    for (let from = 0; from < x.length; from += FINITE_BLOCK) {
        const to = Math.min(x.length, from + FINITE_BLOCK);
        let acc = 0;
        for (let i = from; i < to; i++) {
            const v = x[i];
            acc += v - v;
        }
        if (acc !== 0)
            for (let i = from; i < to; i++)
                if (!Number.isFinite(x[i]))
                    return i;
    }
    return -1;
}
function firstNonFinite64(x) {
    for (let from = 0; from < x.length; from += FINITE_BLOCK) {
        const to = Math.min(x.length, from + FINITE_BLOCK);
        let acc = 0;
        for (let i = from; i < to; i++) {
            const v = x[i];
            acc += v - v;
        }
        if (acc !== 0)
            for (let i = from; i < to; i++)
                if (!Number.isFinite(x[i]))
                    return i;
    }
    return -1;
}
/**
 * |STFT|^power with librosa.stft semantics: a Spectrogram [1 + nFft/2 bins, frames], row-major.
 * power 2 (default) gives scale 'power', power 1 gives 'magnitude'.
 */
export function stft(samples, params = {}, options = {}) {
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
        for (let k = 0; k < bins; k++)
            values[k * frames + t] = spec[k];
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
//# sourceMappingURL=stft.js.map