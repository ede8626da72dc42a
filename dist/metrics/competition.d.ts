import { type LabelMatrix, type ScoreMatrix } from './types.ts';
/**
 * F1 of one row: the predicted set (classes scoring at least `threshold`) against the true set.
 * Empty-row convention of Cornell 2020, where a row without birds carried the label `nocall` and a
 * prediction of nothing meant `nocall`: both empty scores 1, exactly one empty scores 0.
 * A weighted label t counts t in the true set (soft set sizes), so 0/1 labels give the plain set F1.
 */
export declare function rowF1(truth: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): number;
/**
 * Row-wise micro F1 (Cornell Birdcall Identification 2020): the F1 of each row's predicted label set against
 * its true set, averaged over rows (sklearn `f1_score(average='samples')` with `nocall` as an extra label).
 * A class is predicted when its score is at least `threshold`. See `rowF1` for the empty-row convention.
 */
export declare function rowwiseMicroF1(truth: LabelMatrix, scores: ScoreMatrix, threshold?: number): number;
/**
 * Padded cmAP (BirdCLEF 2023): `padding` rows of ones are appended to both labels and scores, then the
 * macro average over classes of sklearn's average precision. The padding gives every class positives (so
 * none is undefined) and lifts classes with few positives towards 1, as in the competition.
 */
export declare function paddedCmap(truth: LabelMatrix, scores: ScoreMatrix, padding?: number): number;
export interface MacroRocAuc {
    /** Mean AUC over the scored classes; NaN when no class has both positives and negatives. */
    value: number;
    /** Each class's AUC, null for a skipped class. */
    perClass: (number | null)[];
    /** Indices of skipped classes (no positives, as BirdCLEF 2024 skips; or no negatives, where AUC is undefined). */
    skipped: number[];
}
/** Macro ROC-AUC (BirdCLEF 2024): mean one-vs-rest AUC over classes that have positives and negatives. */
export declare function macroRocAuc(truth: LabelMatrix, scores: ScoreMatrix): MacroRocAuc;
/**
 * Precision and recall of each class at a threshold (predicted when score >= threshold). A class never
 * predicted has precision 0 and one with no positives has recall 0 (sklearn's `zero_division=0`).
 * `support` is the positive mass (the count of positives for 0/1 labels).
 */
export declare function perClassPrecisionRecall(truth: LabelMatrix, scores: ScoreMatrix, threshold?: number): {
    precision: number[];
    recall: number[];
    support: number[];
};
/** Index of the highest score; the first one on ties (as numpy's argmax). */
export declare function argmax(scores: ArrayLike<number>): number;
/** Fraction of rows whose highest-scoring class is the primary label (`primaryIndex[i]`, 0-based). */
export declare function top1Accuracy(primaryIndex: ArrayLike<number>, scores: ScoreMatrix): number;
