import type { InputRow } from './manifest-types.ts';
import { type OutputBase, type SourceContext } from './process-source.ts';
/**
 * What a queue worker does with one job: convert's own per-source step (process-source.ts), so the outputs,
 * their names and the per-source state are exactly those of one source of `convert`, and `birdcall queue
 * finish` can run plain `convert` over the input and find every source up to date. That final convert
 * re-checks each state (source hash, pipeline hash, output names, output hashes) anyway.
 */
export { outputBaseFor, type OutputBase } from './process-source.ts';
/** One queue job: everything a worker needs that is not in the queue's shared settings. */
export interface QueueJobData {
    row: InputRow;
    base: OutputBase;
    pipelineHash: string;
}
/** A worker has no --max-duration or --max-file-size, and checks output folders on every job. */
export type ProcessContext = Pick<SourceContext, 'inputRoot' | 'outDir' | 'pipelineHash' | 'birdcallVersion' | 'store' | 'run' | 'fsync'>;
export interface ProcessResult {
    /** 'skipped' when an earlier attempt (or run) already left a valid state. */
    outcome: 'converted' | 'skipped';
    chunks: number;
}
/**
 * Converts one source and records its state, or does nothing when a valid state is already there (a job
 * retried after its worker died between writing the state and telling Redis). Idempotent: two workers
 * running the same job at once write identical bytes through atomic renames.
 */
export declare function processQueuedSource(ctx: ProcessContext, data: QueueJobData): Promise<ProcessResult>;
