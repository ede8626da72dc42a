import { setImmediate } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs';
import { macroRocAuc, paddedCmap, rocAuc, rowwiseMicroF1, top1Accuracy } from '../metrics/index.ts';
import { BirdcallError } from '../errors.ts';
import { initBackend, type BackendInfo } from './backend.ts';
import { multiHot, type InputShape, type SpectrogramDataset, type Split } from './dataset.ts';
import { buildModel } from './models.ts';
import { resolveTrainParams, type Monitor, type TrainParams, type TrainParamsInput } from './params.ts';
import { TrainRng } from './random.ts';
import { Adam } from './adam.ts';
import { predictFlatTta } from './predict.ts';
import { rollTime } from './tta.ts';
import { canShare, ReplicaGroup, shareGradients } from './replicas.ts';

export { MONITORS, resolveTrainParams, trainParams, type Monitor, type TrainParams, type TrainParamsInput } from './params.ts';

/** Validation metrics of one evaluation; undefined where the validation set cannot define them. */
export interface Evaluation {
  loss: number;
  top1?: number;
  macroRocAuc?: number;
  paddedCmap?: number;
  rowwiseMicroF1?: number;
  /** Macro ROC-AUC of the secondary labels alone (each class scored on rows where it is not the primary). */
  secondaryRocAuc?: number;
}

export interface EpochReport {
  epoch: number;
  /** Mean training loss over the epoch's steps (on augmented inputs). */
  loss: number;
  validation?: Evaluation;
  learningRate: number;
  seconds: number;
}

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
}

export interface TrainOptions {
  dataset: SpectrogramDataset;
  split: Split;
  params?: TrainParamsInput;
  onEpoch?: (report: EpochReport) => void;
  onBatch?: (progress: BatchProgress) => void;
  /** Free-text lines (backend choice, early stop). */
  log?: (line: string) => void;
  /** Abort to stop before the next batch (SIGINT/SIGTERM): throws INTERRUPTED, nothing is returned. */
  signal?: AbortSignal;
}

export interface TrainResult {
  /** The model with the weights of the best epoch. */
  model: tf.LayersModel;
  params: TrainParams;
  classes: string[];
  inputShape: InputShape;
  history: EpochReport[];
  /** The epoch whose weights were kept. */
  best: EpochReport;
  stoppedEarly: boolean;
  backend: BackendInfo;
  /** Training wall time per example seen (excludes validation). */
  secondsPerExample: number;
}


/** Learning rate at a fractional epoch position t in [0, epochs). */
export function learningRateAt(params: TrainParams, t: number): number {
  switch (params.schedule) {
    case 'constant':
      return params.learningRate;
    case 'step':
      return params.learningRate * params.stepFactor ** Math.floor(t / params.stepEpochs);
    case 'cosine': {
      const floor = params.learningRate * 0.01;
      return floor + 0.5 * (params.learningRate - floor) * (1 + Math.cos((Math.PI * t) / params.epochs));
    }
  }
}

/** Per-example loss weights (mean 1 over the training set) giving each primary label equal total weight. */
function balanceWeights(primary: Int32Array, indices: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const i of indices) counts.set(primary[i], (counts.get(primary[i]) ?? 0) + 1);
  const weights = new Map<number, number>();
  for (const i of indices) weights.set(i, indices.length / (counts.size * (counts.get(primary[i]) ?? 1)));
  return weights;
}

/** An epoch's example order: a shuffle, or a draw with replacement favouring rare primary labels. */
function epochOrder(rng: TrainRng, indices: readonly number[], primary: Int32Array, oversample: boolean): number[] {
  if (!oversample) return rng.shuffle([...indices]);
  // Pick a class uniformly, then an example of it: every class is seen equally often on average.
  const byClass = new Map<number, number[]>();
  for (const i of indices) {
    const list = byClass.get(primary[i]);
    if (list) list.push(i);
    else byClass.set(primary[i], [i]);
  }
  const groups = [...byClass.keys()].sort((a, b) => a - b).map((k) => byClass.get(k) ?? []);
  return indices.map(() => {
    const group = groups[rng.int(groups.length)];
    return group[rng.int(group.length)];
  });
}

/**
 * Augment a batch in place: time shift, gain, SpecAugment masks, then mixup (which also merges targets).
 * x is [n, h, w, c] row-major. Masks fill with the example's mean so they add no artificial edges.
 */
export function augmentBatch(
  x: Float32Array,
  y: Float32Array,
  n: number,
  shape: InputShape,
  classes: number,
  params: TrainParams,
  rng: TrainRng,
  primary?: ArrayLike<number>,
): void {
  const [h, w, c] = shape;
  const size = h * w * c;
  const rowLength = w * c;
  const row = new Float32Array(rowLength);
  for (let b = 0; b < n; b++) {
    const base = b * size;
    rollTime(x, base, shape, Math.round(rng.uniform(-params.timeShift, params.timeShift) * w), row);
    const gain = params.gain > 0 ? rng.uniform(-params.gain, params.gain) : 0;
    let sum = 0;
    for (let i = base; i < base + size; i++) {
      const v = Math.min(1, Math.max(0, x[i] + gain));
      x[i] = v;
      sum += v;
    }
    const mean = sum / size;
    for (let m = 0; m < params.freqMasks; m++) {
      const height = rng.int(Math.floor(params.freqMaskWidth * h) + 1);
      const top = rng.int(h - height + 1);
      x.fill(mean, base + top * rowLength, base + (top + height) * rowLength);
    }
    for (let m = 0; m < params.timeMasks; m++) {
      const width = rng.int(Math.floor(params.timeMaskWidth * w) + 1);
      const left = rng.int(w - width + 1);
      for (let r = 0; r < h; r++) x.fill(mean, base + r * rowLength + left * c, base + r * rowLength + (left + width) * c);
    }
  }
  mixup(x, y, n, size, classes, params, rng, primary);
}

/**
 * Mixup within a batch: a fraction `mixupProbability` of the examples are blended with another one of the
 * batch (any, or one with the same primary label when `primary` is given and mixupPairs is 'same-label').
 * The target is the union of the two label sets (both birds are audible in the mix) or, with mixupTarget
 * 'blend', the labels weighted as the images were.
 */
function mixup(x: Float32Array, y: Float32Array, n: number, size: number, classes: number, params: TrainParams, rng: TrainRng, primary?: ArrayLike<number>): void {
  if (!(params.mixupAlpha > 0 && params.mixupProbability > 0 && n > 1)) return;
  const original = x.slice(0, n * size);
  const targets = y.slice(0, n * classes);
  const sameLabel = params.mixupPairs === 'same-label' && primary !== undefined;
  for (let b = 0; b < n; b++) {
    if (rng.next() >= params.mixupProbability) continue;
    let other: number;
    if (sameLabel) {
      const partners = Array.from({ length: n }, (_, j) => j).filter((j) => j !== b && primary[j] === primary[b]);
      if (partners.length === 0) continue;
      other = partners[rng.int(partners.length)];
    } else other = (b + 1 + rng.int(n - 1)) % n;
    const lambda = rng.beta(params.mixupAlpha, params.mixupAlpha);
    for (let i = 0; i < size; i++) x[b * size + i] = lambda * original[b * size + i] + (1 - lambda) * original[other * size + i];
    for (let k = 0; k < classes; k++) {
      const mine = targets[b * classes + k];
      const theirs = targets[other * classes + k];
      y[b * classes + k] = params.mixupTarget === 'blend' ? lambda * mine + (1 - lambda) * theirs : Math.max(mine, theirs);
    }
  }
}

/**
 * Predict a set of rows in batches (inference mode), returning one probability row per example; with `tta`
 * above 1, each the mean over that many time-shifted copies (src/train/tta.ts).
 */
export async function predictRows(
  model: tf.LayersModel,
  dataset: SpectrogramDataset,
  indices: readonly number[],
  batchSize: number,
  tta = 1,
): Promise<Float32Array[]> {
  const shape = await dataset.inputShape();
  const out: Float32Array[] = [];
  for (let start = 0; start < indices.length; start += batchSize) {
    const part = indices.slice(start, start + batchSize);
    const batch = await dataset.batch(part);
    const scores = predictFlatTta(model, batch.x, part.length, shape, tta);
    const k = scores.length / part.length;
    for (let b = 0; b < part.length; b++) out.push(scores.slice(b * k, (b + 1) * k));
  }
  return out;
}

/**
 * Validation metrics on 0/1 truth (primary and secondary labels both 1, as the competitions score),
 * whatever secondaryWeight training used. Metrics a set cannot define (no positives) are left undefined.
 */
export function evaluate(dataset: SpectrogramDataset, indices: readonly number[], scores: Float32Array[]): Evaluation {
  const truth = indices.map((i) => multiHot(dataset.rows[i], dataset.classes, 1));
  const primaryAll = dataset.primaryIndex();
  let loss = 0;
  for (let r = 0; r < truth.length; r++) {
    for (let k = 0; k < truth[r].length; k++) {
      const p = Math.min(1 - 1e-7, Math.max(1e-7, scores[r][k]));
      loss -= truth[r][k] * Math.log(p) + (1 - truth[r][k]) * Math.log(1 - p);
    }
  }
  const result: Evaluation = { loss: loss / Math.max(1, truth.length * dataset.classes.length) };
  if (indices.length === 0) return result;
  const labelled = indices.map((i, r) => [primaryAll[i], r]).filter(([p]) => p >= 0);
  if (labelled.length > 0) result.top1 = top1Accuracy(labelled.map(([p]) => p), labelled.map(([, r]) => scores[r]));
  const auc = macroRocAuc(truth, scores);
  if (Number.isFinite(auc.value)) result.macroRocAuc = auc.value;
  result.paddedCmap = paddedCmap(truth, scores, 5);
  result.rowwiseMicroF1 = rowwiseMicroF1(truth, scores, 0.5);
  const secondary = secondaryAuc(dataset, indices, scores);
  if (secondary !== undefined) result.secondaryRocAuc = secondary;
  return result;
}

function secondaryAuc(dataset: SpectrogramDataset, indices: readonly number[], scores: Float32Array[]): number | undefined {
  const aucs: number[] = [];
  dataset.classes.forEach((name, k) => {
    const truth: number[] = [];
    const score: number[] = [];
    indices.forEach((i, r) => {
      const row = dataset.rows[i];
      if (row.primaryLabel === name) return;
      truth.push(row.secondaryLabels.includes(name) ? 1 : 0);
      score.push(scores[r][k]);
    });
    const positives = truth.reduce((a, b) => a + b, 0);
    if (positives > 0 && positives < truth.length) aucs.push(rocAuc(truth, score));
  });
  return aucs.length > 0 ? aucs.reduce((a, b) => a + b, 0) / aucs.length : undefined;
}

/**
 * Higher is better for every monitor except loss; returns [score, tie-break] to maximise. Ranking metrics
 * saturate at 1 on easy validation sets, so ties go to the lower validation loss. 'last' ranks by epoch:
 * every epoch improves, so the final weights are kept and nothing stops early.
 */
function monitored(report: EpochReport, monitor: Monitor): [number, number] {
  if (monitor === 'last') return [report.epoch, 0];
  const v = report.validation;
  if (v === undefined) return [-report.loss, 0];
  const value = monitor === 'loss' ? -v.loss : v[monitor];
  return [value === undefined || !Number.isFinite(value) ? -v.loss : value, -v.loss];
}

function better(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

/** Early stopping: remembers the best epoch by `monitor` and says when `patience` epochs passed without one. */
export class EarlyStopping {
  private bestScore: [number, number] | undefined;
  private stale = 0;
  best: EpochReport | undefined;

  constructor(
    readonly monitor: Monitor,
    readonly patience: number,
  ) {}

  /** Record an epoch: `improved` when it is the new best, `stop` when patience has run out. */
  offer(report: EpochReport): { improved: boolean; stop: boolean } {
    const score = monitored(report, this.monitor);
    if (this.bestScore === undefined || better(score, this.bestScore)) {
      this.bestScore = score;
      this.best = report;
      this.stale = 0;
      return { improved: true, stop: false };
    }
    this.stale++;
    return { improved: false, stop: this.patience > 0 && this.stale >= this.patience };
  }
}

/** What one epoch of training works with. */
interface EpochContext {
  model: tf.LayersModel;
  variables: tf.Variable[];
  optimizer: Adam;
  group: ReplicaGroup | undefined;
  dataset: SpectrogramDataset;
  train: readonly number[];
  primary: Int32Array;
  /** Per-example loss weights (balance: 'weights'). */
  weights: Map<number, number> | undefined;
  inputShape: InputShape;
  classes: number;
  params: TrainParams;
  rng: TrainRng;
  onBatch?: (progress: BatchProgress) => void;
  signal?: AbortSignal;
}

/** One pass over the training split in shuffled batches: the mean batch loss, the last learning rate, examples seen. */
async function trainEpoch(ctx: EpochContext, epoch: number): Promise<{ loss: number; learningRate: number; examples: number }> {
  const { model, variables, optimizer, group, dataset, params, rng } = ctx;
  const steps = Math.ceil(ctx.train.length / params.batchSize);
  const order = epochOrder(rng, ctx.train, ctx.primary, params.balance === 'oversample');
  const batchOf = (s: number): number[] => order.slice(s * params.batchSize, (s + 1) * params.batchSize);
  let pending = dataset.batch(batchOf(0));
  let lossSum = 0;
  let learningRate = params.learningRate;
  let examples = 0;
  for (let s = 0; s < steps; s++) {
    // On wasm every await of a step settles as a microtask, so signal handlers would wait for the whole
    // run: give them a turn of the event loop per batch (a few microseconds).
    if (ctx.signal) await setImmediate();
    if (ctx.signal?.aborted) throw new BirdcallError('INTERRUPTED', `stopped at epoch ${epoch}, batch ${s + 1} of ${steps}`);
    const batch = await pending;
    const indices = batchOf(s);
    // Read the next batch from disk while this one trains.
    if (s + 1 < steps) pending = dataset.batch(batchOf(s + 1));
    augmentBatch(batch.x, batch.y, batch.size, ctx.inputShape, ctx.classes, params, rng, indices.map((i) => ctx.primary[i]));
    learningRate = learningRateAt(params, epoch - 1 + s / steps);
    // Read on every step; the schedule sets it between steps.
    optimizer.learningRate = learningRate;
    const sampleWeights = Float32Array.from(indices, (i) => ctx.weights?.get(i) ?? 1);
    const share = { x: batch.x, y: batch.y, sampleWeights, rows: batch.size, batchSize: batch.size, focalGamma: params.focalGamma };
    const { loss: cost, grads } =
      group !== undefined && canShare(batch.size, group.threads)
        ? await group.gradients(model, variables, { ...share, size: batch.size }, params.focalGamma)
        : shareGradients(model, variables, share);
    optimizer.applyGradients(variables, grads);
    const loss = (await cost.data())[0];
    tf.dispose([cost, ...Object.values(grads)]);
    if (!Number.isFinite(loss)) {
      throw new BirdcallError('TRAIN_DIVERGED', `the loss became ${loss} at epoch ${epoch}, step ${s + 1}; lower learningRate (now ${learningRate})`);
    }
    lossSum += loss;
    examples += batch.size;
    ctx.onBatch?.({ epoch, batch: s + 1, batches: steps, loss });
  }
  return { loss: lossSum / steps, learningRate, examples };
}

/**
 * Train a model from the zoo on `split.train`, validating on `split.validation` after every epoch; keeps the
 * weights of the best epoch by `monitor` and stops after `patience` epochs without improvement.
 * `trainFromManifest` wraps it for a convert output folder and writes the model folder.
 *
 * @param options - `dataset` (a SpectrogramDataset), `split` (row indices to train and validate on; see
 *   splitByRecording), `params` (every option and default: [trainParams](parameters.md#trainparams);
 *   e.g. `model` 'compact', `epochs` 30, `batchSize` 16, `learningRate` 1e-3), `onEpoch`, `onBatch`, `log`,
 *   and `signal` (abort between batches).
 * @returns the model with the best epoch's weights, the resolved params, the classes, the input shape, each
 *   epoch's loss and validation metrics, the best epoch, and seconds per example.
 * @throws BirdcallError TRAIN_EMPTY for an empty training split, INTERRUPTED when `signal` aborted.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { convert, pipeline, decode, melspec, db, npy, encodeWav } from 'birdcall';
 * import { readOutputManifest } from 'birdcall';
 * import { SpectrogramDataset, classList, splitByRecording, trainModel } from 'birdcall/train';
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
 * const rows = await readOutputManifest(join(dir, 'out', 'manifest.csv'));
 * const dataset = new SpectrogramDataset(rows, { root: join(dir, 'out'), classes: classList(rows) });
 * const split = splitByRecording(rows, { validationFraction: 0.25 }); // one recording per species validates
 * const result = await trainModel({ dataset, split, params: { model: 'tiny', epochs: 2, patience: 0 } });
 * assert.equal(result.history.length, 2);
 * assert.ok(result.best.validation !== undefined); // loss, top-1, macro ROC-AUC… on the validation rows
 * assert.deepEqual(result.classes, ['high', 'low']);
 * ```
 */
export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const params = resolveTrainParams(options.params);
  const backend = await initBackend();
  const log = options.log ?? (() => undefined);
  log(`backend: ${backend.description}`);
  const { dataset, split } = options;
  if (split.train.length === 0) throw new BirdcallError('TRAIN_EMPTY', 'the training split is empty');
  const inputShape = await dataset.inputShape();
  const classes = [...dataset.classes];
  const rng = new TrainRng(params.seed);
  const model = buildModel({ name: params.model, inputShape, classes: classes.length, seed: rng.seed() });
  const optimizer = new Adam(params.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const primary = dataset.primaryIndex();
  const weights = params.balance === 'weights' ? balanceWeights(primary, split.train) : undefined;

  // Workers start after the model is built: they rebuild it from its topology.
  // Replicas are for wasm, which computes on one thread; native TensorFlow (tfjs-node) threads its own ops,
  // and its batchnorm is not the kernel that sums statistics across replicas.
  const threads = backend.name === 'wasm' ? params.threads : 1;
  const group = threads > 1 ? await ReplicaGroup.start(model, threads) : undefined;
  log(
    `threads: ${threads}` +
      (group === undefined ? '' : ' (data-parallel: each batch shared, batchnorm statistics and gradients summed)') +
      (threads === params.threads ? '' : ` (${params.threads} asked; the ${backend.name} backend threads its own ops)`),
  );
  const history: EpochReport[] = [];
  const stopper = new EarlyStopping(params.monitor, params.patience);
  let bestWeights: tf.Tensor[] | undefined;
  let stoppedEarly = false;
  let trainSeconds = 0;
  let examplesSeen = 0;
  const epochContext: EpochContext = {
    model, variables, optimizer, group, dataset, primary, weights, inputShape, params, rng,
    train: split.train, classes: classes.length, onBatch: options.onBatch, signal: options.signal,
  };
  try {
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
      const started = performance.now();
      const { loss, learningRate, examples } = await trainEpoch(epochContext, epoch);
      examplesSeen += examples;
      trainSeconds += (performance.now() - started) / 1000;
      const validation =
        split.validation.length > 0
          ? evaluate(dataset, split.validation, await predictRows(model, dataset, split.validation, Math.max(params.batchSize, 32)))
          : undefined;
      const report: EpochReport = { epoch, loss, validation, learningRate, seconds: (performance.now() - started) / 1000 };
      history.push(report);
      options.onEpoch?.(report);
      const { improved, stop } = stopper.offer(report);
      if (improved) {
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = model.getWeights().map((t) => t.clone());
      } else if (stop) {
        stoppedEarly = true;
        log(`early stop after epoch ${epoch}: ${params.monitor} has not improved for ${params.patience} epochs (best: epoch ${stopper.best?.epoch})`);
        break;
      }
    }
  } finally {
    optimizer.dispose();
    await group?.dispose();
  }
  if (stopper.best === undefined || bestWeights === undefined) throw new Error('no epoch ran');
  model.setWeights(bestWeights);
  bestWeights.forEach((t) => t.dispose());
  return {
    model,
    params,
    classes,
    inputShape,
    history,
    best: stopper.best,
    stoppedEarly,
    backend,
    secondsPerExample: trainSeconds / Math.max(1, examplesSeen),
  };
}
