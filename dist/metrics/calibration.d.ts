import { type LabelMatrix, type ScoreMatrix } from './types.ts';
/** Reliability-diagram data, pooled over every (example, class) pair. Empty bins hold null. */
export interface Reliability {
    /** bins + 1 edges from 0 to 1. */
    binEdges: number[];
    /** Mean score of the pairs in each bin. */
    meanConfidence: (number | null)[];
    /** Mean label (fraction of positives) of the pairs in each bin. */
    observedFrequency: (number | null)[];
    count: number[];
}
export interface CalibrationError {
    /** Mean over classes of each class's ECE. */
    value: number;
    perClass: number[];
    reliability: Reliability;
}
/**
 * Bin of a score among `bins` equal-width bins on [0, 1]: [0, 1/bins), …, [(bins-1)/bins, 1]. Scores outside
 * [0, 1] (a model emitting logits) are clamped to the end bins rather than dropped, so the counts stay whole.
 */
export declare function binOf(score: number, bins: number): number;
/**
 * Expected calibration error, per class then averaged: for class c, ECE_c = sum over bins of
 * (n_b / n) * |mean score_b - mean label_b|, i.e. how far the stated probabilities are from observed
 * frequencies. Per class because a multi-label model's classes are separate binary predictors.
 */
export declare function expectedCalibrationError(truth: LabelMatrix, scores: ScoreMatrix, bins?: number): CalibrationError;
