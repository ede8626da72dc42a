import * as tf from '@tensorflow/tfjs';
import { type BackendInfo } from './backend.ts';
import { type InputShape, type SpectrogramDataset, type Split } from './dataset.ts';
import { type Monitor, type TrainParams, type TrainParamsInput } from './params.ts';
import { TrainRng } from './random.ts';
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
export declare function learningRateAt(params: TrainParams, t: number): number;
/**
 * Augment a batch in place: time shift, gain, SpecAugment masks, then mixup (which also merges targets).
 * x is [n, h, w, c] row-major. Masks fill with the example's mean so they add no artificial edges.
 */
export declare function augmentBatch(x: Float32Array, y: Float32Array, n: number, shape: InputShape, classes: number, params: TrainParams, rng: TrainRng): void;
/** Predict a set of rows in batches (inference mode), returning one probability row per example. */
export declare function predictRows(model: tf.LayersModel, dataset: SpectrogramDataset, indices: readonly number[], batchSize: number): Promise<Float32Array[]>;
/**
 * Validation metrics on 0/1 truth (primary and secondary labels both 1, as the competitions score),
 * whatever secondaryWeight training used. Metrics a set cannot define (no positives) are left undefined.
 */
export declare function evaluate(dataset: SpectrogramDataset, indices: readonly number[], scores: Float32Array[]): Evaluation;
/** Early stopping: remembers the best epoch by `monitor` and says when `patience` epochs passed without one. */
export declare class EarlyStopping {
    readonly monitor: Monitor;
    readonly patience: number;
    private bestScore;
    private stale;
    best: EpochReport | undefined;
    constructor(monitor: Monitor, patience: number);
    /** Record an epoch: `improved` when it is the new best, `stop` when patience has run out. */
    offer(report: EpochReport): {
        improved: boolean;
        stop: boolean;
    };
}
/**
 * Train a model from the zoo on `split.train`, validating on `split.validation` after every epoch; keeps the
 * weights of the best epoch by `monitor` and stops after `patience` epochs without improvement.
 */
export declare function trainModel(options: TrainOptions): Promise<TrainResult>;
