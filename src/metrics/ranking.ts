import { checkVectors } from './types.ts';

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

/**
 * Sort one class's scores once, for `aucFromRanking` and `apFromRanking` (which then cost one pass each).
 *
 * @param scores - one score per example (any real numbers; only their order matters).
 * @returns example indices by descending score (ties by index) and the start of each run of equal scores.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * const ranked = metrics.rankScores([0.2, 0.9, 0.2]);
 * assert.deepEqual(Array.from(ranked.order), [1, 0, 2]); // 0.9 first, then the two tied 0.2s
 * assert.deepEqual(Array.from(ranked.groupStarts), [0, 1, 3]); // groups [0, 1) and [1, 3), then n
 * ```
 */
export function rankScores(scores: ArrayLike<number>): RankedScores {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  const starts: number[] = [];
  for (let k = 0; k < n; k++) if (k === 0 || scores[order[k]] !== scores[order[k - 1]]) starts.push(k);
  starts.push(n);
  return { order, groupStarts: Int32Array.from(starts) };
}

/**
 * ROC-AUC from a ranking: the Mann-Whitney statistic, a tied positive/negative pair earning half credit
 * (which is what sklearn's trapezoidal ROC area equals). `pos[i]`/`neg[i]` are example i's positive and
 * negative mass (t and 1 - t for a label t), `weight[i]` multiplies both (null = all ones).
 * Returns NaN when there are no positives or no negatives.
 * Hot loop (called classes x candidates x resamples times): one pass, no allocation.
 *
 * @param ranked - `rankScores` of the class's scores.
 * @param pos - positive mass per example (the label t, in [0, 1]).
 * @param neg - negative mass per example (1 - t; 0 for an example to leave out of the negatives).
 * @param weight - multiplicity per example (e.g. bootstrap counts), or null for all ones.
 * @returns the AUC in [0, 1]: the weighted fraction of positive-negative pairs ranked the right way.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * const scores = [0.1, 0.4, 0.35, 0.8];
 * const ranked = metrics.rankScores(scores);
 * assert.equal(metrics.aucFromRanking(ranked, [0, 0, 1, 1], [1, 1, 0, 0], null), 0.75);
 * // Counting the negative at 0.4 twice: 4 of 6 pairs right, as if its row were duplicated.
 * assert.equal(metrics.aucFromRanking(ranked, [0, 0, 1, 1], [1, 1, 0, 0], [1, 2, 1, 1]), 4 / 6);
 * ```
 */
export function aucFromRanking(
  ranked: RankedScores,
  pos: ArrayLike<number>,
  neg: ArrayLike<number>,
  weight: ArrayLike<number> | null,
): number {
  const { order, groupStarts } = ranked;
  let posTotal = 0; // positive mass seen so far (ranked above the current group)
  let negTotal = 0;
  let wins = 0; // positive-over-negative pairs, ties counted half
  for (let g = 0; g + 1 < groupStarts.length; g++) {
    let posGroup = 0;
    let negGroup = 0;
    for (let k = groupStarts[g]; k < groupStarts[g + 1]; k++) {
      const i = order[k];
      const w = weight === null ? 1 : weight[i];
      posGroup += w * pos[i];
      negGroup += w * neg[i];
    }
    // Walking from the top, a negative loses to every positive already seen and to half of those tied with
    // it, so one pass counts all pairs.
    wins += negGroup * (posTotal + 0.5 * posGroup);
    posTotal += posGroup;
    negTotal += negGroup;
  }
  if (posTotal <= 0 || negTotal <= 0) return Number.NaN;
  return wins / (posTotal * negTotal);
}

/**
 * Average precision as sklearn's `average_precision_score`: AP = sum_k (R_k - R_{k-1}) P_k over the distinct
 * score thresholds from the top (tied examples enter together). With no positive mass the recall is constant
 * and AP is 0, as in sklearn. `extraTop` positives of weight 1 score above or tied with everything (the cmAP
 * padding rows, score 1): they are passed as a count so the bootstrap need not copy arrays.
 * Hot loop: one pass, no allocation.
 *
 * @param ranked - `rankScores(scores)`.
 * @param scores - the scores themselves (only read to find those tied with the padding rows at 1).
 * @param pos - positive mass per example (the label t, in [0, 1]).
 * @param neg - negative mass per example (1 - t).
 * @param weight - multiplicity per example, or null for all ones.
 * @param extraTop - rows of label 1 and score 1 appended (cmAP padding; default 0).
 * @returns the AP in [0, 1]; 0 without positive mass.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * const scores = [0.1, 0.4, 0.35, 0.8];
 * const ranked = metrics.rankScores(scores);
 * assert.equal(metrics.apFromRanking(ranked, scores, [0, 0, 1, 1], [1, 1, 0, 0], null).toFixed(4), '0.8333'); // as sklearn
 * // Five padding rows (BirdCLEF 2023) lift it towards 1.
 * assert.equal(metrics.apFromRanking(ranked, scores, [0, 0, 1, 1], [1, 1, 0, 0], null, 5), metrics.paddedCmap([[0], [0], [1], [1]], [[0.1], [0.4], [0.35], [0.8]]));
 * ```
 */
export function apFromRanking(
  ranked: RankedScores,
  scores: ArrayLike<number>,
  pos: ArrayLike<number>,
  neg: ArrayLike<number>,
  weight: ArrayLike<number> | null,
  extraTop = 0,
): number {
  const { order, groupStarts } = ranked;
  let posTotal = extraTop;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    posTotal += (weight === null ? 1 : weight[i]) * pos[i];
  }
  if (posTotal <= 0) return 0;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let g = 0;
  // Padding rows score 1; examples scoring >= 1 tie with (or beat) them, so they share the first threshold.
  if (extraTop > 0) {
    tp = extraTop;
    while (g + 1 < groupStarts.length && scores[order[groupStarts[g]]] >= 1) {
      for (let k = groupStarts[g]; k < groupStarts[g + 1]; k++) {
        const i = order[k];
        const w = weight === null ? 1 : weight[i];
        tp += w * pos[i];
        fp += w * neg[i];
      }
      g++;
    }
    ap += (tp / posTotal) * (tp / (tp + fp));
  }
  for (; g + 1 < groupStarts.length; g++) {
    let tpGroup = 0;
    let fpGroup = 0;
    for (let k = groupStarts[g]; k < groupStarts[g + 1]; k++) {
      const i = order[k];
      const w = weight === null ? 1 : weight[i];
      tpGroup += w * pos[i];
      fpGroup += w * neg[i];
    }
    tp += tpGroup;
    fp += fpGroup;
    // A threshold that adds no positive adds no recall, so it contributes nothing (and may have tp + fp = 0).
    if (tpGroup > 0) ap += (tpGroup / posTotal) * (tp / (tp + fp));
  }
  return ap;
}

/** Positive and negative mass of each example for labels in [0, 1]. */
export function labelMasses(truth: ArrayLike<number>): { pos: Float64Array; neg: Float64Array } {
  const pos = Float64Array.from(truth);
  const neg = pos.map((t) => 1 - t);
  return { pos, neg };
}

/**
 * ROC-AUC of one class (sklearn `roc_auc_score` for binary labels; ties get half credit).
 * NaN when the labels hold no positive or no negative, where sklearn raises.
 *
 * @param truth - one label per example, 0/1 or a weight in [0, 1] (counted as t positive and 1 - t negative).
 * @param scores - one finite score per example (probabilities or logits: only the order matters).
 * @returns the AUC in [0, 1] (0.5 is chance), or NaN.
 * @throws BirdcallError METRIC_SHAPE, METRIC_EMPTY, METRIC_LABEL or METRIC_SCORE for mismatched, empty or invalid input.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * assert.equal(metrics.rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75); // as sklearn's roc_auc_score
 * assert.ok(Number.isNaN(metrics.rocAuc([1, 1], [0.2, 0.9]))); // no negatives: undefined
 * ```
 */
export function rocAuc(truth: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkVectors(truth, scores, 'rocAuc');
  const { pos, neg } = labelMasses(truth);
  return aucFromRanking(rankScores(scores), pos, neg, null);
}

/**
 * Average precision of one class (sklearn `average_precision_score`); 0 when there is no positive.
 *
 * @param truth - one label per example, 0/1 or a weight in [0, 1].
 * @param scores - one finite score per example.
 * @returns the AP in [0, 1]: precision averaged over the recall steps, from the highest score down.
 * @throws BirdcallError METRIC_SHAPE, METRIC_EMPTY, METRIC_LABEL or METRIC_SCORE for mismatched, empty or invalid input.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { metrics } from 'birdcall';
 *
 * assert.equal(metrics.averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).toFixed(4), '0.8333'); // as sklearn's average_precision_score
 * ```
 */
export function averagePrecision(truth: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkVectors(truth, scores, 'averagePrecision');
  const { pos, neg } = labelMasses(truth);
  return apFromRanking(rankScores(scores), scores, pos, neg, null);
}
