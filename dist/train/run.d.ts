import { type HistoryRow } from './artifacts.ts';
import { type Split } from './dataset.ts';
import { type BatchProgress, type EpochReport, type TrainParamsInput, type TrainResult } from './train.ts';
export interface TrainFromManifestOptions {
    /** The output manifest of `birdcall convert` (artifact paths are relative to its folder). */
    manifest: string;
    /** Model folder to write, e.g. models/NAME. */
    out: string;
    params?: TrainParamsInput;
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
    log?: (line: string) => void;
}
export interface TrainFromManifestResult extends TrainResult {
    out: string;
    split: Split;
    /** What pipeline.json holds (null when no pipeline spec was found). */
    pipeline: unknown;
}
/** An epoch as a history.csv row (snake_case columns; empty where a metric is undefined). */
export declare function historyRow(report: EpochReport): HistoryRow;
/** One line per epoch for logs: loss, validation metrics, seconds. */
export declare function formatEpoch(report: EpochReport, epochs: number): string;
/** The pipeline spec: given, read from a given path, or found beside the manifest (convert's output folder). */
export declare function findPipelineSpec(manifest: string, given: unknown): Promise<unknown>;
/**
 * `birdcall train`: read a convert output manifest, split by recording, train, and write the model folder.
 * Rows without a primary label (unlabelled soundscapes) are left out.
 */
export declare function trainFromManifest(options: TrainFromManifestOptions): Promise<TrainFromManifestResult>;
export interface FoldResult {
    fold: number;
    trainChunks: number;
    validationChunks: number;
    best: EpochReport;
    secondsPerExample: number;
}
/**
 * Recording-level k-fold cross-validation on a manifest: one model per fold (not saved), each validated on
 * recordings it never saw. Returns each fold's best epoch.
 */
export declare function crossValidateManifest(options: Omit<TrainFromManifestOptions, 'out' | 'pipeline'> & {
    folds?: number;
}): Promise<FoldResult[]>;
