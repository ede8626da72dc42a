import { describe, it, expect } from 'vitest';
import { mulberry32, percentileInterval, quantile, resampleWeights } from '../../src/select/bootstrap.ts';
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
