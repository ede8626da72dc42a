import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { BirdcallError } from '../errors.ts';
import type { Artifact, RunOptions, SourceFile } from '../pipeline/block.ts';
import type { InputLayout } from '../store/inputs.ts';
import { planSources } from '../store/plan.ts';
import type { InputRow } from '../store/manifest-types.ts';
import { resolveInside } from '../store/paths.ts';
import { loadPipelineFile, type ResolvedPipeline } from '../pipeline/pipeline.ts';
import { runPipelineOnFile } from '../pipeline/run.ts';
import type { ItemOutput } from '../pipeline/pool-thread.ts';
import { loadModel } from './artifacts.ts';
import { decodeInput, type InputShape } from './dataset.ts';
import { predictBatch } from './predict.ts';
import { rowId } from '../detect/tables.ts';

export { formatProbability, rowId } from '../detect/tables.ts';

/**
 * `birdcall predict`: run a trained model on raw audio. The model folder's pipeline.json is re-run on every
 * recording, so a chunk reaches the model through exactly the blocks that made its training images, and the
 * artifact bytes (PNG or .npy) are decoded back to the model input the way the trainer's dataset decodes its
 * files (`loadInput`): nothing is written to disk in between.
 */

/** A model folder ready to run on audio. */
export interface Predictor {
  dir: string;
  model: tf.LayersModel;
  classes: string[];
  pipeline: ResolvedPipeline;
  /** The artifact the model was trained on ('png', 'npy', …): train-config.json's `input`. */
  input: string;
  inputShape: InputShape;
  /** Nominal chunk length from the pipeline's chunk block, seconds; undefined when the pipeline has none. */
  chunkSeconds: number | undefined;
}

/** One chunk's class probabilities, in the predictor's class order. */
export interface ChunkPrediction {
  /** The recording, as listed in the input (relative to a folder or manifest root). */
  source: string;
  chunkIndex: number;
  startSeconds: number;
  endSeconds: number;
  /** BirdCLEF-style `<file stem>_<end second>`. */
  rowId: string;
  scores: Float32Array;
}

/**
 * Loads a model folder for prediction: the model (batchnorm folded, as `loadModel` gives it), its classes, and
 * the pipeline saved with it (pipeline.json), resolved so that recordings go through the blocks that made the
 * training inputs. User block modules the pipeline names must sit in the model folder.
 *
 * @param dir - a model folder written by `trainFromManifest` (`birdcall train`) with the pipeline it was
 *   trained on (found beside the manifest, or given with `pipeline`).
 * @returns the model, `classes` (output order), the resolved `pipeline`, `input` (the artifact the model reads,
 *   train-config.json's `input`: 'npy', default 'png'), `inputShape` ([mel bins, frames, channels]) and
 *   `chunkSeconds` (the pipeline's chunk length in seconds, undefined without a chunk block).
 * @throws BirdcallError MODEL_UNREADABLE / MODEL_INVALID naming the file when the model is missing or damaged
 *   (see `loadModel`), MODEL_NO_PIPELINE when pipeline.json is missing or null (retrain with a pipeline), and
 *   a UsageError (code USAGE) when the saved pipeline does not resolve (unknown block, bad parameter, a block
 *   module outside the folder).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { chunk, convert, db, decode, encodeWav, melspec, npy, pipeline } from 'birdcall';
 * import { loadPredictor, trainFromManifest } from 'birdcall/train';
 *
 * // A model folder as trainFromManifest's example makes one: 0.5 s tones labelled 'low' and 'high', a tiny model.
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * const tone = (hz: number, seconds: number) => encodeWav(Float32Array.from({ length: Math.round(seconds * 22050) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / 22050)), 22050);
 * for (const [label, hz] of [['low', 500], ['high', 4000]] as const) {
 *   await mkdir(join(dir, 'in', label), { recursive: true });
 *   for (let k = 0; k < 4; k++) await writeFile(join(dir, 'in', label, `${label}${k}.wav`), tone(hz * (1 + k / 10), 0.5));
 * }
 * await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: pipeline(decode(), chunk({ seconds: 0.5 }), melspec({ nMels: 32 }), db(), npy()), jobs: 1 });
 * await trainFromManifest({ manifest: join(dir, 'out', 'manifest.csv'), out: join(dir, 'model'), params: { model: 'tiny', epochs: 1 } });
 const predictor = await loadPredictor(join(dir, 'model'));
 * assert.deepEqual(predictor.classes, ['high', 'low']); // the model's output order
 * assert.equal(predictor.input, 'npy');
 * assert.deepEqual(predictor.inputShape, [32, 22, 1]); // 32 mel bands x 22 frames of 0.5 s
 * assert.equal(predictor.chunkSeconds, 0.5);
 * assert.deepEqual(predictor.pipeline.steps.map((s) => s.block.name), ['decode', 'chunk', 'melspec', 'db', 'npy']);
 * await assert.rejects(loadPredictor(join(dir, 'nowhere')), { code: 'MODEL_UNREADABLE' });
 * await writeFile(join(dir, 'model', 'pipeline.json'), 'null'); // as trained without a pipeline
 * await assert.rejects(loadPredictor(join(dir, 'model')), { code: 'MODEL_NO_PIPELINE' });
 * ```
 */
export async function loadPredictor(dir: string): Promise<Predictor> {
  const loaded = await loadModel(dir);
  if (loaded.pipeline === null || loaded.pipeline === undefined) {
    throw new BirdcallError(
      'MODEL_NO_PIPELINE',
      'the model folder has no pipeline.json, so its preprocessing is unknown; retrain with --pipeline FILE',
      dir,
    );
  }
  // Through the pipeline-file loader, not resolvePipeline: a spec naming user block modules finds them
  // beside pipeline.json, under the same "inside the folder" rule as any pipeline file.
  const pipeline = await loadPipelineFile(join(dir, 'pipeline.json'));
  const input = typeof loaded.trainConfig.input === 'string' ? loaded.trainConfig.input : 'png';
  const chunk = pipeline.steps.find((s) => s.block.name === 'chunk');
  const seconds = chunk?.params.seconds;
  return {
    dir,
    model: loaded.model,
    classes: loaded.classes,
    pipeline,
    input,
    inputShape: loaded.inputShape,
    chunkSeconds: typeof seconds === 'number' ? seconds : undefined,
  };
}

/**
 * Class probabilities for every chunk of one recording held in memory: the predictor's pipeline runs on the
 * bytes (decode, chunk, spectrogram, image), each chunk's artifact is decoded to the model input as the trainer
 * decodes its files, and the model scores the chunks. A chunk's row_id ends at its nominal end (start + chunk
 * length), as BirdCLEF's do, even when the last chunk was zero-padded. For files, folders and manifests use
 * `predictFiles` or `predictArchive` (they stream long recordings and go on past bad files).
 *
 * @param predictor - from `loadPredictor`.
 * @param file - `path` (names the recording in rows and errors; its stem starts each row_id) and `bytes` (the
 *   whole file: WAV, FLAC, Ogg Vorbis or MP3).
 * @param batchSize - chunks run through the model at a time (default 32).
 * @param runOptions - `verifyMd5`: refuse a FLAC whose decoded audio does not match the MD5 signature in its
 *   header (FLAC_MD5_MISMATCH; default off, frame CRCs are always checked).
 * @returns one ChunkPrediction per chunk, in time order: `source` (the path), `chunkIndex`, `startSeconds` and
 *   `endSeconds` (seconds from the start of the recording), `rowId`, and `scores` (a probability in [0, 1] per
 *   class, in `predictor.classes` order).
 * @throws BirdcallError from decoding (WAV_*, FLAC_*, FLAC_MD5_MISMATCH, OGG_*, MP3_*, AUDIO_UNKNOWN_FORMAT…) or another block,
 *   PREDICT_NO_INPUT when the pipeline made no artifact of the kind the model reads, INPUT_SHAPE_MISMATCH when
 *   a chunk's input differs from the model's input shape.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { chunk, convert, db, decode, encodeWav, melspec, npy, pipeline } from 'birdcall';
 * import { loadPredictor, predictSource, trainFromManifest } from 'birdcall/train';
 *
 * // A model folder as trainFromManifest's example makes one: 0.5 s tones labelled 'low' and 'high', a tiny model.
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * const tone = (hz: number, seconds: number) => encodeWav(Float32Array.from({ length: Math.round(seconds * 22050) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / 22050)), 22050);
 * for (const [label, hz] of [['low', 500], ['high', 4000]] as const) {
 *   await mkdir(join(dir, 'in', label), { recursive: true });
 *   for (let k = 0; k < 4; k++) await writeFile(join(dir, 'in', label, `${label}${k}.wav`), tone(hz * (1 + k / 10), 0.5));
 * }
 * await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: pipeline(decode(), chunk({ seconds: 0.5 }), melspec({ nMels: 32 }), db(), npy()), jobs: 1 });
 * await trainFromManifest({ manifest: join(dir, 'out', 'manifest.csv'), out: join(dir, 'model'), params: { model: 'tiny', epochs: 1 } });
 const predictor = await loadPredictor(join(dir, 'model'));
 * const rows = await predictSource(predictor, { path: 'site1/dawn.wav', bytes: tone(4000, 1.2) }); // or: await readFile(path)
 * assert.deepEqual(rows.map((r) => r.startSeconds), [0, 0.5, 1]);
 * assert.deepEqual(rows.map((r) => r.rowId), ['dawn_0.5', 'dawn_1', 'dawn_1.5']); // the last chunk zero-padded
 * assert.ok(rows.every((r) => r.source === 'site1/dawn.wav' && r.scores.length === 2 && r.scores.every((p) => p >= 0 && p <= 1)));
 * await assert.rejects(predictSource(predictor, { path: 'broken.wav', bytes: new TextEncoder().encode('not audio') }), { code: 'WAV_NOT_RIFF' });
 * ```
 */
export async function predictSource(predictor: Predictor, file: SourceFile, batchSize = 32, runOptions: RunOptions = {}): Promise<ChunkPrediction[]> {
  const result = await runPipelineOnFile(predictor.pipeline, file, runOptions);
  return predictItems(predictor, file.path, result.items, batchSize);
}

/** The chunks one recording's pipeline run made (here or in a worker thread), through the model. */
export async function predictItems(predictor: Predictor, path: string, items: readonly ItemOutput[], batchSize = 32, tta = 1): Promise<ChunkPrediction[]> {
  // Decoded all at once: sharp decodes on libuv's threads, so awaiting one image after another would leave
  // them idle and this thread waiting (a quarter of the wall time on an hour-long recording).
  const settled = await Promise.allSettled(items.map((item) => modelInput(predictor, path, item)));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const inputs = settled.map((r) => (r as PromiseFulfilledResult<Float32Array>).value);
  const scores = inputs.length > 0 ? predictBatch(predictor.model, inputs, predictor.inputShape, batchSize, tta) : [];
  return items.map((item, i) => {
    const end = predictor.chunkSeconds !== undefined ? item.startSeconds + predictor.chunkSeconds : item.endSeconds;
    return {
      source: path,
      chunkIndex: item.chunkIndex,
      startSeconds: item.startSeconds,
      endSeconds: end,
      rowId: rowId(path, end),
      scores: scores[i],
    };
  });
}

/** One chunk's artifact decoded to the model's input, checked against the model's input shape. */
async function modelInput(predictor: Predictor, path: string, item: ItemOutput): Promise<Float32Array> {
  const artifact: Artifact | undefined = item.artifacts.find((a) => a.name === predictor.input);
  if (artifact === undefined) {
    throw new BirdcallError(
      'PREDICT_NO_INPUT',
      `the model reads "${predictor.input}" artifacts but its pipeline made none for chunk ${item.chunkIndex}`,
      path,
    );
  }
  const decoded = await decodeInput(artifact.bytes, `${path}#${item.chunkIndex}.${artifact.ext}`);
  if (decoded.shape.some((d, i) => d !== predictor.inputShape[i])) {
    throw new BirdcallError(
      'INPUT_SHAPE_MISMATCH',
      `chunk ${item.chunkIndex} gives an input of shape [${decoded.shape.join(', ')}] but the model expects [${predictor.inputShape.join(', ')}]`,
      path,
    );
  }
  return decoded.data;
}

/** A recording to predict: its path as the input lists it, where to read it, and its input row. */
export interface PredictionSource {
  path: string;
  abs: string;
  row: InputRow;
}

/**
 * The recordings of INPUT: one audio file (any format the decode block reads), a folder, or a manifest CSV
 * (BirdCLEF train_metadata.csv or a birdcalls manifest), the last two read as `convert` reads them.
 */
export async function predictionSources(
  input: string,
  options: {
    /** Keep only the rows this returns true for (one shard). */
    filter?: (row: InputRow) => boolean;
    /** A row whose path cannot be used (outside the root, empty): reported here and skipped. */
    onInvalid?: (path: string, error: BirdcallError) => void;
  } = {},
): Promise<{ count: number; layout: InputLayout | 'file'; sources: AsyncIterable<PredictionSource> }> {
  let info;
  try {
    info = await stat(input);
  } catch {
    throw new BirdcallError('INPUT_NOT_FOUND', 'no such file or folder', input);
  }
  if (info.isFile() && !input.toLowerCase().endsWith('.csv')) {
    const single = { path: basename(input), abs: resolve(input), row: { path: basename(input), primaryLabel: '', secondaryLabels: [], metadata: {} } };
    return { count: 1, layout: 'file', sources: (async function* () { yield single; })() };
  }
  // convert's walk over the input (store/plan.ts): the same rows, order, repeats and unusable paths.
  const plan = await planSources(input, options.filter);
  const count = await plan.count();
  const { onInvalid } = options;
  const sources = (async function* () {
    for await (const item of plan.items()) {
      if (item.kind === 'duplicate') continue;
      if (item.kind === 'invalid') {
        if (!onInvalid) throw item.error;
        onInvalid(item.rawPath, item.error);
        continue;
      }
      const { row } = item;
      let abs: string;
      try {
        abs = await resolveInside(plan.root, row.path, row.origin ?? row.path);
      } catch (error) {
        if (!(onInvalid && error instanceof BirdcallError)) throw error;
        onInvalid(row.path, error);
        continue;
      }
      yield { path: row.path, abs, row };
    }
  })();
  return { count, layout: plan.layout, sources };
}
