import type { InputRow, OutputRow } from './manifest-types.ts';
/**
 * The incremental cache: one small JSON state per source under `<outDir>/.birdcall/state/`, written
 * atomically AFTER that source's artifacts. A state is the proof that its outputs are complete; the
 * manifest is rebuilt from the states at the end of a run. So a run killed at any moment leaves either a
 * state whose outputs all exist, or no state (and the source is converted again next time).
 */
export declare const STATE_FORMAT = 1;
export interface SourceState {
    format: typeof STATE_FORMAT;
    /** The input row as last seen (labels and metadata may change without the audio changing). */
    input: InputRow;
    sourceSha256: string;
    pipelineHash: string;
    birdcallVersion: string;
    /** Label folder and file stem the outputs were named with (a rename in the input renames the outputs). */
    outputBase: {
        label: string;
        stem: string;
    };
    /** Duration of the source in seconds, when known (for the real-time factor). */
    audioSeconds?: number;
    /** One row per chunk kept by the pipeline, outputs relative to the output root. */
    rows: OutputRow[];
    /** Non-fatal problems the pipeline reported for this source. */
    warnings: string[];
}
export declare function sha256Hex(bytes: Uint8Array | string): string;
export declare class StateStore {
    readonly outDir: string;
    readonly dir: string;
    constructor(outDir: string);
    /** State file of a source: named by a hash of its path, sharded so no folder holds 100k files. */
    pathFor(source: string): string;
    read(source: string): Promise<SourceState | undefined>;
    write(state: SourceState): Promise<void>;
    remove(source: string): Promise<void>;
}
/**
 * True when every output a state records exists with its recorded SHA-256 (size first, then content, so a
 * truncated or replaced file is caught).
 */
export declare function outputsIntact(outDir: string, state: SourceState): Promise<boolean>;
/**
 * A lock on the output folder, so two runs never write the same outputs or delete each other's temp files.
 * A lock left by a killed run (its process is gone) is taken over.
 */
export declare function acquireOutDirLock(outDir: string): Promise<() => Promise<void>>;
