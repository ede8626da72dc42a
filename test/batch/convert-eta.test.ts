import { describe, expect, it } from 'vitest';
import { estimateSecondsLeft } from '../../src/batch/convert.ts';

describe('the ETA of convert', () => {
  it('is not given while the rate so far means little (the first files pay the workers\' start-up)', () => {
    // One file in 1.5 s of an 80-file, 2-second run once showed "ETA 2 min".
    expect(estimateSecondsLeft(1, 80, 1.5)).toBeUndefined();
    expect(estimateSecondsLeft(40, 80, 1)).toBeUndefined();
    expect(estimateSecondsLeft(4, 80, 10)).toBeUndefined();
  });

  it('is the files left at the average rate so far once known', () => {
    expect(estimateSecondsLeft(20, 80, 4)).toBeCloseTo(12, 10);
    expect(estimateSecondsLeft(5, 5, 3)).toBe(0);
  });
});
