import type { OutputRow } from '../store/manifest-types.ts';
/** sha256 of the model's topology, weights, class list and input column. */
export declare function modelHash(dir: string): Promise<string>;
/**
 * sha256 of the evaluation inputs in row order: each row's source, chunk and the recorded sha256 of its
 * `column` artifact (the file is hashed when the manifest has no sha256 for it).
 */
export declare function dataHash(rows: readonly OutputRow[], column: string, root: string): Promise<string>;
/** Scores of one model on one evaluation set, stored as `<dir>/<model hash>-<data hash>.json`. */
export declare class PredictionCache {
    readonly dir: string;
    constructor(dir: string);
    private path;
    /** The cached scores, or undefined when absent, unreadable or not for these hashes and classes. */
    get(model: string, data: string, classes: readonly string[]): Promise<Float32Array[] | undefined>;
    set(model: string, data: string, classes: readonly string[], scores: readonly Float32Array[]): Promise<void>;
}
