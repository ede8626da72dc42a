import { describe, expect, it } from 'vitest';
import { meanInterval, soundscapeAuc } from '../../scripts/selector-study.ts';
import type { EvalSet } from '../../src/select/index.ts';

describe('selector study helpers', () => {
  it('scores the shifted set against every species in the chunk, secondary labels included', () => {
    const evalSet: EvalSet = {
      classes: ['a', 'b'],
      rows: [
        { recording: 'r1', primary: 'a', secondary: ['b'], metadata: {} },
        { recording: 'r2', primary: 'a', secondary: [], metadata: {} },
        { recording: 'r3', primary: 'b', secondary: [], metadata: {} },
      ],
    };
    // class b: r1 (background) and r3 (primary) are positives; a model that hears b in r1 ranks perfectly
    const hears = [Float32Array.of(0.9, 0.8), Float32Array.of(0.8, 0.1), Float32Array.of(0.1, 0.9)];
    const deaf = [Float32Array.of(0.9, 0.05), Float32Array.of(0.8, 0.1), Float32Array.of(0.1, 0.9)];
    expect(soundscapeAuc(evalSet, hears)).toBe(1);
    expect(soundscapeAuc(evalSet, deaf)).toBe(0.75);
  });

  it('gives a bootstrap interval over trials that holds the mean and narrows with agreement', () => {
    const spread = meanInterval([0.01, -0.02, 0.03, 0.0, 0.02, -0.01, 0.015, 0.005]);
    expect(spread.mean).toBeCloseTo(0.00625, 10);
    expect(spread.lo).toBeLessThan(spread.mean);
    expect(spread.hi).toBeGreaterThan(spread.mean);
    expect(spread.lo).toBeLessThan(0);
    const agreeing = meanInterval([0.01, 0.012, 0.011, 0.009, 0.01, 0.011, 0.01, 0.012]);
    expect(agreeing.lo).toBeGreaterThan(0);
    expect(meanInterval([0, 0, 0])).toEqual({ mean: 0, lo: 0, hi: 0 });
  });
});

describe('spearman', () => {
  it('is 1 for the same order, -1 for the reverse, and handles ties', async () => {
    const { spearman } = await import('../../scripts/selector-study.ts');
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 2], [1, 2, 3])).toBeCloseTo(0.8660254, 6);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});
