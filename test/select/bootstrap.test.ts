import { describe, it, expect } from 'vitest';
import { atLeastZero, biasCorrected, containsZero, mulberry32, percentileInterval, quantile, resampleWeights } from '../../src/select/bootstrap.ts';
import { byMainThenName } from '../../src/select/tie-break.ts';
import { selectModels } from '../../src/select/index.ts';
import { expectedCalibrationError } from '../../src/metrics/index.ts';
import type { Candidate, EvalSet } from '../../src/select/types.ts';
import { CandidateEvaluator, prepareData } from '../../src/select/criteria.ts';
import { simulateEvalSet, simulateModel, BASE } from './simulate.ts';

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe('resampleWeights', () => {
  it('draws whole recordings: every chunk of a recording gets its recording count', () => {
    const rowRecording = Int32Array.from([0, 0, 1, 1, 1, 2]);
    for (const { counts, rowWeights } of resampleWeights(rowRecording, 3, 50, 7)) {
      expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
      rowRecording.forEach((r, i) => expect(rowWeights[i]).toBe(counts[r]));
    }
  });
  it('repeats the same draws for the same seed and differs for another', () => {
    const rows = Int32Array.from({ length: 20 }, (_, i) => i);
    const draws = (seed: number): number[] => {
      const out: number[] = [];
      for (const { counts } of resampleWeights(rows, 20, 5, seed)) out.push(...counts);
      return out;
    };
    expect(draws(1)).toHaveLength(5 * 20);
    expect(draws(1)).toEqual(draws(1));
    expect(draws(1)).not.toEqual(draws(2));
  });
  it('draws each recording uniformly (mean count 1)', () => {
    const rows = Int32Array.from({ length: 10 }, (_, i) => i);
    const total = new Float64Array(10);
    for (const { counts } of resampleWeights(rows, 10, 4000, 3)) counts.forEach((c, r) => (total[r] += c));
    for (const t of total) expect(t / 4000).toBeGreaterThan(0.9);
    for (const t of total) expect(t / 4000).toBeLessThan(1.1);
  });
});

describe('percentile intervals', () => {
  it('interpolate between order statistics as numpy does', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
  });
  it('are undefined with no replicate at all', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('of a difference contain 0 when they touch it or are unknown, and not when wholly on one side', () => {
    expect(containsZero({ value: 0.01, lo: -0.02, hi: 0.03 })).toBe(true);
    expect(containsZero({ value: 0.01, lo: 0, hi: 0.03 })).toBe(true);
    expect(containsZero({ value: -0.01, lo: -0.03, hi: 0 })).toBe(true);
    expect(containsZero({ value: 0.02, lo: 0.01, hi: 0.03 })).toBe(false);
    expect(containsZero({ value: -0.02, lo: -0.03, hi: -0.01 })).toBe(false);
    expect(containsZero({ value: 0.02, lo: null, hi: 0.03 })).toBe(true);
    expect(containsZero({ value: 0.02, lo: 0.01, hi: null })).toBe(true);
    expect(containsZero({ value: -0.02, lo: null, hi: -0.01 })).toBe(true);
  });
  it('of an error cut at 0 keep an unknown bound unknown', () => {
    expect(atLeastZero({ value: 0.01, lo: null, hi: null })).toEqual({ value: 0.01, lo: null, hi: null });
    expect(atLeastZero({ value: null, lo: -0.01, hi: 0.02 })).toEqual({ value: null, lo: 0, hi: 0.02 });
  });
  it('leave out undefined replicates, and give up when most are undefined', () => {
    const some = Float64Array.from([1, 2, Number.NaN, 3, 4]);
    expect(percentileInterval(2, some, 0.5)).toEqual({ value: 2, lo: quantile([1, 2, 3, 4], 0.25), hi: quantile([1, 2, 3, 4], 0.75) });
    const most = Float64Array.from([1, Number.NaN, Number.NaN]);
    expect(percentileInterval(1, most, 0.95)).toEqual({ value: 1, lo: null, hi: null });
  });
  it('mulberry32 gives numbers in [0, 1)', () => {
    const r = mulberry32(5);
    for (let k = 0; k < 1000; k++) {
      const x = r();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

/**
 * A perfectly calibrated two-class model (true ECE 0): score s ~ U(0, 1) for class a and 1 - s for b, and
 * the primary label is a with probability s. One chunk per recording.
 */
function calibratedWorld(seed: number, recordings: number): { evalSet: EvalSet; model: Candidate } {
  const rand = mulberry32(seed);
  const rows: EvalSet['rows'] = [];
  const scores: Float32Array[] = [];
  for (let i = 0; i < recordings; i++) {
    const s = Math.fround(rand());
    rows.push({ recording: `r${i}`, primary: rand() < s ? 'a' : 'b', secondary: [], metadata: {} });
    scores.push(Float32Array.of(s, 1 - s));
  }
  return { evalSet: { classes: ['a', 'b'], rows }, model: { name: 'calibrated', scores } };
}

describe('the calibration error estimate (biased upwards by binning noise)', () => {
  it('is bias-corrected with the basic interval: replicates above the value pull the estimate down', () => {
    // value 0.1; replicates 0.12, 0.14, ..., 0.20 (median 0.16): the error theta* - theta_hat is +0.02..+0.10
    const reps = Float64Array.from({ length: 5 }, (_, k) => 0.12 + 0.02 * k);
    const corrected = biasCorrected(0.1, reps);
    expect(corrected.value).toBeCloseTo(0.04, 12); // 2 * 0.1 - 0.16
    const e = percentileInterval(corrected.value, corrected.reps, 0.5);
    expect(e.lo).toBeCloseTo(0.2 - quantile([0.12, 0.14, 0.16, 0.18, 0.2], 0.75), 12);
    expect(e.hi).toBeCloseTo(0.2 - quantile([0.12, 0.14, 0.16, 0.18, 0.2], 0.25), 12);
    expect(atLeastZero({ value: -0.01, lo: -0.03, hi: 0.02 })).toEqual({ value: 0, lo: 0, hi: 0.02 });
  });

  it('takes the median of the finite reflected replicates, whatever their order', () => {
    // reflected 2 * 1 - r: 1.5, 1.1, NaN, 1.3, 1.2; the finite ones sorted 1.1, 1.2, 1.3, 1.5: median 1.25
    expect(biasCorrected(1, Float64Array.from([0.5, 0.9, NaN, 0.7, 0.8])).value).toBeCloseTo(1.25, 12);
    expect(biasCorrected(1, Float64Array.from([NaN, NaN])).value).toBeNaN();
  });

  it('has an interval that contains its own estimate and can reach the true 0, for calibrated models', () => {
    let reachesZero = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { evalSet, model } = calibratedWorld(seed, 120);
      const c = selectModels(evalSet, [model], { sliceColumns: [] }).candidates[0].calibration;
      expect(c.lo!, `seed ${seed}`).toBeLessThanOrEqual(c.value!);
      expect(c.hi!, `seed ${seed}`).toBeGreaterThanOrEqual(c.value!);
      // the plain plug-in ECE of these sets is about 0.1, never 0; the correction lowers it
      const plain = expectedCalibrationError(evalSet.rows.map((r) => Float64Array.of(r.primary === 'a' ? 1 : 0, r.primary === 'b' ? 1 : 0)), model.scores).value;
      expect(c.value!, `seed ${seed}`).toBeLessThan(plain);
      if (c.lo === 0) reachesZero++;
    }
    // A percentile interval of the replicates (all above the plug-in value) never reaches 0 here. The bootstrap
    // underestimates the bias near 0 (the |gap| kink), so the basic interval reaches it in about a third.
    expect(reachesZero).toBeGreaterThanOrEqual(5);
  });
});

describe('paired cluster bootstrap of macro ROC-AUC', () => {
  it('covers the true AUC at about the stated 95% rate on simulated recordings', () => {
    // Logits: primary mu + e + s*u, absent e + s*u, e ~ N(0,1) per chunk and u ~ N(0,1) per recording and
    // class (shared by its chunks). A positive and a negative of one class always come from different
    // recordings, so the true AUC is P(N(mu, 2(1 + s^2)) > 0).
    const spec = { ...BASE, primary: 1.2, absent: 0, secondary: 0, noise: 1, recordingNoise: 0.7 };
    const truth = phi(spec.primary / Math.sqrt(2 * (1 + spec.recordingNoise ** 2)));
    const datasets = 200;
    let covered = 0;
    for (let d = 0; d < datasets; d++) {
      const sim = simulateEvalSet(1000 + d, 40, 4, false);
      const data = prepareData(sim.evalSet);
      const model = simulateModel(sim, 'm', spec, 5000 + d);
      const e = new CandidateEvaluator(data, model, 'macroRocAuc', { threshold: 0.5, padding: 5, calibrationBins: 10 });
      const reps = new Float64Array(1000);
      let b = 0;
      for (const { rowWeights } of resampleWeights(data.rowRecording, data.recordings.length, 1000, d)) {
        reps[b++] = e.main(rowWeights);
      }
      const est = percentileInterval(e.main(null), reps, 0.95);
      if (est.lo! <= truth && truth <= est.hi!) covered++;
    }
    const coverage = covered / datasets;
    console.log(`bootstrap coverage of the true macro AUC ${truth.toFixed(4)}: ${coverage} over ${datasets} datasets`);
    expect(coverage).toBeGreaterThanOrEqual(0.88);
    expect(coverage).toBeLessThanOrEqual(0.99);
  });
});

describe('the tie-break comparator', () => {
  it('puts the higher main-metric estimate first, an undefined one last, and equal ones by name', () => {
    expect(byMainThenName(0.9, 0.8, 'b', 'a')).toBeLessThan(0);
    expect(byMainThenName(0.8, 0.9, 'a', 'b')).toBeGreaterThan(0);
    expect(byMainThenName(0.8, 0.8, 'a', 'b')).toBeLessThan(0);
    expect(byMainThenName(0.8, 0.8, 'b', 'a')).toBeGreaterThan(0);
    expect(byMainThenName(0.8, 0.8, 'a', 'a')).toBe(0);
    expect(byMainThenName(Number.NaN, 0.1, 'a', 'b')).toBeGreaterThan(0);
    expect(byMainThenName(0.1, Number.NaN, 'b', 'a')).toBeLessThan(0);
    expect(byMainThenName(Number.NaN, Number.NaN, 'a', 'b')).toBeLessThan(0);
    expect(byMainThenName(Number.NaN, Number.NaN, 'b', 'a')).toBeGreaterThan(0);
  });
});
