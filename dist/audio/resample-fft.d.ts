/**
 * The resampler's first stage when downsampling: a long, sharp, zero-phase low-pass at the input rate,
 * applied by FFT convolution (overlap-save). A sharp filter's cost by FFT grows with log(length) per sample
 * rather than with its length, which is what lets the polyphase stage after it be short (soxr's design).
 */
import FFT from 'fft.js';
export interface FftLowpass {
    /** Taps either side of the centre tap (the filter has 2 * half + 1). */
    readonly half: number;
    /** FFT size (a power of two). */
    readonly size: number;
    /** Output samples per transform pair (two overlap-save blocks): outputs in whole multiples of it waste nothing. */
    readonly step: number;
    /** Spectrum of the filter, interleaved (re, im), scaled by 1 / size so the inverse needs no pass of its own. */
    readonly spectrum: Float64Array;
    readonly fft: FFT;
    /** Scratch for one transform in, one out: the filter is not re-entrant, which single-threaded JS never asks of it. */
    readonly bufA: Float64Array;
    readonly bufB: Float64Array;
}
/**
 * Designs a Kaiser-windowed sinc low-pass of 2 * half + 1 taps, `cutoff` in cycles per sample, normalised
 * to unit DC gain, and its spectrum for overlap-save.
 */
export declare function designFftLowpass(cutoff: number, half: number, attenuationDb: number): FftLowpass;
/**
 * out[j] = sum_k h[k] x[start + j - k] for every j < out.length (h centred on k = 0, x zero outside its
 * samples), so out may begin before x and run past its end to hold the filter's full tails.
 */
export declare function applyFftLowpass(f: FftLowpass, x: Float32Array, out: Float32Array, start: number): void;
