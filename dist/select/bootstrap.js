import { mulberry32 } from "../random.js";
export { mulberry32 };
/**
 * Paired cluster bootstrap: each resample draws `recordings` recordings with replacement and yields how many
 * times each was drawn, then every row weight (a row inherits its recording's count). Chunks of a recording
 * are correlated, so resampling them apart would understate the variance; and every candidate is scored on
 * the same draw so differences between candidates are paired. `counts` and `rowWeights` are reused between
 * resamples (no allocation per resample): consume them before asking for the next.
 */
export function* resampleWeights(rowRecording, recordings, resamples, seed) {
    const rand = mulberry32(seed);
    const counts = new Float64Array(recordings);
    const rowWeights = new Float64Array(rowRecording.length);
    for (let b = 0; b < resamples; b++) {
        counts.fill(0);
        for (let k = 0; k < recordings; k++)
            counts[Math.floor(rand() * recordings)] += 1;
        for (let i = 0; i < rowRecording.length; i++)
            rowWeights[i] = counts[rowRecording[i]];
        yield { counts, rowWeights };
    }
}
/** Quantile with linear interpolation between order statistics (numpy's default), ignoring NaN. */
export function quantile(sortedFinite, q) {
    const n = sortedFinite.length;
    if (n === 0)
        return Number.NaN;
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return sortedFinite[lo] + (pos - lo) * (sortedFinite[hi] - sortedFinite[lo]);
}
/**
 * Percentile interval of bootstrap replicates around a full-sample value. Replicates that are NaN (a
 * resample where the metric is undefined, e.g. a slice drew no positives) are left out; if more than half
 * are, the interval is reported as unknown rather than built from a biased remainder.
 */
export function percentileInterval(value, replicates, confidence) {
    const finite = replicates.filter((x) => !Number.isNaN(x)).sort();
    const ok = finite.length > replicates.length / 2;
    const alpha = (1 - confidence) / 2;
    return {
        value: Number.isNaN(value) ? null : value,
        lo: ok ? quantile(finite, alpha) : null,
        hi: ok ? quantile(finite, 1 - alpha) : null,
    };
}
/** Replicates of a - b, paired per resample. */
export function pairedDifference(a, b) {
    return a.map((x, i) => x - b[i]);
}
/** True when the interval of a difference contains 0 (or is unknown: no evidence of a difference). */
export function containsZero(e) {
    return e.lo === null || e.hi === null || (e.lo <= 0 && e.hi >= 0);
}
//# sourceMappingURL=bootstrap.js.map