import { z } from 'zod';
import type { Spectrogram } from './types.ts';
export declare const normalizeParams: z.ZodObject<{
    method: z.ZodDefault<z.ZodEnum<{
        minmax: "minmax";
        standardize: "standardize";
    }>>;
}, z.core.$strip>;
export type NormalizeParams = z.output<typeof normalizeParams>;
export type NormalizeParamsInput = z.input<typeof normalizeParams>;
/**
 * What normalization did, stored in the output's `params.normalize` so it can be undone and so image
 * encoding knows the values are no longer dB.
 */
export type NormalizeRecord = {
    method: 'minmax';
    min: number;
    max: number;
} | {
    method: 'standardize';
    mean: number;
    std: number;
};
/**
 * Scales one spectrogram (one chunk) on its own statistics. Statistics use finite values only; NaN and
 * ±Inf pass through unchanged so that downstream checks still see them (the PNG encoder maps them to its
 * minimum and counts them). A constant spectrogram becomes all zeros rather than 0/0 = NaN.
 * `standardize` uses the population standard deviation (ddof = 0), as numpy's `std` and sklearn's
 * StandardScaler do.
 */
export declare function normalizeSpectrogram(spec: Spectrogram, params?: NormalizeParamsInput): Spectrogram;
/** The normalization recorded on a spectrogram by `normalizeSpectrogram`, if any. */
export declare function normalizationOf(spec: Spectrogram): NormalizeRecord | undefined;
