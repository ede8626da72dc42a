import { z } from 'zod';
import type { Spectrogram } from './types.ts';
/**
 * power_to_db parameters with librosa's defaults. Note librosa's function default is ref = 1.0 (absolute
 * dB); the birdcall CLI and blocks pass ref: 'max' (0 dB at the loudest cell, librosa's usual
 * `ref=np.max`).
 */
export declare const dbParams: z.ZodObject<{
    ref: z.ZodDefault<z.ZodUnion<readonly [z.ZodNumber, z.ZodLiteral<"max">]>>;
    amin: z.ZodDefault<z.ZodNumber>;
    topDb: z.ZodDefault<z.ZodNullable<z.ZodNumber>>;
}, z.core.$strip>;
export type DbParamsInput = z.input<typeof dbParams>;
/** amplitude_to_db parameters: librosa's defaults (amin 1e-5 in amplitude units, i.e. 1e-10 in power). */
export declare const amplitudeDbParams: z.ZodObject<{
    ref: z.ZodDefault<z.ZodUnion<readonly [z.ZodNumber, z.ZodLiteral<"max">]>>;
    topDb: z.ZodDefault<z.ZodNullable<z.ZodNumber>>;
    amin: z.ZodDefault<z.ZodNumber>;
}, z.core.$strip>;
export type AmplitudeDbParamsInput = z.input<typeof amplitudeDbParams>;
/**
 * 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), floored at (max - topDb): librosa.power_to_db on raw
 * values. `refValue` is already resolved (a number). Writes into `out` (may be `values` itself).
 */
export declare function powerToDbValues(values: Float32Array | Float64Array, refValue: number, amin: number, topDb: number | null, out?: Float32Array | Float64Array): Float32Array | Float64Array;
/**
 * librosa.power_to_db: a power spectrogram in dB. ref defaults to 1.0 as librosa's; pass ref: 'max'
 * for ref=np.max. The output keeps the input's element type.
 */
export declare function powerToDb(spec: Spectrogram, params?: DbParamsInput): Spectrogram;
/**
 * librosa.amplitude_to_db: 20 log10(S / ref) computed as power_to_db(S^2, ref^2, amin^2, topDb).
 */
export declare function amplitudeToDb(spec: Spectrogram, params?: AmplitudeDbParamsInput): Spectrogram;
