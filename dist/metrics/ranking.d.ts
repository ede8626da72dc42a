/**
 * A class's examples sorted by score, with tie groups marked. Sorting is the only O(n log n) step of AUC and
 * AP; keeping it separate lets the bootstrap sort once and then re-weight the same order 1000 times.
 */
export interface RankedScores {
    /** Example indices by score, descending. */
    order: Int32Array;
    /** Start offsets (into `order`) of each run of equal scores, plus a final entry equal to n. */
    groupStarts: Int32Array;
}
export declare function rankScores(scores: ArrayLike<number>): RankedScores;
/**
 * ROC-AUC from a ranking: the Mann-Whitney statistic, a tied positive/negative pair earning half credit
 * (which is what sklearn's trapezoidal ROC area equals). `pos[i]`/`neg[i]` are example i's positive and
 * negative mass (t and 1 - t for a label t), `weight[i]` multiplies both (null = all ones).
 * Returns NaN when there are no positives or no negatives.
 * Hot loop (called classes x candidates x resamples times): one pass, no allocation.
 */
export declare function aucFromRanking(ranked: RankedScores, pos: ArrayLike<number>, neg: ArrayLike<number>, weight: ArrayLike<number> | null): number;
/**
 * Average precision as sklearn's `average_precision_score`: AP = sum_k (R_k - R_{k-1}) P_k over the distinct
 * score thresholds from the top (tied examples enter together). With no positive mass the recall is constant
 * and AP is 0, as in sklearn. `extraTop` positives of weight 1 score above or tied with everything (the cmAP
 * padding rows, score 1): they are passed as a count so the bootstrap need not copy arrays.
 * Hot loop: one pass, no allocation.
 */
export declare function apFromRanking(ranked: RankedScores, scores: ArrayLike<number>, pos: ArrayLike<number>, neg: ArrayLike<number>, weight: ArrayLike<number> | null, extraTop?: number): number;
/** Positive and negative mass of each example for labels in [0, 1]. */
export declare function labelMasses(truth: ArrayLike<number>): {
    pos: Float64Array;
    neg: Float64Array;
};
/**
 * ROC-AUC of one class (sklearn `roc_auc_score` for binary labels; ties get half credit).
 * NaN when the labels hold no positive or no negative, where sklearn raises.
 */
export declare function rocAuc(truth: ArrayLike<number>, scores: ArrayLike<number>): number;
/** Average precision of one class (sklearn `average_precision_score`); 0 when there is no positive. */
export declare function averagePrecision(truth: ArrayLike<number>, scores: ArrayLike<number>): number;
