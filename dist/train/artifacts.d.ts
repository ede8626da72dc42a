import * as tf from '@tensorflow/tfjs';
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
/** Write the model in the TF.js layers format (model.json + weights.bin) without tfjs-node's file:// handler. */
export declare function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void>;
/** Read model.json + its weight files from `dir`. */
export declare function loadLayersModel(dir: string): Promise<tf.LayersModel>;
/** Write every file of a model folder. */
export declare function saveModelArtifacts(dir: string, artifacts: ModelArtifacts): Promise<void>;
export declare function historyCsv(history: readonly HistoryRow[]): string;
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
export declare function loadModel(dir: string): Promise<LoadedModel>;
