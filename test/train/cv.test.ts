import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { writeOutputManifestRows } from '../../src/store/manifest.ts';
import { confusionMatrix, crossValidate, meanSd, scoreLevel, type OutOfFold } from '../../src/train/cv.ts';
import { writeCrossValidation } from '../../src/train/cv-report.ts';
import { kFoldByRecording } from '../../src/train/dataset.ts';
import { recordRecipe, getRecipe, DEFAULT_RECIPE } from '../../src/train/recipes.ts';
import { TrainRng } from '../../src/train/random.ts';
import { row, syntheticSet, writeGreyPng, type SyntheticSet } from './synthetic.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

/** Every split the trainer was given, to check that no fold's held-out rows reach it as validation. */
const splits = vi.hoisted(() => [] as { train: number[]; validation: number[] }[]);
vi.mock('../../src/train/train.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/train/train.ts')>();
  return {
    ...original,
    trainModel: (options: Parameters<typeof original.trainModel>[0]) => {
      splits.push(options.split);
      return original.trainModel(options);
    },
  };
});

const TINY = { model: 'tiny' as const, epochs: 2, batchSize: 8, mixupAlpha: 0 };

describe('cross-validation scores', () => {
  it('mean and sample sd over folds, ignoring folds where a metric is undefined', () => {
    const m = meanSd([0.5, 0.75, Number.NaN, 1]);
    expect(m.mean).toBeCloseTo(0.75);
    expect(m.sd).toBeCloseTo(0.25);
    expect(meanSd([0.5]).sd).toBeNaN();
  });

  it('scores top-1 on the primary label and macro ROC-AUC on primary and secondary labels', () => {
    const rows = [row('a.wav', 0, 'A'), row('b.wav', 0, 'B', ['A']), row('c.wav', 0, 'B')];
    const s = scoreLevel(rows, [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]], ['A', 'B']);
    expect(s.top1).toBeCloseTo(2 / 3);
    // A: positives a (0.9) and b (0.6) above c (0.2); B: b (0.4) and c (0.8) against a (0.1).
    expect(s.macroRocAuc).toBeCloseTo(1);
    expect(s.items).toBe(3);
  });

  it('counts recordings by true primary label (rows) and top-scoring class (columns)', () => {
    const oof = (label: string, scores: number[]): OutOfFold => ({ row: row(`${label}.wav`, 0, label), fold: 1, scores: Float32Array.from(scores) });
    const m = confusionMatrix([oof('A', [0.9, 0.1]), oof('A', [0.2, 0.8]), oof('B', [0.3, 0.7]), oof('C', [0.5, 0.5])], ['A', 'B']);
    expect(m).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });
});

describe('crossValidate on a convert manifest', () => {
  let set: SyntheticSet;
  let manifest: string;

  beforeAll(async () => {
    set = await syntheticSet({ classes: 3, recordings: 4, chunks: 2, h: 16, w: 32, seed: 5 });
    manifest = join(set.root, 'manifest.csv');
    await writeOutputManifestRows(manifest, set.rows);
  });

  it('predicts every chunk and recording once, by the fold model that never saw it, and writes cv.json, oof.csv and a page', async () => {
    const cv = await crossValidate({ manifest, folds: 2, params: TINY });
    expect(cv.perFold.map((f) => f.fold)).toEqual([1, 2]);
    expect(cv.chunks.map((c) => c.row)).toEqual(set.rows);
    expect(cv.recordings).toHaveLength(12);
    const folds = kFoldByRecording(set.rows, { folds: 2, seed: 0 });
    cv.chunks.forEach((c, i) => expect(folds[c.fold - 1].validation).toContain(i));
    expect(cv.perFold.reduce((n, f) => n + f.testRecordings, 0)).toBe(12);
    expect(cv.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12);
    expect(cv.mean.recordingTop1.mean).toBeCloseTo((cv.perFold[0].recording.top1 + cv.perFold[1].recording.top1) / 2);
    expect(cv.perFold.every((f) => f.trainSeconds > 0 && f.epochs === 2)).toBe(true);

    const out = join(set.root, 'reports', 'cv');
    await writeCrossValidation(out, cv);
    const table = parse(await readFile(join(out, 'oof.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(table[0])).toEqual(['row_id', ...set.classes]);
    expect(table).toHaveLength(set.rows.length + 12);
    // Each recording: its two chunk rows, then the mean of them under the file stem.
    expect(table.slice(0, 3).map((r) => r.row_id)).toEqual(['rec0_5', 'rec0_10', 'rec0']);
    for (const c of set.classes) expect(Number(table[2][c])).toBeCloseTo((Number(table[0][c]) + Number(table[1][c])) / 2, 6);
    const json = JSON.parse(await readFile(join(out, 'cv.json'), 'utf8')) as { perFold: unknown[]; recordings: { fold: number; predicted: string }[]; confusion: { counts: number[][] } };
    expect(json.perFold).toHaveLength(2);
    expect(json.recordings).toHaveLength(12);
    expect(json.confusion.counts).toEqual(cv.confusion);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html.match(/<tr><td>\d<\/td>/g)).toHaveLength(2);
    expect(html).toMatch(/<table class="confusion">/);
  });

  it('never lets the held-out fold steer training: scrambling its images changes its scores, not the training', async () => {
    const losses = async (): Promise<{ loss: number[]; scores: number[] }> => {
      const loss: number[] = [];
      const cv = await crossValidate({ manifest, folds: 2, only: [1], params: { ...TINY, patience: 1 }, onEpoch: (_, r) => loss.push(r.loss) });
      return { loss, scores: cv.chunks.flatMap((c) => Array.from(c.scores)) };
    };
    splits.length = 0;
    const before = await losses();
    expect(splits).toEqual([{ train: kFoldByRecording(set.rows, { folds: 2, seed: 0 })[0].train, validation: [] }]);
    const heldOut = kFoldByRecording(set.rows, { folds: 2, seed: 0 })[0].validation;
    const rng = new TrainRng(3);
    for (const i of heldOut) await writeGreyPng(join(set.root, set.rows[i].outputs.png), Float32Array.from({ length: 16 * 32 }, () => rng.next()), 16, 32);
    const after = await losses();
    expect(after.loss).toEqual(before.loss);
    expect(after.scores).not.toEqual(before.scores);
  });

  it('groups folds by a metadata column and starts from the recipe recorded beside the manifest', async () => {
    const grouped = set.rows.map((r, i) => ({ ...r, metadata: { recordist: `person${Math.floor(i / 4) % 3}` } }));
    const groupedManifest = join(set.root, 'grouped-manifest.csv');
    await writeOutputManifestRows(groupedManifest, grouped);
    await recordRecipe(set.root, { ...getRecipe(DEFAULT_RECIPE), train: { ...TINY, epochs: 1, learningRate: 0.005 } });
    const cv = await crossValidate({ manifest: groupedManifest, folds: 3, groupBy: 'recordist' });
    expect(cv.recipe?.name).toBe(DEFAULT_RECIPE);
    expect(cv.params).toMatchObject({ model: 'tiny', epochs: 1, learningRate: 0.005, groupBy: 'recordist' });
    const foldOf = new Map<string, number>();
    for (const c of cv.chunks) {
      const who = c.row.metadata.recordist;
      expect(foldOf.get(who) ?? c.fold).toBe(c.fold);
      foldOf.set(who, c.fold);
    }
    expect(new Set(foldOf.values()).size).toBe(3);
    await writeFile(join(set.root, 'recipe.json'), '{}');
    await expect(crossValidate({ manifest: groupedManifest, folds: 3 })).rejects.toThrow(/a recipe needs a name/);
  });
});
