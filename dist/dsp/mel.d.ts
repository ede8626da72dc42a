import { z } from 'zod';
import type { Spectrogram } from './types.ts';
import { type Samples, type SpectralOptions, type StftConfig } from './stft.ts';
/** Mel filterbank parameters, named and defaulted as librosa.filters.mel (nFft comes from the STFT). */
export declare const melParams: z.ZodObject<{
    sr: z.ZodDefault<z.ZodNumber>;
    nMels: z.ZodDefault<z.ZodNumber>;
    fmin: z.ZodDefault<z.ZodNumber>;
    fmax: z.ZodOptional<z.ZodNullable<z.ZodNumber>>;
    htk: z.ZodDefault<z.ZodBoolean>;
    norm: z.ZodDefault<z.ZodNullable<z.ZodEnum<{
        none: "none";
        slaney: "slaney";
    }>>>;
}, z.core.$strip>;
export type MelParamsInput = z.input<typeof melParams>;
export declare const melFilterbankParams: z.ZodObject<{
    sr: z.ZodDefault<z.ZodNumber>;
    nMels: z.ZodDefault<z.ZodNumber>;
    fmin: z.ZodDefault<z.ZodNumber>;
    fmax: z.ZodOptional<z.ZodNullable<z.ZodNumber>>;
    htk: z.ZodDefault<z.ZodBoolean>;
    norm: z.ZodDefault<z.ZodNullable<z.ZodEnum<{
        none: "none";
        slaney: "slaney";
    }>>>;
    nFft: z.ZodDefault<z.ZodNumber>;
}, z.core.$strip>;
export type MelFilterbankParamsInput = z.input<typeof melFilterbankParams>;
/** Parameters of melSpectrogram: the STFT's and the filterbank's, as librosa.feature.melspectrogram. */
export declare const melSpectrogramParams: z.ZodObject<{
    nFft: z.ZodDefault<z.ZodNumber>;
    hopLength: z.ZodOptional<z.ZodNumber>;
    winLength: z.ZodOptional<z.ZodNumber>;
    window: z.ZodDefault<z.ZodEnum<{
        hann: "hann";
        hamming: "hamming";
        blackman: "blackman";
        rectangular: "rectangular";
        boxcar: "boxcar";
    }>>;
    center: z.ZodDefault<z.ZodBoolean>;
    padMode: z.ZodDefault<z.ZodEnum<{
        constant: "constant";
        reflect: "reflect";
    }>>;
    power: z.ZodDefault<z.ZodNumber>;
    dtype: z.ZodDefault<z.ZodEnum<{
        float32: "float32";
        float64: "float64";
    }>>;
    sr: z.ZodDefault<z.ZodNumber>;
    nMels: z.ZodDefault<z.ZodNumber>;
    fmin: z.ZodDefault<z.ZodNumber>;
    fmax: z.ZodOptional<z.ZodNullable<z.ZodNumber>>;
    htk: z.ZodDefault<z.ZodBoolean>;
    norm: z.ZodDefault<z.ZodNullable<z.ZodEnum<{
        none: "none";
        slaney: "slaney";
    }>>>;
}, z.core.$strip>;
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
/** librosa.hz_to_mel (Slaney by default, HTK on request). */
export declare function hzToMel(hz: number, htk?: boolean): number;
/** librosa.mel_to_hz. */
export declare function melToHz(mel: number, htk?: boolean): number;
/** librosa.mel_frequencies: n points evenly spaced in mel (numpy.linspace arithmetic), in Hz. */
export declare function melFrequencies(n: number, fmin: number, fmax: number, htk?: boolean): Float64Array;
/** Mel filterbank exactly as librosa.filters.mel (float64 weights). Cached: do not modify the result. */
export declare function melFilterbank(params?: MelFilterbankParamsInput): MelFilterbank;
/** The filterbank as a dense row-major [nMels, bins] matrix, like librosa.filters.mel returns (for tests). */
export declare function melFilterbankDense(fb: MelFilterbank): Float64Array;
/**
 * Project one spectrum onto the mel bands: out[outOffset + m * outStride] = sum_k fb[m, k] spectrum[k].
 * Sparse: each band only touches the bins under its triangle.
 */
export declare function applyMelFrame(fb: MelFilterbank, spectrum: Float64Array, out: Float32Array | Float64Array, outOffset: number, outStride: number): void;
/**
 * applyMelFrame on four consecutive frames t .. t + 3 at once, into out[m * frames + t + i]: each weight
 * is loaded once for the four, and the four sums are independent chains, where one frame's sum is a
 * single chain of dependent adds. Every sum runs in the same order as applyMelFrame's, so the values are
 * identical; 1.5-1.7x faster than four applyMelFrame calls (docs/decisions/fft.md, step 4).
 */
export declare function applyMelFrames4(fb: MelFilterbank, s0: Float64Array, s1: Float64Array, s2: Float64Array, s3: Float64Array, out: Float32Array | Float64Array, t: number, frames: number): void;
/** Apply a filterbank to a linear-frequency Spectrogram (librosa.feature.melspectrogram with S=...). */
export declare function melFromSpectrogram(spec: Spectrogram, fb: MelFilterbank, dtype?: 'float32' | 'float64'): Spectrogram;
/** Everything melSpectrogram needs, defaults filled and rules checked. */
export interface MelSpectrogramConfig {
    stft: StftConfig;
    filterbank: MelFilterbank;
}
/** Parse melSpectrogram parameters and build (or fetch the cached) filterbank. */
export declare function melSpectrogramConfig(params?: MelSpectrogramParamsInput): MelSpectrogramConfig;
/** The warnings librosa would print for these parameters (e.g. empty filters when fmax > sr / 2). */
export declare function melWarnings(params?: MelSpectrogramParamsInput): string[];
/**
 * Frames [t0, t1) of the mel spectrogram of `samples`, written to out[m * frames + t] where frames is the
 * whole signal's frame count. Frame t only reads the samples under it, so worker threads can split one
 * long signal by frame ranges (each given the whole signal, e.g. in a SharedArrayBuffer) and fill one
 * shared output; the result is identical to a single-threaded run.
 */
export declare function melFramesInto(samples: Samples, config: MelSpectrogramConfig, t0: number, t1: number, out: Float32Array | Float64Array, file?: string): void;
/**
 * Mel spectrogram with librosa.feature.melspectrogram semantics: |STFT|^power (power 2 by default)
 * projected on librosa.filters.mel. Returns a Spectrogram [nMels, frames], scale 'power' (or 'magnitude'
 * for power 1), values of `dtype` (float32 by default; computed in float64 either way). The power
 * spectrogram is never stored: each frame goes straight through the filterbank.
 */
export declare function melSpectrogram(samples: Samples, params?: MelSpectrogramParamsInput, options?: SpectralOptions): Spectrogram;
/** Wraps computed mel frames [nMels, frames] as the Spectrogram melSpectrogram returns (also the threaded path's). */
export declare function melSpectrogramOf(values: Float32Array | Float64Array, frames: number, config: MelSpectrogramConfig): Spectrogram;
