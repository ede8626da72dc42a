import { BirdcallError } from "../errors.js";
import { checkMatrices } from "./types.js";
/**
 * Bin of a score among `bins` equal-width bins on [0, 1]: [0, 1/bins), …, [(bins-1)/bins, 1]. Scores outside
 * [0, 1] (a model emitting logits) are clamped to the end bins rather than dropped, so the counts stay whole.
 */
export function binOf(score, bins) {
    const b = Math.floor(score * bins);
    return b < 0 ? 0 : b >= bins ? bins - 1 : b;
}
/**
 * Expected calibration error, per class then averaged: for class c, ECE_c = sum over bins of
 * (n_b / n) * |mean score_b - mean label_b|, i.e. how far the stated probabilities are from observed
 * frequencies. Per class because a multi-label model's classes are separate binary predictors.
 */
export function expectedCalibrationError(truth, scores, bins = 10) {
    const classes = checkMatrices(truth, scores, 'expectedCalibrationError');
    if (!Number.isInteger(bins) || bins < 1) {
        throw new BirdcallError('PARAM_INVALID', `expectedCalibrationError: bins must be a whole number >= 1, got ${bins}`);
    }
    const n = truth.length;
    const gap = new Float64Array(bins);
    const pooledCount = new Float64Array(bins);
    const pooledScore = new Float64Array(bins);
    const pooledLabel = new Float64Array(bins);
    const perClass = [];
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
        for (let b = 0; b < bins; b++)
            ece += Math.abs(gap[b]);
        perClass.push(ece / n);
    }
    const value = perClass.reduce((a, b) => a + b, 0) / classes;
    const reliability = {
        binEdges: Array.from({ length: bins + 1 }, (_, b) => b / bins),
        meanConfidence: Array.from(pooledScore, (s, b) => (pooledCount[b] > 0 ? s / pooledCount[b] : null)),
        observedFrequency: Array.from(pooledLabel, (t, b) => (pooledCount[b] > 0 ? t / pooledCount[b] : null)),
        count: Array.from(pooledCount),
    };
    return { value, perClass, reliability };
}
//# sourceMappingURL=calibration.js.map