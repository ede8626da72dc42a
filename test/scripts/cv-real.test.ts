import type { SymbolicTensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { OutputRow } from '../../src/store/manifest-types.ts';
import { buildModel } from '../../src/train/models.ts';
import { chance, poolByRecording, RECIPE, scoreLevel } from '../../scripts/cv-real.ts';

function row(source: string, primaryLabel: string, chunkIndex: number): OutputRow {
  return {
    source,
    chunkIndex,
    startSeconds: chunkIndex,
    endSeconds: chunkIndex + 3,
    primaryLabel,
    secondaryLabels: [],
    outputs: {},
    outputHashes: {},
    outputMeta: {},
    sourceSha256: '',
    pipelineHash: '',
    birdcallVersion: '',
    metadata: {},
  };
}

describe('recording-level pooling', () => {
  it('averages each recording’s chunk probabilities, one row per recording in order of first appearance', () => {
    const rows = [row('b.wav', 'B', 0), row('a.wav', 'A', 0), row('b.wav', 'B', 1), row('a.wav', 'A', 1)];
    const scores = [
      [0.2, 0.6],
      [0.9, 0.1],
      [0.4, 0.2],
      [0.5, 0.3],
    ];
    const pooled = poolByRecording(rows, scores);
    expect(pooled.rows.map((r) => r.source)).toEqual(['b.wav', 'a.wav']);
    expect([...pooled.scores[0]].map((v) => +v.toFixed(6))).toEqual([0.3, 0.4]);
    expect([...pooled.scores[1]].map((v) => +v.toFixed(6))).toEqual([0.7, 0.2]);
  });

  it('lets confident chunks outvote a wrong one, so a recording can be right where a chunk is wrong', () => {
    const rows = [row('a.wav', 'A', 0), row('a.wav', 'A', 1), row('a.wav', 'A', 2), row('b.wav', 'B', 0)];
    const scores = [
      [0.9, 0.1],
      [0.8, 0.3],
      [0.2, 0.5],
      [0.1, 0.7],
    ];
    const classes = ['A', 'B'];
    expect(scoreLevel(rows, scores, classes).top1).toBeCloseTo(3 / 4);
    const pooled = poolByRecording(rows, scores);
    expect(scoreLevel(pooled.rows, pooled.scores, classes).top1).toBe(1);
  });

  it('refuses score rows that do not match the rows', () => {
    expect(() => poolByRecording([row('a.wav', 'A', 0)], [])).toThrow(/1 rows but 0/);
  });

  it('puts chance at one in the number of classes for top-1 and 0.5 for ROC-AUC', () => {
    expect(chance(10)).toEqual({ top1: 0.1, macroRocAuc: 0.5 });
  });
});

describe('the recipe’s model', () => {
  it('builds for the 64 x 94 images of the real-clips pipeline and gives one probability per species', () => {
    const model = buildModel({ name: RECIPE.model ?? 'compact', inputShape: [64, 94, 1], classes: 10, seed: 0 });
    expect(model.outputs[0].shape).toEqual([null, 10]);
    // Three stride-2 stages: the pooled map is 8 x 12, so the global pool sees the whole clip.
    expect((model.getLayer('pool').input as SymbolicTensor).shape).toEqual([null, 8, 12, 96]);
    model.dispose();
  });
});
