/**
 * Recording-level 5-fold cross-validation of the CNN on the 80 real clips (10 species x 8 recordings):
 *   npx tsx scripts/cv-real.ts                      # convert, cross-validate, write reports/cv-real.json
 *   npx tsx scripts/cv-real.ts --folds-only 1,2 --params '{"epochs": 10}'   # a quicker experiment
 *
 * Converts the clips with examples/real-clips-pipeline.yaml into out/real-clips/ (incremental: a re-run with
 * the same pipeline converts nothing), then for each fold trains on four fifths of the RECORDINGS and scores
 * the held-out fifth. The held-out fold is never shown to training (no early stopping or best-epoch choice on
 * it): the model kept is the last-best by training loss, so the reported figures are not tuned on the test fold.
 * A recording's prediction is the mean of its chunks' probabilities.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { macroRocAuc, top1Accuracy } from '../src/metrics/index.ts';
import { convert } from '../src/batch/convert.ts';
import { readOutputManifest } from '../src/store/manifest.ts';
import type { OutputRow } from '../src/store/manifest-types.ts';
import { loadPipelineFile, toSpec } from '../src/pipeline/pipeline.ts';
import { classList, kFoldByRecording, multiHot, SpectrogramDataset } from '../src/train/dataset.ts';
import { predictRows, resolveTrainParams, trainModel, type TrainParamsInput } from '../src/train/train.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The settled training recipe (docs/real-data.md tells how it was reached). Anything not named here takes
 * the trainer's default.
 */
export const RECIPE: TrainParamsInput = {
  model: 'strided',
  epochs: 30,
  batchSize: 16,
  learningRate: 3e-3,
  mixupAlpha: 0,
  schedule: 'cosine',
  patience: 0,
  seed: 0,
};

/** Chance level for a metric over `classes` balanced classes: what a random ranking scores. */
export function chance(classes: number): { top1: number; macroRocAuc: number } {
  return { top1: 1 / classes, macroRocAuc: 0.5 };
}

export interface LevelScores {
  /** Fraction whose highest-probability class is the primary label. */
  top1: number;
  /** Mean one-vs-rest ROC-AUC over classes with positives among the scored items (NaN when none). */
  macroRocAuc: number;
  items: number;
}

/** top-1 and macro ROC-AUC of probability rows against the rows' labels (primary and secondary = 1). */
export function scoreLevel(rows: readonly OutputRow[], scores: readonly ArrayLike<number>[], classes: readonly string[]): LevelScores {
  const truth = rows.map((r) => multiHot(r, classes, 1));
  const primary = rows.map((r) => classes.indexOf(r.primaryLabel));
  return { top1: top1Accuracy(primary, [...scores]), macroRocAuc: macroRocAuc(truth, [...scores]).value, items: rows.length };
}

/**
 * Recording-level predictions: the mean of each source's chunk probabilities, one row per source in order of
 * first appearance. Returns a representative row per source (its labels are the recording's labels).
 */
export function poolByRecording(rows: readonly OutputRow[], scores: readonly ArrayLike<number>[]): { rows: OutputRow[]; scores: Float64Array[] } {
  if (rows.length !== scores.length) throw new Error(`poolByRecording: ${rows.length} rows but ${scores.length} score rows`);
  const sums = new Map<string, { row: OutputRow; sum: Float64Array; n: number }>();
  rows.forEach((row, i) => {
    let entry = sums.get(row.source);
    if (entry === undefined) {
      entry = { row, sum: new Float64Array(scores[i].length), n: 0 };
      sums.set(row.source, entry);
    }
    for (let k = 0; k < scores[i].length; k++) entry.sum[k] += scores[i][k];
    entry.n++;
  });
  const entries = [...sums.values()];
  return { rows: entries.map((e) => e.row), scores: entries.map((e) => e.sum.map((v) => v / e.n)) };
}

export interface FoldReport {
  fold: number;
  trainRecordings: number;
  testRecordings: number;
  trainChunks: number;
  testChunks: number;
  recording: LevelScores;
  chunk: LevelScores;
  epochs: number;
  secondsPerEpoch: number;
  secondsPerExample: number;
  /** CPU seconds this process spent training per example seen: the wall time above depends on what else runs. */
  cpuSecondsPerExample: number;
  /** Held-out recordings and the species each was given, for reading errors. */
  predictions: { source: string; label: string; predicted: string; probability: number }[];
}

function mean(values: number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
}

function std(values: number[]): number {
  const m = mean(values);
  const finite = values.filter(Number.isFinite);
  return finite.length > 1 ? Math.sqrt(finite.reduce((a, b) => a + (b - m) ** 2, 0) / (finite.length - 1)) : Number.NaN;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '  n/a');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pipeline: { type: 'string', default: join(ROOT, 'examples', 'real-clips-pipeline.yaml') },
      clips: { type: 'string', default: resolve(ROOT, '..', 'shared', 'data', 'birdcalls', 'clips') },
      out: { type: 'string', default: join(ROOT, 'out', 'real-clips') },
      report: { type: 'string', default: join(ROOT, 'reports', 'cv-real.json') },
      folds: { type: 'string', default: '5' },
      'folds-only': { type: 'string' },
      params: { type: 'string', default: '{}' },
      jobs: { type: 'string', default: '1' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const log = (line: string): void => console.log(line);
  const params = resolveTrainParams({ ...RECIPE, ...(JSON.parse(values.params) as TrainParamsInput) });
  const folds = Number(values.folds);
  const only = values['folds-only']?.split(',').map(Number);

  const pipeline = await loadPipelineFile(values.pipeline);
  const summary = await convert({ input: values.clips, outDir: values.out, pipeline, jobs: Number(values.jobs) });
  log(`convert: ${summary.converted} converted, ${summary.skipped} up to date, ${summary.failed} failed; ${summary.chunks} chunks in ${summary.manifestPath}`);
  if (summary.failed > 0) throw new Error(`${summary.failed} clips failed to convert; see ${summary.errorsPath}`);

  const rows = (await readOutputManifest(summary.manifestPath)).filter((r) => r.primaryLabel !== '');
  const classes = classList(rows);
  const dataset = new SpectrogramDataset(rows, { root: values.out, classes, secondaryWeight: params.secondaryWeight });
  const shape = await dataset.inputShape();
  log(`${rows.length} chunks of ${new Set(rows.map((r) => r.source)).size} recordings, ${classes.length} classes, input ${shape.join('x')}`);

  const splits = kFoldByRecording(rows, { folds, seed: params.seed, groupBy: params.groupBy });
  const reports: FoldReport[] = [];
  for (const [f, split] of splits.entries()) {
    if (only !== undefined && !only.includes(f + 1)) continue;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    // The held-out fold stays out of training entirely: an empty validation set makes the trainer keep its
    // lowest-training-loss epoch instead of choosing one on the fold it is scored on.
    const result = await trainModel({
      dataset,
      split: { train: split.train, validation: [] },
      params,
      log: values.quiet ? undefined : (line) => log(`  ${line}`),
      onEpoch: values.quiet ? undefined : (r) => log(`  fold ${f + 1} epoch ${r.epoch}/${params.epochs}  loss ${r.loss.toFixed(4)}  lr ${r.learningRate.toExponential(2)}  ${r.seconds.toFixed(1)} s`),
    });
    const cpu = process.cpuUsage(cpuStarted);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const scores = await predictRows(result.model, dataset, split.validation, 32);
    result.model.dispose();
    const testRows = split.validation.map((i) => rows[i]);
    const pooled = poolByRecording(testRows, scores);
    const report: FoldReport = {
      fold: f + 1,
      trainRecordings: new Set(split.train.map((i) => rows[i].source)).size,
      testRecordings: pooled.rows.length,
      trainChunks: split.train.length,
      testChunks: split.validation.length,
      recording: scoreLevel(pooled.rows, pooled.scores, classes),
      chunk: scoreLevel(testRows, scores, classes),
      epochs: result.history.length,
      secondsPerEpoch: mean(result.history.map((h) => h.seconds)),
      secondsPerExample: result.secondsPerExample,
      cpuSecondsPerExample: cpuSeconds / (result.history.length * split.train.length),
      predictions: pooled.rows.map((row, i) => {
        const p = pooled.scores[i];
        const k = p.indexOf(Math.max(...p));
        return { source: row.source, label: row.primaryLabel, predicted: classes[k], probability: p[k] };
      }),
    };
    reports.push(report);
    log(
      `fold ${report.fold}: recording top1 ${fmt(report.recording.top1)} auc ${fmt(report.recording.macroRocAuc)} (${report.testRecordings} rec) | ` +
        `chunk top1 ${fmt(report.chunk.top1)} auc ${fmt(report.chunk.macroRocAuc)} (${report.testChunks}) | ` +
        `${report.secondsPerEpoch.toFixed(1)} s/epoch, ${report.secondsPerExample.toFixed(3)} s/example (cpu ${report.cpuSecondsPerExample.toFixed(3)}), ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }

  const pick = (get: (r: FoldReport) => number): { mean: number; std: number } => ({ mean: mean(reports.map(get)), std: std(reports.map(get)) });
  const overall = {
    recordingTop1: pick((r) => r.recording.top1),
    recordingMacroRocAuc: pick((r) => r.recording.macroRocAuc),
    chunkTop1: pick((r) => r.chunk.top1),
    chunkMacroRocAuc: pick((r) => r.chunk.macroRocAuc),
    secondsPerEpoch: pick((r) => r.secondsPerEpoch),
    secondsPerExample: pick((r) => r.secondsPerExample),
    cpuSecondsPerExample: pick((r) => r.cpuSecondsPerExample),
  };
  const backend = tf.getBackend();
  console.log('\nfold  rec_top1  rec_auc  chunk_top1  chunk_auc  s/epoch  s/example');
  for (const r of reports) {
    console.log(
      `${String(r.fold).padStart(4)}  ${fmt(r.recording.top1).padStart(8)}  ${fmt(r.recording.macroRocAuc).padStart(7)}  ${fmt(r.chunk.top1).padStart(10)}  ` +
        `${fmt(r.chunk.macroRocAuc).padStart(9)}  ${r.secondsPerEpoch.toFixed(1).padStart(7)}  ${r.secondsPerExample.toFixed(3).padStart(9)}`,
    );
  }
  console.log(
    `mean  ${fmt(overall.recordingTop1.mean).padStart(8)}  ${fmt(overall.recordingMacroRocAuc.mean).padStart(7)}  ${fmt(overall.chunkTop1.mean).padStart(10)}  ` +
      `${fmt(overall.chunkMacroRocAuc.mean).padStart(9)}  ${overall.secondsPerEpoch.mean.toFixed(1).padStart(7)}  ${overall.secondsPerExample.mean.toFixed(3).padStart(9)}`,
  );
  const c = chance(classes.length);
  console.log(`chance: top1 ${c.top1.toFixed(3)}, macro ROC-AUC ${c.macroRocAuc.toFixed(3)} (backend ${backend})`);

  await mkdir(dirname(values.report), { recursive: true });
  await writeFile(
    values.report,
    JSON.stringify(
      {
        what: 'recording-level k-fold cross-validation on the real clips; a recording = mean of its chunk probabilities',
        clips: values.clips,
        pipelineFile: basename(values.pipeline),
        pipeline: toSpec(pipeline),
        inputShape: shape,
        classes,
        chance: c,
        folds,
        trainParams: params,
        backend,
        overall,
        perFold: reports,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${values.report}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
