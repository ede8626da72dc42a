import type * as tf from '@tensorflow/tfjs';
import type { SourceFile } from '../pipeline/block.ts';
import { type ResolvedPipeline } from '../pipeline/pipeline.ts';
import { type ItemOutput } from '../pipeline/pool-thread.ts';
import { type InputShape } from './dataset.ts';
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
/** Load a model folder and resolve the pipeline saved with it (user block modules must sit in the folder). */
export declare function loadPredictor(dir: string): Promise<Predictor>;
/** `<file stem>_<end second>`: whole seconds as BirdCLEF writes them, else up to milliseconds. */
export declare function rowId(source: string, endSeconds: number): string;
/**
 * Class probabilities for every chunk of one recording. A chunk's row_id ends at its nominal end (start +
 * chunk length), as BirdCLEF's do, even when the last chunk was zero-padded.
 */
export declare function predictSource(predictor: Predictor, file: SourceFile, batchSize?: number): Promise<ChunkPrediction[]>;
/** The chunks one recording's pipeline run made (here or in a worker thread), through the model. */
export declare function predictItems(predictor: Predictor, path: string, items: readonly ItemOutput[], batchSize?: number): Promise<ChunkPrediction[]>;
/** A recording to predict: its path as the input lists it, and where to read it. */
export interface PredictionSource {
    path: string;
    abs: string;
}
/**
 * The recordings of INPUT: one audio file (any format the decode block reads), a folder, or a manifest CSV
 * (BirdCLEF train_metadata.csv or a birdcalls manifest), the last two read as `convert` reads them.
 */
export declare function predictionSources(input: string): Promise<{
    count: number;
    sources: AsyncIterable<PredictionSource>;
}>;
export interface PredictFilesProgress {
    done: number;
    total: number;
    failed: number;
    chunks: number;
    source: string;
}
export interface PredictFileError {
    path: string;
    code: string;
    reason: string;
}
export interface PredictFilesOptions {
    batchSize?: number;
    /**
     * Worker threads that run the pipeline (decode, resample, mel, image) while this thread runs the model;
     * 1 runs everything here. Default 1. Predictions come out in input order either way.
     */
    jobs?: number;
    /** Called with each recording's predictions as soon as they are made (e.g. to stream them to a CSV). */
    onPredictions?: (rows: ChunkPrediction[]) => void | Promise<void>;
    onProgress?: (progress: PredictFilesProgress) => void;
    /** Called for a recording that failed (it is skipped; the rest go on). */
    onError?: (error: PredictFileError) => void;
}
export interface PredictFilesSummary {
    files: number;
    failed: number;
    chunks: number;
    errors: PredictFileError[];
}
/** Predict every recording of INPUT; a bad recording is reported and skipped, never ends the run. */
export declare function predictFiles(predictor: Predictor, input: string, options?: PredictFilesOptions): Promise<PredictFilesSummary>;
/** A probability as text: 9 significant digits round-trip a float32 exactly, without float64 noise digits. */
export declare function formatProbability(value: number): string;
