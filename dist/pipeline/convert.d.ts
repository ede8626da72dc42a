import { type InputLayout } from './inputs.ts';
import type { InputRow } from './manifest-types.ts';
import { type ResolvedPipeline } from './pipeline.ts';
/**
 * `birdcall convert`: runs a pipeline over a whole collection and writes, under OUTDIR,
 *   <artifact>/<safe label>/<safe stem>_<chunk 4 digits>.<ext>   one file per chunk and artifact
 *   manifest.csv     one row per chunk (see manifest.ts), rebuilt from the per-source states at the end
 *   errors.csv       path, code, reason, level (error: the file was not converted; warning: it was)
 *   summary.json     counts, quality outcomes, throughput
 *   pipeline.json    the resolved pipeline spec that made the outputs (train saves it with the model, so
 *                    predict reproduces the preprocessing exactly)
 *   .birdcall/       per-source states (the incremental cache) and the run lock
 * Every file is written atomically and a source's state only after its artifacts, so a run killed at any
 * moment and run again ends as if it had never been interrupted.
 */
export interface ConvertProgress {
    /** Sources finished (converted, skipped or failed). */
    done: number;
    /** Sources in the input (known after a quick count pass). */
    total: number;
    converted: number;
    skipped: number;
    failed: number;
    elapsedSeconds: number;
    filesPerSecond: number;
    /** Estimated seconds left; undefined until the first file is done. */
    etaSeconds?: number;
    /** The source just finished. */
    source: string;
}
export interface ConvertOptions {
    /** A folder of WAVs, a BirdCLEF train_metadata.csv or a birdcalls manifest.csv. */
    input: string;
    outDir: string;
    pipeline: ResolvedPipeline;
    /** CPU workers. 1 runs in-process (no worker threads), simplest to debug. Default: all cores. */
    jobs?: number;
    /** Refuse sources longer than this many seconds (per-file error FILE_TOO_LONG). */
    maxDuration?: number;
    /** Refuse sources larger than this many bytes (per-file error FILE_TOO_LARGE). */
    maxFileSize?: number;
    /**
     * WAV sources larger than this many bytes are streamed window by window instead of read whole (bounded
     * memory; same outputs). Default: BIRDCALL_STREAM_ABOVE, else 64 MiB (see run-stream.ts).
     */
    streamAbove?: number;
    onProgress?: (progress: ConvertProgress) => void;
    /** fsync every output before its rename (survives power loss, not just a killed process). Default false. */
    fsync?: boolean;
    /** Keep only the rows this returns true for (e.g. one shard of the input, see shard.ts). Default: all. */
    filter?: (row: InputRow) => boolean;
}
export interface ConvertError {
    path: string;
    code: string;
    reason: string;
    level: 'error' | 'warning';
}
export interface ConvertSummary {
    input: string;
    outDir: string;
    layout: InputLayout;
    pipelineHash: string;
    birdcallVersion: string;
    jobs: number;
    /** Sources in the input (rows, or WAV files of a folder). */
    files: number;
    converted: number;
    /** Up to date from an earlier run (same content, same pipeline, outputs intact). */
    skipped: number;
    failed: number;
    /** Rows in manifest.csv. */
    chunks: number;
    /** Failures by error code. */
    errorsByCode: Record<string, number>;
    /** Warnings (quality checks among them) by kind, e.g. { 'quality-silence: warn': 3 }. */
    warningsByKind: Record<string, number>;
    /** Temp files an interrupted earlier run left, removed at the start. */
    tempFilesRemoved: number;
    /** Seconds of audio in the sources converted this run (skipped ones excluded). */
    audioSeconds: number;
    elapsedSeconds: number;
    filesPerSecond: number;
    /** Seconds of audio converted per second of wall time. */
    realTimeFactor: number;
    manifestPath: string;
    errorsPath: string;
}
/** Exit code for the CLI: 0 all converted, 3 some failed, 1 none converted. */
export declare function convertExitCode(summary: ConvertSummary): 0 | 1 | 3;
/** Parses a byte size: `1000`, `50MB` (10^6), `50MiB` (2^20), `1.5G`, `200k`. */
export declare function parseByteSize(text: string): number;
export declare function convert(options: ConvertOptions): Promise<ConvertSummary>;
/**
 * Groups a warning for the summary. Quality checks (`quality: [dropped ]chunk 3 (15.00 s): silence: …`)
 * group by block, check and outcome, e.g. `quality silence: dropped`; anything else by its block and the
 * start of its text with numbers blurred, e.g. `decode: N NaN or infinite float sample(s) replaced by N`.
 */
export declare function warningKind(message: string): string;
