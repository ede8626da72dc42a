import { BirdcallError } from '../errors.ts';
import { apFromRanking, aucFromRanking, labelMasses, rankScores } from './ranking.ts';
import { checkMatrices, column, type LabelMatrix, type ScoreMatrix } from './types.ts';

/**
 * F1 of one row: the predicted set (classes scoring at least `threshold`) against the true set.
 * Empty-row convention of Cornell 2020, where a row without birds carried the label `nocall` and a
 * prediction of nothing meant `nocall`: both empty scores 1, exactly one empty scores 0.
 * A weighted label t counts t in the true set (soft set sizes), so 0/1 labels give the plain set F1.
 *
 * @param truth - one row's labels, 0/1 or weights in [0, 1].
 * @param scores - the row's scores.
 * @param threshold - a class is predicted when its score is at least this (probability).
 * @returns the F1 in [0, 1].
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * assert.equal(metrics.rowF1([0, 1, 1], [0.1, 0.8, 0.3], 0.5), 2 / 3); // predicted {1}, true {1, 2}
 * assert.equal(metrics.rowF1([0, 0], [0.1, 0.2], 0.5), 1); // nocall predicted for a nocall row
 * ```
 */
export function rowF1(truth: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let c = 0; c < truth.length; c++) {
    if (scores[c] >= threshold) {
      tp += truth[c];
      fp += 1 - truth[c];
    } else {
      fn += truth[c];
    }
  }
  const trueSize = tp + fn;
  const predictedSize = tp + fp;
  if (trueSize === 0 && predictedSize === 0) return 1; // nocall predicted for a nocall row
  if (trueSize === 0 || predictedSize === 0) return 0; // nocall on only one side
  return (2 * tp) / (2 * tp + fp + fn);
}

/**
 * Row-wise micro F1 (Cornell Birdcall Identification 2020): the F1 of each row's predicted label set against
 * its true set, averaged over rows (sklearn `f1_score(average='samples')` with `nocall` as an extra label).
 * A class is predicted when its score is at least `threshold`. See `rowF1` for the empty-row convention.
 *
 * @param truth - labels, rows x classes, 0/1 or weights in [0, 1].
 * @param scores - scores, same shape.
 * @param threshold - probability at or above which a class is predicted (default 0.5).
 * @returns the mean row F1, in [0, 1].
 * @throws BirdcallError METRIC_SHAPE, METRIC_EMPTY, METRIC_LABEL or METRIC_SCORE for bad matrices.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * const truth = [[1, 0, 0], [0, 1, 1]];
 * const scores = [[0.9, 0.2, 0.1], [0.1, 0.8, 0.3]];
 * assert.equal(metrics.rowwiseMicroF1(truth, scores), (1 + 2 / 3) / 2); // row 2 misses class 2
 * assert.equal(metrics.rowwiseMicroF1(truth, scores, 0.25), 1); // a lower threshold catches it
 * ```
 */
export function rowwiseMicroF1(truth: LabelMatrix, scores: ScoreMatrix, threshold = 0.5): number {
  checkMatrices(truth, scores, 'rowwiseMicroF1');
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += rowF1(truth[i], scores[i], threshold);
  return sum / truth.length;
}

/**
 * Padded cmAP (BirdCLEF 2023): `padding` rows of ones are appended to both labels and scores, then the
 * macro average over classes of sklearn's average precision. The padding gives every class positives (so
 * none is undefined) and lifts classes with few positives towards 1, as in the competition.
 *
 * @param truth - labels, rows x classes, 0/1 or weights in [0, 1].
 * @param scores - scores, same shape.
 * @param padding - rows of ones appended (rows, a whole number >= 0; default 5 as in BirdCLEF 2023; 0 gives plain macro AP).
 * @returns the padded cmAP, in [0, 1].
 * @throws BirdcallError METRIC_SHAPE, METRIC_EMPTY, METRIC_LABEL or METRIC_SCORE for bad matrices, PARAM_INVALID for padding.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * const truth = [[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 0, 0]];
 * const scores = [[0.8, 0.1, 0.3], [0.3, 0.7, 0.2], [0.6, 0.4, 0.1], [0.2, 0.3, 0.4]];
 * assert.equal(metrics.paddedCmap(truth, scores, 0), 0.75); // classes 0 and 1 perfect, class 2's positive ranked last (AP 0.25)
 * assert.ok(metrics.paddedCmap(truth, scores) > 0.98); // five rows of ones swamp that one bad class
 * ```
 */
export function paddedCmap(truth: LabelMatrix, scores: ScoreMatrix, padding = 5): number {
  const classes = checkMatrices(truth, scores, 'paddedCmap');
  if (!Number.isInteger(padding) || padding < 0) {
    throw new BirdcallError('PARAM_INVALID', `paddedCmap: padding must be a whole number >= 0, got ${padding}`);
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const s = column(scores, c);
    const { pos, neg } = labelMasses(column(truth, c));
    sum += apFromRanking(rankScores(s), s, pos, neg, null, padding);
  }
  return sum / classes;
}

export interface MacroRocAuc {
  /** Mean AUC over the scored classes; NaN when no class has both positives and negatives. */
  value: number;
  /** Each class's AUC, null for a skipped class. */
  perClass: (number | null)[];
  /** Indices of skipped classes (no positives, as BirdCLEF 2024 skips; or no negatives, where AUC is undefined). */
  skipped: number[];
}

/**
 * Macro ROC-AUC (BirdCLEF 2024): mean one-vs-rest AUC over classes that have positives and negatives.
 *
 * @param truth - labels, rows x classes, 0/1 or weights in [0, 1].
 * @param scores - scores, same shape (only each column's order matters).
 * @returns `value` (in [0, 1], 0.5 is chance; NaN if no class can be scored), each class's AUC and the skipped classes.
 * @throws BirdcallError METRIC_SHAPE, METRIC_EMPTY, METRIC_LABEL or METRIC_SCORE for bad matrices.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * const truth = [[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 0, 0]];
 * const scores = [[0.8, 0.1, 0.3], [0.3, 0.7, 0.2], [0.6, 0.4, 0.1], [0.2, 0.3, 0.4]];
 * const auc = metrics.macroRocAuc(truth, scores);
 * assert.deepEqual(auc.perClass, [1, 1, 0]);
 * assert.equal(auc.value, 2 / 3);
 * assert.deepEqual(metrics.macroRocAuc([[1, 0], [1, 0]], [[0.9, 0.1], [0.8, 0.3]]).skipped, [0, 1]); // no negatives, no positives
 * ```
 */
export function macroRocAuc(truth: LabelMatrix, scores: ScoreMatrix): MacroRocAuc {
  const classes = checkMatrices(truth, scores, 'macroRocAuc');
  const perClass: (number | null)[] = [];
  const skipped: number[] = [];
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const { pos, neg } = labelMasses(column(truth, c));
    const auc = aucFromRanking(rankScores(column(scores, c)), pos, neg, null);
    if (Number.isNaN(auc)) {
      perClass.push(null);
      skipped.push(c);
    } else {
      perClass.push(auc);
      sum += auc;
    }
  }
  const scored = classes - skipped.length;
  return { value: scored > 0 ? sum / scored : Number.NaN, perClass, skipped };
}

/**
 * Precision and recall of each class at a threshold (predicted when score >= threshold). A class never
 * predicted has precision 0 and one with no positives has recall 0 (sklearn's `zero_division=0`).
 * `support` is the positive mass (the count of positives for 0/1 labels).
 *
 * @param truth - labels, rows x classes, 0/1 or weights in [0, 1].
 * @param scores - scores, same shape.
 * @param threshold - probability at or above which a class is predicted (default 0.5).
 * @returns per class: precision and recall in [0, 1], and support.
 * @throws BirdcallError METRIC_SHAPE, METRIC_EMPTY, METRIC_LABEL or METRIC_SCORE for bad matrices.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * const pr = metrics.perClassPrecisionRecall([[1, 0], [1, 1], [0, 1]], [[0.9, 0.6], [0.3, 0.7], [0.2, 0.1]]);
 * assert.deepEqual(pr.precision, [1, 0.5]); // class 1 predicted twice, right once
 * assert.deepEqual(pr.recall, [0.5, 0.5]);
 * assert.deepEqual(pr.support, [2, 2]);
 * ```
 */
export function perClassPrecisionRecall(
  truth: LabelMatrix,
  scores: ScoreMatrix,
  threshold = 0.5,
): { precision: number[]; recall: number[]; support: number[] } {
  const classes = checkMatrices(truth, scores, 'perClassPrecisionRecall');
  const precision: number[] = [];
  const recall: number[] = [];
  const support: number[] = [];
  for (let c = 0; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    let positives = 0;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i][c];
      positives += t;
      if (scores[i][c] >= threshold) {
        tp += t;
        fp += 1 - t;
      }
    }
    precision.push(tp + fp > 0 ? tp / (tp + fp) : 0);
    recall.push(positives > 0 ? tp / positives : 0);
    support.push(positives);
  }
  return { precision, recall, support };
}

/**
 * Index of the highest score; the first one on ties (as numpy's argmax).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * assert.equal(metrics.argmax([0.1, 0.7, 0.7]), 1);
 * ```
 */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c;
  return best;
}

/**
 * Fraction of rows whose highest-scoring class is the primary label (`primaryIndex[i]`, 0-based).
 *
 * @param primaryIndex - each row's primary class index.
 * @param scores - scores, rows x classes.
 * @returns the accuracy, in [0, 1].
 * @throws BirdcallError METRIC_SHAPE, METRIC_EMPTY, or METRIC_LABEL for an index outside the classes.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * assert.equal(metrics.top1Accuracy([0, 1], [[0.9, 0.1], [0.6, 0.4]]), 0.5);
 * ```
 */
export function top1Accuracy(primaryIndex: ArrayLike<number>, scores: ScoreMatrix): number {
  if (primaryIndex.length !== scores.length) {
    throw new BirdcallError(
      'METRIC_SHAPE',
      `top1Accuracy: ${primaryIndex.length} primary labels but ${scores.length} score rows`,
    );
  }
  if (scores.length === 0) throw new BirdcallError('METRIC_EMPTY', 'top1Accuracy: no rows to score');
  let hits = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = primaryIndex[i];
    if (!Number.isInteger(p) || p < 0 || p >= scores[i].length) {
      throw new BirdcallError(
        'METRIC_LABEL',
        `top1Accuracy: primary index ${p} in row ${i} is not a class index (0..${scores[i].length - 1})`,
      );
    }
    if (argmax(scores[i]) === p) hits++;
  }
  return hits / scores.length;
}
