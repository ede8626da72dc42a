import { BirdcallError } from '../errors.ts';
import { checkMatrices, type LabelMatrix, type ScoreMatrix } from './types.ts';

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
 *
 * @param score - a probability (values outside [0, 1] go to the end bins).
 * @param bins - number of bins (a whole number >= 1).
 * @returns the bin index, 0 to bins - 1.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * assert.equal(metrics.binOf(0.95, 10), 9);
 * assert.equal(metrics.binOf(1, 10), 9); // 1 closes the last bin
 * assert.equal(metrics.binOf(-0.2, 10), 0);
 * ```
 */
export function binOf(score: number, bins: number): number {
  const b = Math.floor(score * bins);
  return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}

/**
 * Expected calibration error, per class then averaged: for class c, ECE_c = sum over bins of
 * (n_b / n) * |mean score_b - mean label_b|, i.e. how far the stated probabilities are from observed
 * frequencies. Per class because a multi-label model's classes are separate binary predictors.
 *
 * This is the plain (plug-in) ECE of the literature. Binning noise only adds to it, so even a perfectly
 * calibrated model scores above 0 on a finite set (about 0.1 on 120 examples with 10 bins); compare models
 * on the same set, or use the selector's bias-corrected estimate and interval (`selectModels`).
 *
 * @param truth - labels, rows x classes, 0/1 or weights in [0, 1].
 * @param scores - probabilities, same shape.
 * @param bins - equal-width score bins on [0, 1] (count, default 10).
 * @returns `value` (mean over classes, in [0, 1], lower is better), `perClass`, and the pooled reliability diagram.
 * @throws BirdcallError METRIC_SHAPE, METRIC_EMPTY, METRIC_LABEL or METRIC_SCORE for bad matrices, PARAM_INVALID for bins.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * // One class, four examples in four bins: gaps 0.9-1, 0.1-0, 0.8-1, 0.6-1 -> (0.1 + 0.1 + 0.2 + 0.4) / 4
 * const ece = metrics.expectedCalibrationError([[1], [0], [1], [1]], [[0.9], [0.1], [0.8], [0.6]]);
 * assert.ok(Math.abs(ece.value - 0.2) < 1e-12);
 * assert.equal(ece.reliability.count[9], 1); // the 0.9 sits in the last of 10 bins
 * ```
 */
export function expectedCalibrationError(truth: LabelMatrix, scores: ScoreMatrix, bins = 10): CalibrationError {
  const classes = checkMatrices(truth, scores, 'expectedCalibrationError');
  if (!Number.isInteger(bins) || bins < 1) {
    throw new BirdcallError('PARAM_INVALID', `expectedCalibrationError: bins must be a whole number >= 1, got ${bins}`);
  }
  const n = truth.length;
  const gap = new Float64Array(bins);
  const pooledCount = new Float64Array(bins);
  const pooledScore = new Float64Array(bins);
  const pooledLabel = new Float64Array(bins);
  const perClass: number[] = [];
  for (let c = 0; c < classes; c++) {
    gap.fill(0);
    for (let i = 0; i < n; i++) {
      const s = scores[i][c];
      const t = truth[i][c];
      const b = binOf(s, bins);
      gap[b] += s - t;
      pooledCount[b] += 1;
      pooledScore[b] += s;
      pooledLabel[b] += t;
    }
    // (n_b / n) * |sum(s - t) / n_b| = |sum(s - t)| / n: no division per bin needed.
    let ece = 0;
    for (let b = 0; b < bins; b++) ece += Math.abs(gap[b]);
    perClass.push(ece / n);
  }
  const value = perClass.reduce((a, b) => a + b, 0) / classes;
  const reliability: Reliability = {
    binEdges: Array.from({ length: bins + 1 }, (_, b) => b / bins),
    meanConfidence: Array.from(pooledScore, (s, b) => (pooledCount[b] > 0 ? s / pooledCount[b] : null)),
    observedFrequency: Array.from(pooledLabel, (t, b) => (pooledCount[b] > 0 ? t / pooledCount[b] : null)),
    count: Array.from(pooledCount),
  };
  return { value, perClass, reliability };
}
