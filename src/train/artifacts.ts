import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { stringify } from 'csv-stringify/sync';
import { BirdcallError } from '../errors.ts';
import { TEMP_SUFFIX, writeFileAtomic } from '../store/atomic.ts';
import { foldBatchNorm } from './fold.ts';

/**
 * A trained model folder, `models/<name>/`:
 *   model.json + weights.bin  the standard TF.js layers format (loadable by tfjs-node and tfjs-converter)
 *   classes.json              the class list, in output-column order
 *   pipeline.json             the pipeline spec that made the inputs, so predict preprocesses identically
 *   train-config.json         every training option, resolved (seed included)
 *   history.csv               one row per epoch
 *   metrics.json              final validation metrics, backend and timing
 *   backend.txt               which backend trained it, one line
 */
export interface ModelArtifacts {
  model: tf.LayersModel;
  classes: string[];
  /** Opaque: whatever pipeline spec the caller used (null when unknown). */
  pipeline: unknown;
  trainConfig: Record<string, unknown>;
  history: Record<string, number | string>[];
  metrics: Record<string, unknown>;
  backend: string;
}

/** One epoch's row in history.csv and in the per-epoch callback. */
export type HistoryRow = Record<string, number | string>;

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Write the model in the TF.js layers format (model.json + weights.bin) without tfjs-node's file:// handler. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (artifacts.modelTopology === undefined || artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
        throw new Error('model.save produced no topology or weights');
      }
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      // Weights first: a model.json only ever points at a complete weights.bin.
      await writeFileAtomic(join(dir, 'weights.bin'), weights);
      await writeFileAtomic(join(dir, 'model.json'), json(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
}

/** Read model.json + its weight files from `dir`. */
export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const file = join(dir, 'model.json');
  let parsed: { modelTopology?: object; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as typeof parsed;
  } catch (error) {
    throw new BirdcallError('MODEL_UNREADABLE', `cannot read the model (${(error as Error).message})`, file);
  }
  if (parsed.modelTopology === undefined || !Array.isArray(parsed.weightsManifest)) {
    throw new BirdcallError('MODEL_INVALID', 'model.json lacks modelTopology or weightsManifest (not a TF.js layers model)', file);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of parsed.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      if (path.includes('/') || path.includes('\\') || path.startsWith('.')) {
        throw new BirdcallError('PATH_ESCAPE', `weights path "${path}" must be a file name beside model.json`, file);
      }
      const bytes = await readFile(join(dir, path));
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
  }
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: parsed.modelTopology, weightSpecs: specs, weightData: buffers }));
}

/**
 * Writes a model folder as a whole: its files go to a temp folder beside it, which is then renamed into
 * place (a previous folder of the same name is moved aside first, and removed after). A run stopped or
 * killed at any point leaves the old folder or the new one, never a mix of both; at worst a
 * `.NAME.*.birdcall-tmp` folder beside it.
 *
 * @param dir - the model folder (replaced if it exists).
 * @param artifacts - the model, its classes, the pipeline spec, the training config, history, metrics and backend line.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { buildModel, initBackend, loadModel, saveModelArtifacts } from 'birdcall/train';
 *
 * const backend = await initBackend();
 * const model = buildModel({ name: 'tiny', inputShape: [16, 16, 1], classes: 2, seed: 0 });
 * const dir = join(await mkdtemp(join(tmpdir(), 'birdcall-')), 'model');
 * await saveModelArtifacts(dir, { model, classes: ['robin', 'wren'], pipeline: null, trainConfig: {}, history: [], metrics: {}, backend: backend.description });
 * assert.deepEqual((await loadModel(dir)).classes, ['robin', 'wren']);
 * ```
 */
export async function saveModelArtifacts(dir: string, artifacts: ModelArtifacts): Promise<void> {
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}`);
  const staging = `${temp}${TEMP_SUFFIX}`;
  const previous = `${temp}.old${TEMP_SUFFIX}`;
  try {
    await writeModelFiles(staging, artifacts);
    const replacing = await rename(target, previous).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    try {
      await rename(staging, target);
    } catch (err) {
      if (replacing) await rename(previous, target);
      throw err;
    }
    if (replacing) await rm(previous, { recursive: true, force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function writeModelFiles(dir: string, artifacts: ModelArtifacts): Promise<void> {
  await saveLayersModel(artifacts.model, dir);
  await writeFileAtomic(join(dir, 'classes.json'), json(artifacts.classes));
  await writeFileAtomic(join(dir, 'pipeline.json'), json(artifacts.pipeline ?? null));
  await writeFileAtomic(join(dir, 'train-config.json'), json(artifacts.trainConfig));
  await writeFileAtomic(join(dir, 'history.csv'), historyCsv(artifacts.history));
  await writeFileAtomic(join(dir, 'metrics.json'), json({ ...artifacts.metrics, backend: artifacts.backend }));
  await writeFileAtomic(join(dir, 'backend.txt'), `${artifacts.backend}\n`);
}

export function historyCsv(history: readonly HistoryRow[]): string {
  const columns = [...new Set(history.flatMap((row) => Object.keys(row)))];
  return stringify(
    history.map((row) => columns.map((c) => row[c] ?? '')),
    { header: true, columns },
  );
}

/** A model folder read back: the model, its classes and the pipeline that made its inputs. */
export interface LoadedModel {
  /** The inference form: batchnorm folded into the convolutions before it (src/train/fold.ts). */
  model: tf.LayersModel;
  classes: string[];
  pipeline: unknown;
  /** [height, width, channels] of one input. */
  inputShape: [number, number, number];
  trainConfig: Record<string, unknown>;
}

/**
 * A model folder read back for inference (what `predict` and `select --models` load): the model with batchnorm
 * folded into its convolutions, the class list, the pipeline spec and the training config.
 *
 * @param dir - a folder written by `trainFromManifest` or `saveModelArtifacts`.
 * @throws BirdcallError MODEL_INVALID naming the file when classes.json is missing or does not match the model.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { buildModel, initBackend, loadModel, saveModelArtifacts } from 'birdcall/train';
 *
 * await initBackend();
 * const model = buildModel({ name: 'tiny', inputShape: [16, 24, 1], classes: 3, seed: 0 });
 * const dir = join(await mkdtemp(join(tmpdir(), 'birdcall-')), 'model');
 * await saveModelArtifacts(dir, { model, classes: ['a', 'b', 'c'], pipeline: null, trainConfig: { epochs: 1 }, history: [], metrics: {}, backend: 'example' });
 * const loaded = await loadModel(dir);
 * assert.deepEqual(loaded.inputShape, [16, 24, 1]);
 * assert.deepEqual(loaded.trainConfig, { epochs: 1 });
 * ```
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const saved = await loadLayersModel(dir);
  const model = foldBatchNorm(saved);
  if (model !== saved) saved.dispose();
  const readJson = async (name: string, fallback: unknown): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
      throw new BirdcallError('MODEL_INVALID', `cannot parse ${name}: ${(error as Error).message}`, join(dir, name));
    }
  };
  const classes = await readJson('classes.json', undefined);
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
    throw new BirdcallError('MODEL_INVALID', 'classes.json is missing or is not a list of class names', join(dir, 'classes.json'));
  }
  const outputs = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  if (outputs !== classes.length) {
    throw new BirdcallError('MODEL_INVALID', `classes.json lists ${classes.length} classes but the model has ${outputs} outputs`, dir);
  }
  const shape = model.inputs[0].shape.slice(1) as number[];
  return {
    model,
    classes: classes as string[],
    pipeline: await readJson('pipeline.json', null),
    inputShape: [shape[0], shape[1], shape[2]],
    trainConfig: (await readJson('train-config.json', {})) as Record<string, unknown>,
  };
}
