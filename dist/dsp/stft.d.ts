import { z } from 'zod';
import type { Spectrogram } from './types.ts';
import { type WindowName } from './window.ts';
/** Parameters of the STFT, named and defaulted as librosa.stft (librosa >= 0.10 defaults). */
export declare const stftParams: z.ZodObject<{
    sr: z.ZodDefault<z.ZodNumber>;
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
}, z.core.$strip>;
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
/** Fill librosa's derived defaults (winLength = nFft, hopLength = floor(winLength / 4)) and check the rules. */
export declare function resolveStft(parsed: z.output<typeof stftParams>): StftConfig;
/** Parse user input (camelCase, librosa defaults) into a checked StftConfig. */
export declare function stftConfig(input?: StftParamsInput): StftConfig;
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
/** librosa's frame count and padding layout; throws when the signal is too short to make one frame. */
export declare function frameLayout(length: number, cfg: Pick<StftConfig, 'nFft' | 'hopLength' | 'center' | 'padMode'>, file?: string): FrameLayout;
export type Samples = Float32Array | Float64Array;
/**
 * Turns frames of a signal into power (or magnitude) spectra: windowing, real FFT, |X|^power. One engine
 * per (nFft, window, power); its buffers are allocated once and reused for every frame, so the per-frame
 * work allocates nothing. Shared by the whole-signal STFT, the mel spectrogram and the streaming path, so
 * all three give bit-identical frames.
 */
export declare class FrameEngine {
    readonly cfg: StftConfig;
    readonly bins: number;
    /** The windowed frame; also the FFT input. */
    readonly frame: Float64Array;
    /** |X[k]|^power of the last frame computed by computeFrame. */
    readonly spectrum: Float64Array;
    private readonly window;
    private readonly fft;
    constructor(cfg: StftConfig);
    /**
     * Compute frame t of a signal described by `layout` into `spectrum`, reading sample i of the signal at
     * src[i - srcOffset] (the streaming path keeps only a window of the signal).
     */
    computeFrame(t: number, layout: FrameLayout, src: Samples, srcOffset: number): void;
    /** As computeFrame, into a caller's array of >= bins values (melFramesInto keeps a block of frames). */
    computeFrameInto(t: number, layout: FrameLayout, src: Samples, srcOffset: number, spectrum: Float64Array): void;
    private fillEdgeFrame;
}
/** Options shared by the spectral functions. */
export interface SpectralOptions {
    /** Non-fatal problems librosa would warn about (a block passes its ctx.warn). */
    warn?: (message: string) => void;
    /** The file the samples came from, for error messages. */
    file?: string;
}
/**
 * Throws AUDIO_NOT_FINITE naming the first NaN or infinite sample. `v - v` is 0 for every finite v and
 * NaN for NaN and +-Infinity, so a block's sum of `v - v` is 0 exactly when the block is finite: one
 * add per sample and no branch, 2-3x faster than Number.isFinite per sample (a whole pass over the
 * signal, so it shows: 55-90 ms on a 10-minute file before). One copy per element type keeps each loop
 * monomorphic.
 */
export declare function checkFinite(samples: Samples, file?: string): void;
/** Index of the first NaN or infinite value, -1 when there is none (checkFinite's scan). */
export declare function firstNonFinite(x: Samples): number;
/**
 * |STFT|^power with librosa.stft semantics: a Spectrogram [1 + nFft/2 bins, frames], row-major.
 * power 2 (default) gives scale 'power', power 1 gives 'magnitude'.
 */
export declare function stft(samples: Samples, params?: StftParamsInput, options?: SpectralOptions): Spectrogram;
