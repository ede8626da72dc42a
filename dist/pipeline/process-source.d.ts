import { Piscina } from 'piscina';
import { type SourceState, type StateStore } from './cache.ts';
import type { InputRow } from './manifest-types.ts';
import { type PipelineSpec, type ResolvedPipeline } from './pipeline.ts';
import { type ItemOutput, type WorkerResult, type WorkerTask } from './worker.ts';
/**
 * The work `convert` does for one source, shared with the queue workers (queue-process.ts) so both write
 * the same outputs under the same names and the same per-source state: read the source, enforce the size
 * and duration limits, run the pipeline, write every artifact atomically, then the state. A state is
 * written only after its artifacts, so it always proves that its outputs are complete.
 * What a caller does with the outcome (manifest rows, warnings, deleting outputs a source no longer makes)
 * stays with the caller: convert defers deletions to the end of the run, a queue worker cannot.
 */
/** Where a source's outputs go: label folder and stem, unique in the run even on case-insensitive disks. */
export interface OutputBase {
    label: string;
    stem: string;
}
/** Runs one source through the pipeline, in-process or in a worker thread. */
export type PipelineRunner = ((path: string, bytes: Uint8Array) => Promise<{
    items: ItemOutput[];
    warnings: string[];
}>) & {
    close?: () => Promise<void>;
    /**
     * Set when the pipeline can stream (run-stream.ts): a WAV source larger than `above` bytes is then run
     * from disk in this thread, never read whole.
     */
    stream?: {
        pipeline: ResolvedPipeline;
        above: number;
    };
};
export interface SourceContext {
    /** Absolute folder every row path is relative to. */
    inputRoot: string;
    outDir: string;
    pipelineHash: string;
    birdcallVersion: string;
    store: StateStore;
    run: PipelineRunner;
    /** fsync every output before its rename. */
    fsync?: boolean;
    /** Refuse sources larger than this many bytes (FILE_TOO_LARGE). */
    maxFileSize?: number;
    /** Refuse sources longer than this many seconds (FILE_TOO_LONG). */
    maxDuration?: number;
    /**
     * Output folders (relative to outDir) already proven inside it and made, shared by one run so each is
     * checked once. Without it every folder is checked on every write: a long-lived queue worker must notice
     * a folder removed between jobs.
     */
    checkedDirs?: Set<string>;
    /** Appended to the reason of SOURCE_NOT_FOUND, e.g. which root a worker on another machine looked under. */
    notFoundHint?: string;
}
/** Outputs an earlier state of the source recorded that the new one does not (fewer chunks, new names). */
export interface StaleOutputs {
    /** The names the earlier outputs were made under (undefined in a hand-edited state). */
    base: OutputBase | undefined;
    /** Relative to outDir, checked not to climb out of it. */
    paths: string[];
}
export type SourceOutcome = 
/** The stored state is valid: same audio, same pipeline, same names, outputs intact. Nothing was written. */
{
    outcome: 'skipped';
    state: SourceState;
} | {
    outcome: 'converted';
    state: SourceState;
    stale?: StaleOutputs;
};
/**
 * Converts one source and writes its state, or returns the stored state when it is still valid. Idempotent:
 * two processes converting the same source write identical bytes through atomic renames.
 */
export declare function processSource(ctx: SourceContext, row: InputRow, base: OutputBase): Promise<SourceOutcome>;
/** Deletes outputs by their path relative to outDir; one that leads outside it through a symlink is left alone. */
export declare function removeOutputs(outDir: string, paths: string[]): Promise<void>;
/**
 * Label folder and file stem of a source. Sanitized with safeName; if another source of this run already has
 * the same folder and stem (same file name under two folders, or names differing only in case), this one
 * gets a hash of its path appended, so no two sources ever write the same output file. Called on every
 * source in input order, with one `taken` map carried from row to row.
 */
export declare function outputBaseFor(row: InputRow, taken: Map<string, string>): OutputBase;
/** Output names compared case-insensitively: `XC1` and `xc1` are one file on macOS and Windows disks. */
export declare function baseKey(base: OutputBase): string;
export declare function sameBase(a: OutputBase | undefined, b: OutputBase): boolean;
/**
 * Runs the pipeline in this thread, or in a pool of `threads` worker threads. The pool is what a caller
 * wants when the main thread must stay responsive (a queue worker renewing its job locks).
 */
export declare function createRunner(pipeline: ResolvedPipeline, options: {
    threads: number;
    inProcess: boolean;
    streamAbove?: number;
}): PipelineRunner;
/**
 * `threads` worker threads that run the pipeline (src/pipeline/worker.ts). User block modules may be
 * TypeScript, which only the tsx entry can import; without them the workers start from the esbuild bundle
 * (src/worker-bundle.ts): 0.3 s of CPU each instead of 1 s, which had made `convert --jobs 2` on 80 clips
 * slower than --jobs 1.
 */
export declare function pipelineWorkerPool(spec: PipelineSpec, threads: number): Piscina<WorkerTask, WorkerResult>;
