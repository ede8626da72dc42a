import { checkVectors } from "./types.js";
export function rankScores(scores) {
    const n = scores.length;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => scores[b] - scores[a] || a - b);
    const starts = [];
    for (let k = 0; k < n; k++)
        if (k === 0 || scores[order[k]] !== scores[order[k - 1]])
            starts.push(k);
    starts.push(n);
    return { order, groupStarts: Int32Array.from(starts) };
}
/**
 * ROC-AUC from a ranking: the Mann-Whitney statistic, a tied positive/negative pair earning half credit
 * (which is what sklearn's trapezoidal ROC area equals). `pos[i]`/`neg[i]` are example i's positive and
 * negative mass (t and 1 - t for a label t), `weight[i]` multiplies both (null = all ones).
 * Returns NaN when there are no positives or no negatives.
 * Hot loop (called classes x candidates x resamples times): one pass, no allocation.
 */
export function aucFromRanking(ranked, pos, neg, weight) {
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
    if (posTotal <= 0 || negTotal <= 0)
        return Number.NaN;
    return wins / (posTotal * negTotal);
}
/**
 * Average precision as sklearn's `average_precision_score`: AP = sum_k (R_k - R_{k-1}) P_k over the distinct
 * score thresholds from the top (tied examples enter together). With no positive mass the recall is constant
 * and AP is 0, as in sklearn. `extraTop` positives of weight 1 score above or tied with everything (the cmAP
 * padding rows, score 1): they are passed as a count so the bootstrap need not copy arrays.
 * Hot loop: one pass, no allocation.
 */
export function apFromRanking(ranked, scores, pos, neg, weight, extraTop = 0) {
    const { order, groupStarts } = ranked;
    let posTotal = extraTop;
    for (let k = 0; k < order.length; k++) {
        const i = order[k];
        posTotal += (weight === null ? 1 : weight[i]) * pos[i];
    }
    if (posTotal <= 0)
        return 0;
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
        if (tpGroup > 0)
            ap += (tpGroup / posTotal) * (tp / (tp + fp));
    }
    return ap;
}
/** Positive and negative mass of each example for labels in [0, 1]. */
export function labelMasses(truth) {
    const pos = Float64Array.from(truth);
    const neg = pos.map((t) => 1 - t);
    return { pos, neg };
}
/**
 * ROC-AUC of one class (sklearn `roc_auc_score` for binary labels; ties get half credit).
 * NaN when the labels hold no positive or no negative, where sklearn raises.
 */
export function rocAuc(truth, scores) {
    checkVectors(truth, scores, 'rocAuc');
    const { pos, neg } = labelMasses(truth);
    return aucFromRanking(rankScores(scores), pos, neg, null);
}
/** Average precision of one class (sklearn `average_precision_score`); 0 when there is no positive. */
export function averagePrecision(truth, scores) {
    checkVectors(truth, scores, 'averagePrecision');
    const { pos, neg } = labelMasses(truth);
    return apFromRanking(rankScores(scores), scores, pos, neg, null);
}
//# sourceMappingURL=ranking.js.map