import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BirdcallError } from '../errors.ts';
import { readOutputManifest } from '../store/manifest.ts';
import { parsePipelineFile } from '../pipeline/pipeline.ts';
import type { OutputRow } from '../store/manifest-types.ts';
import { saveModelArtifacts, type HistoryRow } from './artifacts.ts';
import { recipeTrainParams } from './recipes.ts';
import { classList, SpectrogramDataset, splitByRecording, type Split } from './dataset.ts';
import { resolveTrainParams, trainModel, type BatchProgress, type EpochReport, type TrainParamsInput, type TrainResult } from './train.ts';

export interface TrainFromManifestOptions {
  /** The output manifest of `birdcall convert` (artifact paths are relative to its folder). */
  manifest: string;
  /** Model folder to write, e.g. models/NAME. */
  out: string;
  params?: TrainParamsInput;
  /**
   * Start from this recipe's training settings (`params` override them); default: the recipe recorded beside
   * the manifest by `convert`, else the trainer's defaults.
   */
  recipe?: string;
  /**
   * The pipeline that made the inputs, saved as pipeline.json so predict preprocesses identically: an object,
   * a path to a pipeline file, or undefined to look beside the manifest (pipeline.json / .yaml / .yml).
   */
  pipeline?: unknown;
  /** Which artifact column to read (default: png if every row has one, else npy). */
  input?: string;
  /** Keep only rows whose metadata columns equal these values, e.g. { subset: 'labelled_clips' }. */
  where?: Record<string, string>;
  onEpoch?: (report: EpochReport) => void;
  onBatch?: (progress: BatchProgress) => void;
  /** Abort to stop before the next batch: throws INTERRUPTED and writes nothing. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface TrainFromManifestResult extends TrainResult {
  out: string;
  split: Split;
  /** What pipeline.json holds (null when no pipeline spec was found). */
  pipeline: unknown;
}

/** An epoch as a history.csv row (snake_case columns; empty where a metric is undefined). */
export function historyRow(report: EpochReport): HistoryRow {
  const v = report.validation;
  const cell = (x: number | undefined): number | string => (x === undefined ? '' : x);
  return {
    epoch: report.epoch,
    loss: report.loss,
    val_loss: cell(v?.loss),
    val_top1: cell(v?.top1),
    val_macro_roc_auc: cell(v?.macroRocAuc),
    val_padded_cmap: cell(v?.paddedCmap),
    val_rowwise_micro_f1: cell(v?.rowwiseMicroF1),
    val_secondary_roc_auc: cell(v?.secondaryRocAuc),
    learning_rate: report.learningRate,
    seconds: report.seconds,
  };
}

/** One line per epoch for logs: loss, validation metrics, seconds. */
export function formatEpoch(report: EpochReport, epochs: number): string {
  const v = report.validation;
  const parts = [`epoch ${report.epoch}/${epochs}`, `loss ${report.loss.toFixed(4)}`];
  if (v !== undefined) {
    parts.push(`val_loss ${v.loss.toFixed(4)}`);
    if (v.top1 !== undefined) parts.push(`top1 ${v.top1.toFixed(3)}`);
    if (v.macroRocAuc !== undefined) parts.push(`roc_auc ${v.macroRocAuc.toFixed(3)}`);
    if (v.paddedCmap !== undefined) parts.push(`cmap ${v.paddedCmap.toFixed(3)}`);
    if (v.rowwiseMicroF1 !== undefined) parts.push(`f1 ${v.rowwiseMicroF1.toFixed(3)}`);
  }
  parts.push(`lr ${report.learningRate.toExponential(2)}`, `${report.seconds.toFixed(1)} s`);
  return parts.join('  ');
}

async function readPipelineSpec(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  // Validated as a pipeline file, then kept as plain JSON: the trainer never runs it, predict does.
  return parsePipelineFile(text, { path });
}

/** The pipeline spec: given, read from a given path, or found beside the manifest (convert's output folder). */
export async function findPipelineSpec(manifest: string, given: unknown): Promise<unknown> {
  if (typeof given === 'string') return readPipelineSpec(given);
  if (given !== undefined && given !== null) return given;
  const dir = dirname(manifest);
  for (const name of ['pipeline.json', 'pipeline.yaml', 'pipeline.yml']) {
    try {
      return await readPipelineSpec(join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  try {
    const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { pipeline?: unknown };
    if (summary.pipeline !== undefined) return summary.pipeline;
  } catch {
    // no summary, or one without the pipeline: the caller warns
  }
  return null;
}

/** The labelled rows of a convert output manifest, optionally only those matching `where`; none is an error. */
export async function manifestRows(path: string, where: Record<string, string> = {}): Promise<OutputRow[]> {
  const rows = await readOutputManifest(path);
  const conditions = Object.entries(where);
  const kept = rows.filter((r) => r.primaryLabel !== '' && conditions.every(([column, value]) => (r.metadata[column] ?? '') === value));
  if (kept.length === 0) {
    const filter = conditions.length > 0 ? ` matching ${conditions.map(([c, v]) => `${c}=${v}`).join(', ')}` : '';
    throw new BirdcallError('MANIFEST_EMPTY', `no labelled rows${filter} to train on`, path);
  }
  return kept;
}

/**
 * `birdcall train`: read a convert output manifest, split by recording, train, and write the model folder.
 * Rows without a primary label (unlabelled soundscapes) are left out.
 *
 * @param options - `manifest` (convert's manifest.csv), `out` (the model folder to write), `params` (every
 *   option and default: [trainParams](parameters.md#trainparams)), `recipe` (start from a recipe's
 *   settings), `pipeline` (default: found beside the manifest), `input` (artifact column: png, else npy),
 *   `where` (metadata filter), `onEpoch`, `onBatch`, `signal`, `log`.
 * @returns what trainModel returns, plus the folder, the split and the pipeline saved.
 * @throws BirdcallError MANIFEST_EMPTY when no labelled row is left, INTERRUPTED (nothing written) on abort.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { convert, pipeline, decode, melspec, db, npy, encodeWav } from 'birdcall';
 * import { loadModel, trainFromManifest } from 'birdcall/train';
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
 * const result = await trainFromManifest({ manifest: join(dir, 'out', 'manifest.csv'), out: join(dir, 'model'), params: { model: 'tiny', epochs: 1 } });
 * assert.equal(result.history.length, 1);
 * const saved = await loadModel(join(dir, 'model')); // model.json, classes.json, pipeline.json, history.csv…
 * assert.deepEqual(saved.classes, ['high', 'low']);
 * assert.deepEqual(saved.inputShape, [32, 22, 1]); // 32 mel bands x 22 frames of 0.5 s
 * ```
 */
export async function trainFromManifest(options: TrainFromManifestOptions): Promise<TrainFromManifestResult> {
  const log = options.log ?? (() => undefined);
  const resolved = await recipeTrainParams(dirname(options.manifest), options.params, options.recipe);
  const params = resolveTrainParams(resolved.params);
  log(resolved.recipe === undefined ? 'no recipe recorded beside the manifest: the trainer defaults, with the options given' : `recipe ${resolved.recipe.name} v${resolved.recipe.version}, with the options given on top`);
  const rows = await manifestRows(options.manifest, options.where);
  const pipeline = await findPipelineSpec(options.manifest, options.pipeline);
  if (pipeline === null) log(`warning: no pipeline spec found beside ${options.manifest}; predict will need one (--pipeline)`);
  const classes = classList(rows);
  const dataset = new SpectrogramDataset(rows, { root: dirname(options.manifest), classes, input: options.input, secondaryWeight: params.secondaryWeight });
  const split = splitByRecording(rows, { validationFraction: params.validationFraction, groupBy: params.groupBy, seed: params.seed });
  const shape = await dataset.inputShape();
  log(`${rows.length} chunks, ${classes.length} classes, input ${shape.join('x')} (${dataset.column}); ${split.train.length} train / ${split.validation.length} validation chunks`);
  const result = await trainModel({ dataset, split, params, onEpoch: options.onEpoch, onBatch: options.onBatch, log, signal: options.signal });
  const best = result.best.validation;
  await saveModelArtifacts(options.out, {
    model: result.model,
    classes: result.classes,
    pipeline,
    trainConfig: { ...result.params, recipe: resolved.recipe ?? null, manifest: options.manifest, input: dataset.column, inputShape: result.inputShape },
    history: result.history.map(historyRow),
    metrics: {
      bestEpoch: result.best.epoch,
      epochsRun: result.history.length,
      stoppedEarly: result.stoppedEarly,
      validation: best ?? null,
      trainChunks: split.train.length,
      validationChunks: split.validation.length,
      secondsPerExample: result.secondsPerExample,
      tfjsVersion: result.backend.tfjsVersion,
    },
    backend: result.backend.description,
  });
  return { ...result, out: options.out, split, pipeline };
}
