import { BirdcallError } from "../errors.js";
import { apFromRanking, aucFromRanking, labelMasses, rankScores } from "./ranking.js";
import { checkMatrices, column } from "./types.js";
/**
 * F1 of one row: the predicted set (classes scoring at least `threshold`) against the true set.
 * Empty-row convention of Cornell 2020, where a row without birds carried the label `nocall` and a
 * prediction of nothing meant `nocall`: both empty scores 1, exactly one empty scores 0.
 * A weighted label t counts t in the true set (soft set sizes), so 0/1 labels give the plain set F1.
 */
export function rowF1(truth, scores, threshold) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let c = 0; c < truth.length; c++) {
        if (scores[c] >= threshold) {
            tp += truth[c];
            fp += 1 - truth[c];
        }
        else {
            fn += truth[c];
        }
    }
    const trueSize = tp + fn;
    const predictedSize = tp + fp;
    if (trueSize === 0 && predictedSize === 0)
        return 1; // nocall predicted for a nocall row
    if (trueSize === 0 || predictedSize === 0)
        return 0; // nocall on only one side
    return (2 * tp) / (2 * tp + fp + fn);
}
/**
 * Row-wise micro F1 (Cornell Birdcall Identification 2020): the F1 of each row's predicted label set against
 * its true set, averaged over rows (sklearn `f1_score(average='samples')` with `nocall` as an extra label).
 * A class is predicted when its score is at least `threshold`. See `rowF1` for the empty-row convention.
 */
export function rowwiseMicroF1(truth, scores, threshold = 0.5) {
    checkMatrices(truth, scores, 'rowwiseMicroF1');
    let sum = 0;
    for (let i = 0; i < truth.length; i++)
        sum += rowF1(truth[i], scores[i], threshold);
    return sum / truth.length;
}
/**
 * Padded cmAP (BirdCLEF 2023): `padding` rows of ones are appended to both labels and scores, then the
 * macro average over classes of sklearn's average precision. The padding gives every class positives (so
 * none is undefined) and lifts classes with few positives towards 1, as in the competition.
 */
export function paddedCmap(truth, scores, padding = 5) {
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
/** Macro ROC-AUC (BirdCLEF 2024): mean one-vs-rest AUC over classes that have positives and negatives. */
export function macroRocAuc(truth, scores) {
    const classes = checkMatrices(truth, scores, 'macroRocAuc');
    const perClass = [];
    const skipped = [];
    let sum = 0;
    for (let c = 0; c < classes; c++) {
        const { pos, neg } = labelMasses(column(truth, c));
        const auc = aucFromRanking(rankScores(column(scores, c)), pos, neg, null);
        if (Number.isNaN(auc)) {
            perClass.push(null);
            skipped.push(c);
        }
        else {
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
 */
export function perClassPrecisionRecall(truth, scores, threshold = 0.5) {
    const classes = checkMatrices(truth, scores, 'perClassPrecisionRecall');
    const precision = [];
    const recall = [];
    const support = [];
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
/** Index of the highest score; the first one on ties (as numpy's argmax). */
export function argmax(scores) {
    let best = 0;
    for (let c = 1; c < scores.length; c++)
        if (scores[c] > scores[best])
            best = c;
    return best;
}
/** Fraction of rows whose highest-scoring class is the primary label (`primaryIndex[i]`, 0-based). */
export function top1Accuracy(primaryIndex, scores) {
    if (primaryIndex.length !== scores.length) {
        throw new BirdcallError('METRIC_SHAPE', `top1Accuracy: ${primaryIndex.length} primary labels but ${scores.length} score rows`);
    }
    if (scores.length === 0)
        throw new BirdcallError('METRIC_EMPTY', 'top1Accuracy: no rows to score');
    let hits = 0;
    for (let i = 0; i < scores.length; i++) {
        const p = primaryIndex[i];
        if (!Number.isInteger(p) || p < 0 || p >= scores[i].length) {
            throw new BirdcallError('METRIC_LABEL', `top1Accuracy: primary index ${p} in row ${i} is not a class index (0..${scores[i].length - 1})`);
        }
        if (argmax(scores[i]) === p)
            hits++;
    }
    return hits / scores.length;
}
//# sourceMappingURL=competition.js.map