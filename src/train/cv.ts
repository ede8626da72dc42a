import { dirname } from 'node:path';
import { macroRocAuc, top1Accuracy } from '../metrics/index.ts';
import type { OutputRow } from '../store/manifest-types.ts';
import { classList, kFoldByRecording, multiHot, SpectrogramDataset } from './dataset.ts';
import { poolBySource, type PoolMethod } from './pool.ts';
import { recipeTrainParams } from './recipes.ts';
import { manifestRows } from './run.ts';
import { predictRows, resolveTrainParams, trainModel, type EpochReport, type TrainParams, type TrainParamsInput } from './train.ts';

/**
 * `birdcall cv`: k-fold cross-validation of a recipe on a convert output manifest. Folds are by recording
 * (stratified by primary label) or by a metadata group (`groupBy: 'recordist'`), so no recording or group is
 * on both sides. The held-out fold never steers its own training: the trainer gets no validation set (no early
 * stopping or best-epoch choice on it) and the fold is predicted once, after training. Every recording is
 * predicted by the one model that never saw it: the out-of-fold predictions.
 */
export interface CrossValidateOptions {
  /** The output manifest of `birdcall convert` (artifact paths are relative to its folder). */
  manifest: string;
  folds?: number;
  /** Metadata column whose values never straddle a fold (e.g. recordist); default: the recording. */
  groupBy?: string;
  /** A recipe's training settings (default: the recipe recorded beside the manifest, if any); `params` override them. */
  recipe?: string;
  params?: TrainParamsInput;
  /** Keep only rows whose metadata columns equal these values, e.g. { subset: 'labelled_clips' }. */
  where?: Record<string, string>;
  input?: string;
  /** Time-shifted copies averaged per chunk at prediction (1: none). */
  tta?: number;
  /** How chunk scores become a recording's (default mean). */
  pool?: PoolMethod;
  /** Run only these folds (1-based), for a quick look; the means are then over them. */
  only?: number[];
  onEpoch?: (fold: number, report: EpochReport) => void;
  log?: (line: string) => void;
}

export interface LevelScores {
  /** Fraction whose highest-probability class is the primary label. */
  top1: number;
  /** Mean one-vs-rest ROC-AUC over classes with positives among the scored items (NaN when none). */
  macroRocAuc: number;
  items: number;
}

export interface FoldScores {
  fold: number;
  trainRecordings: number;
  testRecordings: number;
  trainChunks: number;
  testChunks: number;
  recording: LevelScores;
  chunk: LevelScores;
  epochs: number;
  /** Wall seconds to train the fold, and per epoch and per example seen. */
  trainSeconds: number;
  secondsPerEpoch: number;
  secondsPerExample: number;
  /** CPU seconds of this process per example seen: the wall time depends on what else runs on the machine. */
  cpuSecondsPerExample: number;
  /** With TTA: the same fold model's scores without it, so the two compare on identical weights. */
  withoutTta?: { recording: LevelScores; chunk: LevelScores };
}

export interface MeanSd {
  mean: number;
  sd: number;
}

/** One held-out chunk or recording and the scores of the fold model that never saw it. */
export interface OutOfFold {
  row: OutputRow;
  fold: number;
  scores: Float32Array;
}

export interface CrossValidation {
  manifest: string;
  classes: string[];
  folds: number;
  groupBy: string | undefined;
  recipe: { name: string; version: number } | undefined;
  params: TrainParams;
  tta: number;
  pool: PoolMethod;
  inputShape: number[];
  perFold: FoldScores[];
  mean: LevelMeans & Record<'trainSeconds' | 'secondsPerExample' | 'cpuSecondsPerExample', MeanSd>;
  /** With TTA, the means of the same fold models without it. */
  meanWithoutTta: LevelMeans | undefined;
  /** Out-of-fold chunk scores, in manifest order (only the folds run). */
  chunks: OutOfFold[];
  /** Out-of-fold recording scores (pooled chunks), in order of first appearance. */
  recordings: OutOfFold[];
  /** Recording level, summed over folds: confusion[true][predicted] counts of primary labels. */
  confusion: number[][];
}

/** top-1 and macro ROC-AUC of score rows against the rows' labels (primary and secondary = 1). */
export function scoreLevel(rows: readonly OutputRow[], scores: readonly ArrayLike<number>[], classes: readonly string[]): LevelScores {
  const truth = rows.map((r) => multiHot(r, classes, 1));
  const primary = rows.map((r) => classes.indexOf(r.primaryLabel));
  return { top1: top1Accuracy(primary, [...scores]), macroRocAuc: macroRocAuc(truth, [...scores]).value, items: rows.length };
}

/** Mean and sample standard deviation of the finite values (NaN where undefined). */
export function meanSd(values: readonly number[]): MeanSd {
  const finite = values.filter(Number.isFinite);
  const mean = finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
  const sd = finite.length > 1 ? Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1)) : Number.NaN;
  return { mean, sd };
}

/** confusion[true][predicted] of the primary label against the top-scoring class. */
export function confusionMatrix(items: readonly OutOfFold[], classes: readonly string[]): number[][] {
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  for (const item of items) {
    const truth = classes.indexOf(item.row.primaryLabel);
    if (truth < 0) continue;
    let best = 0;
    for (let k = 1; k < item.scores.length; k++) if (item.scores[k] > item.scores[best]) best = k;
    matrix[truth][best]++;
  }
  return matrix;
}

async function runFold(
  options: CrossValidateOptions,
  dataset: SpectrogramDataset,
  split: { train: number[]; validation: number[] },
  fold: number,
  params: TrainParams,
): Promise<{ scores: FoldScores; chunks: OutOfFold[] }> {
  const rows = dataset.rows;
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  // The held-out rows are not passed to training at all: nothing about them can choose an epoch or stop early.
  const result = await trainModel({
    dataset,
    split: { train: split.train, validation: [] },
    params,
    log: options.log,
    onEpoch: options.onEpoch === undefined ? undefined : (r) => options.onEpoch?.(fold, r),
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const tta = options.tta ?? 1;
  const heldOut = await predictRows(result.model, dataset, split.validation, 32, tta);
  const plain = tta > 1 ? await predictRows(result.model, dataset, split.validation, 32, 1) : undefined;
  result.model.dispose();
  const testRows = split.validation.map((i) => rows[i]);
  const levels = (scores: Float32Array[]): { recording: LevelScores; chunk: LevelScores; recordings: number } => {
    const pooled = poolBySource(testRows, scores, options.pool ?? 'mean');
    return { recording: scoreLevel(pooled.items, pooled.scores, dataset.classes), chunk: scoreLevel(testRows, scores, dataset.classes), recordings: pooled.items.length };
  };
  const scored = levels(heldOut);
  const withoutTta = plain === undefined ? undefined : levels(plain);
  const seen = result.history.length * split.train.length;
  return {
    scores: {
      fold,
      trainRecordings: new Set(split.train.map((i) => rows[i].source)).size,
      testRecordings: scored.recordings,
      trainChunks: split.train.length,
      testChunks: split.validation.length,
      recording: scored.recording,
      chunk: scored.chunk,
      epochs: result.history.length,
      trainSeconds,
      secondsPerEpoch: trainSeconds / Math.max(1, result.history.length),
      secondsPerExample: result.secondsPerExample,
      cpuSecondsPerExample: (cpu.user + cpu.system) / 1e6 / Math.max(1, seen),
      ...(withoutTta === undefined ? {} : { withoutTta: { recording: withoutTta.recording, chunk: withoutTta.chunk } }),
    },
    chunks: testRows.map((row, i) => ({ row, fold, scores: heldOut[i] })),
  };
}

export type LevelMeans = Record<'recordingTop1' | 'recordingMacroRocAuc' | 'chunkTop1' | 'chunkMacroRocAuc', MeanSd>;

/** Mean ± sd over folds of the recording and chunk scores that `pick` takes from each fold. */
function levelMeans(perFold: readonly FoldScores[], pick: (s: FoldScores) => { recording: LevelScores; chunk: LevelScores } | undefined): LevelMeans {
  const of = (get: (l: { recording: LevelScores; chunk: LevelScores }) => number): MeanSd =>
    meanSd(perFold.map((s) => {
      const levels = pick(s);
      return levels === undefined ? Number.NaN : get(levels);
    }));
  return {
    recordingTop1: of((l) => l.recording.top1),
    recordingMacroRocAuc: of((l) => l.recording.macroRocAuc),
    chunkTop1: of((l) => l.chunk.top1),
    chunkMacroRocAuc: of((l) => l.chunk.macroRocAuc),
  };
}

/**
 * Cross-validate: train one model per fold on the other folds, score it on its own, pool the out-of-fold
 * predictions. What `birdcall cv` runs; `writeCrossValidation` writes the result as cv.json, oof.csv and index.html.
 *
 * @param options - `manifest` (convert's manifest.csv), `folds` (default 5), `groupBy` (metadata column kept
 *   within one fold; default the recording), `recipe`, `params` (every option and default:
 *   [trainParams](parameters.md#trainparams)), `where`, `input`, `tta` (time-shifted copies per chunk,
 *   default 1), `pool` ('mean' or 'max' over a recording's chunks, default 'mean'), `only` (1-based folds to run).
 * @returns per fold and mean ± sd: top-1 and macro ROC-AUC at chunk and recording level, timings; the
 *   out-of-fold scores of every chunk and recording; the recording-level confusion matrix.
 * @throws BirdcallError MANIFEST_EMPTY; an Error when a fold has no rows (fewer groups than folds).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { convert, pipeline, decode, melspec, db, npy, encodeWav } from 'birdcall';
 * import { crossValidate } from 'birdcall/train';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * for (const [label, hz] of [['low', 500], ['high', 4000]] as const) {
 *   await mkdir(join(dir, 'in', label), { recursive: true }); // the folder names the label
 *   for (let k = 0; k < 4; k++) {
 *     const tone = Float32Array.from({ length: 11025 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * (1 + k / 10) * i) / 22050));
 *     await writeFile(join(dir, 'in', label, `${label}${k}.wav`), encodeWav(tone, 22050));
 *   }
 * }
 * await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: pipeline(decode(), melspec({ nMels: 32 }), db(), npy()), jobs: 1 });
 * const cv = await crossValidate({ manifest: join(dir, 'out', 'manifest.csv'), folds: 2, params: { model: 'tiny', epochs: 1 } });
 * assert.equal(cv.perFold.length, 2);
 * assert.equal(cv.recordings.length, 8); // every recording predicted once, by the fold model that never saw it
 * assert.ok(cv.mean.recordingTop1.mean >= 0 && cv.mean.recordingTop1.mean <= 1);
 * ```
 */
export async function crossValidate(options: CrossValidateOptions): Promise<CrossValidation> {
  const manifestDir = dirname(options.manifest);
  const resolved = await recipeTrainParams(manifestDir, options.params, options.recipe);
  const params = resolveTrainParams({ ...resolved.params, ...(options.groupBy === undefined ? {} : { groupBy: options.groupBy }) });
  const rows = await manifestRows(options.manifest, options.where);
  const classes = classList(rows);
  const dataset = new SpectrogramDataset(rows, { root: manifestDir, classes, input: options.input, secondaryWeight: params.secondaryWeight });
  const inputShape = await dataset.inputShape();
  const k = options.folds ?? 5;
  const splits = kFoldByRecording(rows, { folds: k, seed: params.seed, groupBy: params.groupBy });
  const log = options.log ?? (() => undefined);
  log(
    `${rows.length} chunks of ${new Set(rows.map((r) => r.source)).size} recordings, ${classes.length} classes, input ${inputShape.join('x')}; ` +
      `${k} folds by ${params.groupBy ?? 'recording'}` +
      (resolved.recipe === undefined ? '' : `; recipe ${resolved.recipe.name} v${resolved.recipe.version}`),
  );
  const perFold: FoldScores[] = [];
  const chunks: OutOfFold[] = [];
  for (const [f, split] of splits.entries()) {
    if (options.only !== undefined && !options.only.includes(f + 1)) continue;
    if (split.validation.length === 0) throw new Error(`fold ${f + 1} of ${k} has no rows: fewer groups than folds`);
    const fold = await runFold(options, dataset, split, f + 1, params);
    perFold.push(fold.scores);
    chunks.push(...fold.chunks);
    const s = fold.scores;
    log(
      `fold ${f + 1}/${k}: recording top-1 ${s.recording.top1.toFixed(3)}, ROC-AUC ${s.recording.macroRocAuc.toFixed(3)} (${s.testRecordings}); ` +
        `chunk top-1 ${s.chunk.top1.toFixed(3)}, ROC-AUC ${s.chunk.macroRocAuc.toFixed(3)} (${s.testChunks}); trained in ${s.trainSeconds.toFixed(0)} s`,
    );
  }
  const order = new Map(rows.map((r, i) => [r, i]));
  chunks.sort((a, b) => (order.get(a.row) ?? 0) - (order.get(b.row) ?? 0));
  const foldOf = new Map(chunks.map((c) => [c.row.source, c.fold]));
  const pooled = poolBySource(
    chunks.map((c) => c.row),
    chunks.map((c) => c.scores),
    options.pool ?? 'mean',
  );
  const recordings = pooled.items.map((row, i) => ({ row, fold: foldOf.get(row.source) ?? 0, scores: pooled.scores[i] }));
  const of = (get: (s: FoldScores) => number): MeanSd => meanSd(perFold.map(get));
  return {
    manifest: options.manifest,
    classes,
    folds: k,
    groupBy: params.groupBy,
    recipe: resolved.recipe,
    params,
    tta: options.tta ?? 1,
    pool: options.pool ?? 'mean',
    inputShape,
    perFold,
    mean: {
      ...levelMeans(perFold, (s) => s),
      trainSeconds: of((s) => s.trainSeconds),
      secondsPerExample: of((s) => s.secondsPerExample),
      cpuSecondsPerExample: of((s) => s.cpuSecondsPerExample),
    },
    meanWithoutTta: (options.tta ?? 1) > 1 ? levelMeans(perFold, (s) => s.withoutTta) : undefined,
    chunks,
    recordings,
    confusion: confusionMatrix(recordings, classes),
  };
}
