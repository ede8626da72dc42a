import type { OutputRow } from '../store/manifest-types.ts';
/** Input tensor shape of one example: [height (frequency bins), width (frames), channels]. */
export type InputShape = [number, number, number];
/** Every label in the rows (primary and secondary), sorted, so a class list is stable across runs. */
export declare function classList(rows: readonly OutputRow[]): string[];
/**
 * Multi-hot target over `classes`: the primary label 1, each secondary label `secondaryWeight` (a soft target:
 * background species are often faint or absent from a given chunk). Labels not in `classes` are ignored.
 */
export declare function multiHot(row: OutputRow, classes: readonly string[], secondaryWeight?: number): Float32Array;
/** Row indices on each side of a split. */
export interface Split {
    train: number[];
    validation: number[];
}
export interface SplitOptions {
    /** Metadata column whose value keeps rows together (e.g. 'recordist', 'site'); rows are always kept together by source. */
    groupBy?: string;
    seed?: number;
}
/**
 * Train/validation split by recording (or by `groupBy`), stratified by primary label: about
 * `validationFraction` of each label's groups go to validation, at least one when the label has two or more
 * groups, never all of them. A label with a single group stays in training.
 */
export declare function splitByRecording(rows: readonly OutputRow[], options?: SplitOptions & {
    validationFraction?: number;
}): Split;
/**
 * K folds by recording (or `groupBy`), stratified by primary label: each label's shuffled groups are dealt
 * round-robin, continuing where the previous label stopped so fold sizes stay even. Fold i validates on its
 * groups and trains on the rest; every group is validated exactly once.
 */
export declare function kFoldByRecording(rows: readonly OutputRow[], options?: SplitOptions & {
    folds?: number;
}): Split[];
/** One decoded input, channels last, values in [0, 1]. */
export interface LoadedInput {
    data: Float32Array;
    shape: InputShape;
}
/**
 * Read a training input. PNG: converted to greyscale, 8 or 16 bit, scaled to [0, 1] by the bit depth
 * (the image writer already mapped its dB range onto the pixel range). .npy: a [bins, frames] array of any
 * scale, min-max scaled per example to [0, 1] so augmentation parameters mean the same for both kinds.
 */
export declare function loadInput(path: string): Promise<LoadedInput>;
/**
 * Decode an artifact's bytes into a model input; `name` (a path, or e.g. 'x.png') says which kind by its
 * extension and names the input in errors. Training (loadInput) and predict (on freshly made artifacts) both
 * come through here, so a model sees the same numbers either way: images to greyscale scaled by bit depth to
 * [0, 1]; .npy min-max scaled per example to [0, 1].
 */
export declare function decodeInput(bytes: Uint8Array, name: string): Promise<LoadedInput>;
export interface DatasetOptions {
    /** Folder the manifest's artifact paths are relative to (the convert output folder). */
    root: string;
    classes: readonly string[];
    /** Which artifact column to read ('png', 'npy', …); default: 'png' if every row has it, else 'npy'. */
    input?: string;
    /** Target weight of secondary labels. */
    secondaryWeight?: number;
    /** Decoded inputs kept in memory, in bytes; small sets are read from disk once. */
    cacheBytes?: number;
}
/** A batch ready for tf.tensor: x is [n, h, w, c] and y is [n, classes], row-major. */
export interface Batch {
    x: Float32Array;
    y: Float32Array;
    size: number;
}
/** Pick the artifact column every row has, preferring PNG. */
export declare function chooseInputColumn(rows: readonly OutputRow[], preferred?: string): string;
/**
 * Examples streamed from disk batch by batch: only the requested batch is assembled in memory, plus a
 * bounded LRU cache of decoded inputs (so a small set is decoded once and epochs after the first are fast).
 */
export declare class SpectrogramDataset {
    readonly rows: readonly OutputRow[];
    readonly classes: readonly string[];
    readonly column: string;
    readonly targets: Float32Array[];
    private readonly root;
    private readonly cacheLimit;
    private readonly cache;
    private cacheSize;
    private shape;
    constructor(rows: readonly OutputRow[], options: DatasetOptions);
    /** Index of each row's primary label in the class list (-1 when absent, e.g. an unlabelled soundscape). */
    primaryIndex(): Int32Array;
    /** Absolute path of a row's input; a manifest cannot point outside its root (`../`, absolute, symlinks). */
    pathOf(index: number): Promise<string>;
    get(index: number): Promise<LoadedInput>;
    /** Shape of one example, read from the first row. */
    inputShape(): Promise<InputShape>;
    /** Assemble the rows `indices` into one batch (inputs decoded concurrently; sharp runs off the main thread). */
    batch(indices: readonly number[]): Promise<Batch>;
}
