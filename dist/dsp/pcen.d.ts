import { z } from 'zod';
import type { Spectrogram } from './types.ts';
/**
 * librosa.pcen parameters and defaults. sr and hopLength only set the smoothing filter's time constant in
 * frames; librosa's function defaults (22050 Hz, 512) are kept, so a caller working at another rate
 * passes the spectrogram's own (the pcen block does). librosa's docs scale a magnitude mel spectrogram by
 * 2**31 before PCEN; that is the caller's choice, not part of the function.
 */
export declare const pcenParams: z.ZodObject<{
    sr: z.ZodDefault<z.ZodNumber>;
    hopLength: z.ZodDefault<z.ZodNumber>;
    gain: z.ZodDefault<z.ZodNumber>;
    bias: z.ZodDefault<z.ZodNumber>;
    power: z.ZodDefault<z.ZodNumber>;
    timeConstant: z.ZodDefault<z.ZodNumber>;
    eps: z.ZodDefault<z.ZodNumber>;
    b: z.ZodDefault<z.ZodNullable<z.ZodNumber>>;
    maxSize: z.ZodDefault<z.ZodNumber>;
}, z.core.$strip>;
export type PcenParamsInput = z.input<typeof pcenParams>;
/** librosa's default b: solves b^2 + (1 - b) / T - 2 = 0 with T the time constant in frames. */
export declare function pcenSmoothingCoefficient(timeConstant: number, sr: number, hopLength: number): number;
/**
 * Per-channel energy normalisation, librosa.pcen: a first-order IIR smoother along time (initial state
 * as scipy.signal.lfilter_zi, i.e. as if the input had been 1 forever), adaptive gain control, then
 * root (or log) compression. Input must be non-negative (a magnitude or power spectrogram); the output
 * keeps the input's element type and is labelled scale 'magnitude' (PCEN values are not dB).
 */
export declare function pcen(spec: Spectrogram, params?: PcenParamsInput): Spectrogram;
