import { describe, expect, it } from 'vitest';
import { poolBySource, poolScores, predictionRecords, recordingRowId } from '../../src/train/pool.ts';

const round = (xs: ArrayLike<number>): number[] => Array.from(xs, (v) => +v.toFixed(6));

describe('recording-level pooling', () => {
  it('takes the mean or the max of the chunks, class by class', () => {
    const chunks = [
      [0.2, 0.6],
      [0.4, 0.2],
      [0.9, 0.1],
    ];
    expect(round(poolScores(chunks, 'mean'))).toEqual([0.5, 0.3]);
    expect(round(poolScores(chunks, 'max'))).toEqual([0.9, 0.6]);
  });

  it('refuses a recording without chunks and chunks of different lengths', () => {
    expect(() => poolScores([], 'mean')).toThrow(/without chunks/);
    expect(() => poolScores([[0.1, 0.2], [0.3]], 'max')).toThrow(/chunk 1 has 1 scores/);
  });

  it('groups by source in order of first appearance, keeping the first item of each', () => {
    const items = [
      { source: 'b.wav', chunk: 0 },
      { source: 'a.wav', chunk: 0 },
      { source: 'b.wav', chunk: 1 },
    ];
    const pooled = poolBySource(items, [[0.2, 0.6], [0.9, 0.1], [0.4, 0.2]]);
    expect(pooled.items).toEqual([items[0], items[1]]);
    expect(round(pooled.scores[0])).toEqual([0.3, 0.4]);
    expect(round(pooled.scores[1])).toEqual([0.9, 0.1]);
    expect(() => poolBySource(items, [])).toThrow(/3 items but 0/);
  });

  it('lets confident chunks outvote a wrong one', () => {
    const pooled = poolScores([[0.9, 0.1], [0.8, 0.3], [0.2, 0.5]], 'mean');
    expect(pooled[0]).toBeGreaterThan(pooled[1]);
  });

  it('writes a recording as its chunk rows, then one row under the file stem', () => {
    const chunks = [
      { rowId: 'XC1_3', source: 'sp/XC1.wav', scores: [0.25, 0.75] },
      { rowId: 'XC1_4', source: 'sp/XC1.wav', scores: [0.75, 0.5] },
    ];
    const fmt = (p: number): string => p.toFixed(3);
    expect(predictionRecords(chunks, undefined, fmt)).toEqual([
      ['XC1_3', '0.250', '0.750'],
      ['XC1_4', '0.750', '0.500'],
    ]);
    expect(predictionRecords(chunks, 'max', fmt).at(-1)).toEqual(['XC1', '0.750', '0.750']);
    expect(predictionRecords(chunks, 'mean', fmt).at(-1)).toEqual(['XC1', '0.500', '0.625']);
    expect(predictionRecords([], 'mean', fmt)).toEqual([]);
    expect(recordingRowId('a/b/XC9.ogg')).toBe('XC9');
  });
});
