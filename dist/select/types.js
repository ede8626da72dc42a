import { z } from 'zod';
export const MAIN_METRICS = ['macroRocAuc', 'paddedCmap', 'rowwiseMicroF1'];
/** The criteria that rank the tie set. */
export const CRITERIA = ['worstSlice', 'secondary', 'calibration', 'stability'];
/**
 * The default rule, in order. Lexicographic, each criterion deciding only when its paired bootstrap
 * difference is clear (interval excludes 0), otherwise passing to the next:
 *  1. worstSlice: a model is only as good as its weakest subpopulation; the worst slice (call type,
 *     recording quality, region, recordist) is the best proxy on hand for the unseen recording conditions
 *     of a test set, which is where tied models part ways;
 *  2. secondary: competition test labels include every audible species, so hearing the background species
 *     is the next most direct evidence of the skill the leaderboard rewards;
 *  3. calibration: matters for thresholded use (F1, detection), but a monotone recalibration (temperature
 *     scaling) repairs it without retraining, so it ranks below skills that cannot be patched later;
 *  4. stability: measured against the other tied models, not against the truth, so it only breaks ties.
 * Lexicographic rather than weighted because weights need a common scale the criteria do not have (AUC
 * points versus ECE versus a disagreement rate), and because a criterion that is statistically tied then
 * cannot tip the choice by noise. If everything ties, the best main-metric estimate wins.
 */
export const DEFAULT_ORDER = ['worstSlice', 'secondary', 'calibration', 'stability'];
const criterionWeights = z
    .object({
    worstSlice: z.number().min(0).default(0).describe('weight of the worst-slice main metric (unitless)'),
    secondary: z.number().min(0).default(0).describe('weight of the secondary-label AUC (unitless)'),
    calibration: z.number().min(0).default(0).describe('weight of the (negated) calibration error (unitless)'),
    stability: z.number().min(0).default(0).describe('weight of the (negated) tie-set disagreement (unitless)'),
})
    .strict();
export const SelectOptionsSchema = z
    .object({
    mainMetric: z
        .enum(MAIN_METRICS)
        .default('macroRocAuc')
        .describe('metric on primary labels that defines the tie set: macroRocAuc (BirdCLEF 2024), paddedCmap (2023) or rowwiseMicroF1 (Cornell 2020)'),
    bootstrap: z
        .number()
        .int()
        .min(1000)
        .default(1000)
        .describe('number of paired bootstrap resamples over recordings (count, >= 1000)'),
    seed: z.number().int().default(42).describe('seed of the resampling PRNG (integer); same seed, same intervals'),
    confidence: z.number().gt(0).lt(1).default(0.95).describe('coverage of the percentile intervals (fraction)'),
    epsilon: z
        .number()
        .min(0)
        .default(0.005)
        .describe('main-metric difference to the best below which a candidate is tied even if its interval excludes 0 (metric units)'),
    criterionEpsilon: z
        .number()
        .min(0)
        .default(0)
        .describe('difference on a tie-set criterion below which it does not decide (criterion units)'),
    sliceColumns: z
        .array(z.string().min(1))
        .optional()
        .describe("metadata columns to slice by; 'region' derives from latitude/longitude, 'rating' is binned; default type, rating, region, recordist where present"),
    minSliceSize: z
        .number()
        .int()
        .min(1)
        .default(10)
        .describe('slices with fewer recordings than this are merged into "other" or flagged (recordings); below ~10 a slice interval is too wide to decide anything and the worst slice would just be the noisiest'),
    smallSlices: z
        .enum(['merge', 'flag'])
        .default('merge')
        .describe("'merge': small slices of a column pool into 'other'; 'flag': they are reported but excluded from the worst slice"),
    regionCellDegrees: z
        .number()
        .gt(0)
        .max(180)
        .default(10)
        .describe('size of the latitude/longitude grid cell that defines a region (degrees)'),
    calibrationBins: z.number().int().min(1).default(10).describe('equal-width score bins for the calibration error (count)'),
    threshold: z.number().min(0).max(1).default(0.5).describe('score at or above which a class is predicted, for rowwiseMicroF1 (probability)'),
    padding: z.number().int().min(0).default(5).describe('rows of ones appended for paddedCmap (rows)'),
    rule: z
        .union([
        z.object({ kind: z.literal('lexicographic'), order: z.array(z.enum(CRITERIA)).min(1) }).strict(),
        z.object({ kind: z.literal('weights'), weights: criterionWeights }).strict(),
    ])
        .default({ kind: 'lexicographic', order: [...DEFAULT_ORDER] })
        .describe('how the tie-set criteria combine: lexicographic order (default: worstSlice, secondary, calibration, stability) or weights'),
})
    .strict();
//# sourceMappingURL=types.js.map