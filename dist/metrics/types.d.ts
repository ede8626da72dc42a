/**
 * Labels: one row per example, one column per class. Entries are 0/1, or a weight in [0, 1] (e.g. secondary
 * species trained at 0.5). A weighted entry t counts as t of a positive and 1 - t of a negative, which is
 * exactly sklearn's `sample_weight` semantics applied to a duplicated row; for 0/1 labels every metric here
 * equals its sklearn / competition definition.
 */
export type LabelMatrix = ArrayLike<number>[];
/** Model scores (probabilities), same shape as the labels. */
export type ScoreMatrix = ArrayLike<number>[];
/** Throws unless truth and scores are non-empty, equally shaped, finite, and labels lie in [0, 1]. */
export declare function checkMatrices(truth: LabelMatrix, scores: ScoreMatrix, what: string): number;
/** Throws unless a single class's labels and scores are non-empty, equally long and valid. */
export declare function checkVectors(truth: ArrayLike<number>, scores: ArrayLike<number>, what: string): void;
/** Column c of a matrix as a Float64Array (the per-class metrics work on columns). */
export declare function column(matrix: ArrayLike<number>[], c: number): Float64Array;
