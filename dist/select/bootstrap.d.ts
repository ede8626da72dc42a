import { mulberry32 } from '../random.ts';
import type { Estimate } from './types.ts';
export { mulberry32 };
/**
 * Paired cluster bootstrap: each resample draws `recordings` recordings with replacement and yields how many
 * times each was drawn, then every row weight (a row inherits its recording's count). Chunks of a recording
 * are correlated, so resampling them apart would understate the variance; and every candidate is scored on
 * the same draw so differences between candidates are paired. `counts` and `rowWeights` are reused between
 * resamples (no allocation per resample): consume them before asking for the next.
 */
export declare function resampleWeights(rowRecording: Int32Array, recordings: number, resamples: number, seed: number): Generator<{
    counts: Float64Array;
    rowWeights: Float64Array;
}>;
/** Quantile with linear interpolation between order statistics (numpy's default), ignoring NaN. */
export declare function quantile(sortedFinite: ArrayLike<number>, q: number): number;
/**
 * Percentile interval of bootstrap replicates around a full-sample value. Replicates that are NaN (a
 * resample where the metric is undefined, e.g. a slice drew no positives) are left out; if more than half
 * are, the interval is reported as unknown rather than built from a biased remainder.
 */
export declare function percentileInterval(value: number, replicates: Float64Array, confidence: number): Estimate;
/** Replicates of a - b, paired per resample. */
export declare function pairedDifference(a: Float64Array, b: Float64Array): Float64Array;
/** True when the interval of a difference contains 0 (or is unknown: no evidence of a difference). */
export declare function containsZero(e: Estimate): boolean;
