import type { OutputRow } from '../store/manifest-types.ts';
import { type BackendInfo } from '../train/backend.ts';
import type { Candidate, EvalSet } from './types.ts';
/**
 * The EvalSet of manifest rows scored against `classes` (the models' class list). Every row must have a
 * primary label the models know: a label they were never trained on cannot be scored, and dropping it
 * silently would flatter them.
 */
export declare function evalSetFromRows(rows: readonly OutputRow[], classes: readonly string[], manifest?: string): EvalSet;
/** What `select` needs from a model folder without loading its weights (a cache hit never loads them). */
export interface ModelEntry {
    /** Candidate name: the folder's name, or the path as given when two folders share a name. */
    name: string;
    dir: string;
    classes: string[];
    /** The artifact column it was trained on. */
    input: string | undefined;
    trainConfig: Record<string, unknown>;
}
/** Read each model folder's class list and training config; names are unique. */
export declare function readModelEntries(dirs: readonly string[]): Promise<ModelEntry[]>;
/**
 * The class list every model shares, in the first model's order. Models with different class sets cannot
 * be compared on one metric: that is an error naming what differs.
 */
export declare function agreeOnClasses(models: readonly Pick<ModelEntry, 'name' | 'classes'>[]): string[];
export interface EvaluateModelsOptions {
    /** Model folders (models/NAME). */
    models: readonly string[];
    /** A `convert` output manifest; its image/npy paths are relative to its folder. */
    manifest: string;
    /** Folder of the prediction cache; null turns the cache off. */
    cacheDir: string | null;
    batchSize?: number;
    /** One line per model (scored or cached) and the backend. */
    log?: (line: string) => void;
}
export interface EvaluatedModels {
    evalSet: EvalSet;
    candidates: Candidate[];
    models: ModelEntry[];
    /** Models whose scores came from the cache. */
    cacheHits: number;
    /** Manifest rows left out for lack of a primary label (unlabelled soundscape chunks). */
    unlabelledRows: number;
    /** The backend that scored the models (undefined when every model was cached). */
    backend: BackendInfo | undefined;
}
/**
 * Build the EvalSet from the manifest's labelled rows and score every model on it, each score read from
 * the cache when this model has already scored these exact inputs.
 */
export declare function evaluateModels(options: EvaluateModelsOptions): Promise<EvaluatedModels>;
