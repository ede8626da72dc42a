import { BirdcallError } from "../errors.js";
/** Throws unless truth and scores are non-empty, equally shaped, finite, and labels lie in [0, 1]. */
export function checkMatrices(truth, scores, what) {
    if (truth.length !== scores.length) {
        throw new BirdcallError('METRIC_SHAPE', `${what}: ${truth.length} label rows but ${scores.length} score rows`);
    }
    if (truth.length === 0)
        throw new BirdcallError('METRIC_EMPTY', `${what}: no rows to score`);
    const classes = truth[0].length;
    for (let i = 0; i < truth.length; i++) {
        if (truth[i].length !== classes || scores[i].length !== classes) {
            throw new BirdcallError('METRIC_SHAPE', `${what}: row ${i} has ${truth[i].length} labels and ${scores[i].length} scores, expected ${classes}`);
        }
        for (let c = 0; c < classes; c++) {
            checkLabel(truth[i][c], what, i);
            checkScore(scores[i][c], what, i);
        }
    }
    return classes;
}
/** Throws unless a single class's labels and scores are non-empty, equally long and valid. */
export function checkVectors(truth, scores, what) {
    if (truth.length !== scores.length) {
        throw new BirdcallError('METRIC_SHAPE', `${what}: ${truth.length} labels but ${scores.length} scores`);
    }
    if (truth.length === 0)
        throw new BirdcallError('METRIC_EMPTY', `${what}: no rows to score`);
    for (let i = 0; i < truth.length; i++) {
        checkLabel(truth[i], what, i);
        checkScore(scores[i], what, i);
    }
}
function checkLabel(t, what, row) {
    if (!(t >= 0 && t <= 1)) {
        throw new BirdcallError('METRIC_LABEL', `${what}: label ${t} in row ${row} is outside [0, 1]`);
    }
}
function checkScore(s, what, row) {
    // NaN would silently corrupt every sort below, so it is refused rather than ranked somewhere arbitrary.
    if (!Number.isFinite(s))
        throw new BirdcallError('METRIC_SCORE', `${what}: score ${s} in row ${row} is not finite`);
}
/** Column c of a matrix as a Float64Array (the per-class metrics work on columns). */
export function column(matrix, c) {
    const out = new Float64Array(matrix.length);
    for (let i = 0; i < matrix.length; i++)
        out[i] = matrix[i][c];
    return out;
}
//# sourceMappingURL=types.js.map