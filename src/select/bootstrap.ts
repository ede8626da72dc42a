import { mulberry32 } from '../random.ts';
import type { Estimate } from './types.ts';

export { mulberry32 };

/**
 * Paired cluster bootstrap: each resample draws `recordings` recordings with replacement and yields how many
 * times each was drawn, then every row weight (a row inherits its recording's count). Chunks of a recording
 * are correlated, so resampling them apart would understate the variance; and every candidate is scored on
 * the same draw so differences between candidates are paired. `counts` and `rowWeights` are reused between
 * resamples (no allocation per resample): consume them before asking for the next.
 */
export function* resampleWeights(
  rowRecording: Int32Array,
  recordings: number,
  resamples: number,
  seed: number,
): Generator<{ counts: Float64Array; rowWeights: Float64Array }> {
  const rand = mulberry32(seed);
  const counts = new Float64Array(recordings);
  const rowWeights = new Float64Array(rowRecording.length);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let k = 0; k < recordings; k++) counts[Math.floor(rand() * recordings)] += 1;
    for (let i = 0; i < rowRecording.length; i++) rowWeights[i] = counts[rowRecording[i]];
    yield { counts, rowWeights };
  }
}

/** Quantile with linear interpolation between order statistics (numpy's default), ignoring NaN. */
export function quantile(sortedFinite: ArrayLike<number>, q: number): number {
  const n = sortedFinite.length;
  if (n === 0) return Number.NaN;
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
export function percentileInterval(value: number, replicates: Float64Array, confidence: number): Estimate {
  const finite = replicates.filter((x) => !Number.isNaN(x)).sort();
  const ok = finite.length > replicates.length / 2;
  const alpha = (1 - confidence) / 2;
  return {
    value: Number.isNaN(value) ? null : value,
    lo: ok ? quantile(finite, alpha) : null,
    hi: ok ? quantile(finite, 1 - alpha) : null,
  };
}

/**
 * The bootstrap of a biased statistic (the calibration error) turned into its bias-corrected estimate and
 * basic interval. The plug-in ECE sums |gap| per bin, so sampling noise only ever adds to it: a perfectly
 * calibrated model scores about 0.1 on 120 recordings. A resample adds that noise once more, so the
 * replicates sit above the full-sample value by about the bias itself, and their percentile interval is an
 * interval for "ECE plus twice the bias": it can exclude the full-sample value and, for a calibrated model,
 * never contains the true 0. The basic bootstrap reads the replicates as errors instead: theta_hat - theta
 * is distributed like theta* - theta_hat, giving theta in [2 theta_hat - q_hi, 2 theta_hat - q_lo], and
 * the bias-corrected value 2 theta_hat - median(theta*) (the median, not the mean: it always lies inside
 * that interval, and one wild resample cannot move it). Returned as reflected replicates 2 theta_hat -
 * theta*, so `percentileInterval` of the result is exactly the basic interval and paired differences of two
 * candidates' results are the basic interval of the difference.
 */
export function biasCorrected(value: number, replicates: Float64Array): { value: number; reps: Float64Array } {
  const reps = replicates.map((r) => 2 * value - r);
  const finite = reps.filter((x) => !Number.isNaN(x)).sort();
  return { value: finite.length > 0 ? quantile(finite, 0.5) : Number.NaN, reps };
}

/** An estimate of a quantity that cannot be negative (an error), with the parts below 0 cut off. */
export function atLeastZero(e: Estimate): Estimate {
  const cut = (x: number | null): number | null => (x === null ? null : Math.max(0, x));
  return { value: cut(e.value), lo: cut(e.lo), hi: cut(e.hi) };
}

/** Replicates of a - b, paired per resample. */
export function pairedDifference(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((x, i) => x - b[i]);
}

/** True when the interval of a difference contains 0 (or is unknown: no evidence of a difference). */
export function containsZero(e: Estimate): boolean {
  return e.lo === null || e.hi === null || (e.lo <= 0 && e.hi >= 0);
}
