import { type ConvertProgress, type ConvertSummary } from './convert.ts';
import { type InputLayout } from './inputs.ts';
import { type ResolvedPipeline } from './pipeline.ts';
import { type ProcessResult } from './queue-process.ts';
import { type QueueTarget } from './queue-redis.ts';
/**
 * Queue mode of `convert` on Redis with BullMQ: one job per source file, any number of worker processes on
 * any number of machines sharing one output root.
 *
 *   enqueue   one job per source, jobId = hash(pipeline hash, source path): enqueuing again adds nothing.
 *             The pipeline spec and hash, and the input, are stored beside the queue (`<queue>:birdcall`);
 *             a second enqueue with another pipeline or input is refused (use another queue name).
 *   worker    rebuilds the pipeline from the stored spec and refuses to start if its own hash differs
 *             (another birdcall version, an edited block module, a different --pipeline). Each job writes
 *             the same atomic outputs and per-source state as `convert`. Data errors (a corrupt WAV) fail
 *             the job at once; anything else is retried with exponential backoff. A worker that dies holding
 *             a job loses its lock; BullMQ's stalled-job check on a live worker puts the job back.
 *   finish    once nothing is waiting or running: plain `convert` over the same input and output root. Every
 *             source the workers finished is verified and skipped; anything missing or failed is converted or
 *             reported here; temp files of killed workers are removed; manifest.csv, errors.csv and
 *             summary.json come out exactly as from a single-machine run.
 * Completed jobs are kept (that is what makes enqueue idempotent); `removeQueue` deletes the queue.
 */
export { parseQueueUrl, type QueueTarget } from './queue-redis.ts';
export declare const QUEUE_META_FORMAT = 1;
/** What the enqueuer stores beside the queue, for workers and `finish`. */
export interface QueueMeta {
    format: typeof QUEUE_META_FORMAT;
    pipelineHash: string;
    /** JSON of `toSpec(pipeline)`: block module paths are absolute, so every machine needs the same paths. */
    specJson: string;
    birdcallVersion: string;
    /** The INPUT given to convert, absolute. */
    input: string;
    /** Absolute folder the sources' paths are relative to. */
    inputRoot: string;
    layout: InputLayout;
    /** Sources enqueued (distinct valid paths). */
    sources: number;
    createdAt: string;
}
export interface QueueJobOptions {
    /** Tries per job before it fails (data errors fail at once). Default 3. */
    attempts?: number;
    /** First retry delay in ms, doubled each retry. Default 2000. */
    backoffMs?: number;
}
export interface EnqueueOptions extends QueueJobOptions {
    queue: string | QueueTarget;
    input: string;
    pipeline: ResolvedPipeline;
    onProgress?: (enqueued: number) => void;
}
export interface EnqueueSummary {
    queue: string;
    pipelineHash: string;
    /** Distinct sources in the input. */
    sources: number;
    /** Jobs this call added (0 when everything was already queued). */
    added: number;
    alreadyQueued: number;
    /** Rows with an unusable path, left for `finish` to report. */
    invalidRows: number;
}
/** Job id of a source: the same source under the same pipeline is one job, however often it is enqueued. */
export declare function jobIdFor(pipelineHashHex: string, sourcePath: string): string;
export declare function readQueueMeta(queue: string | QueueTarget): Promise<QueueMeta | undefined>;
/**
 * Enqueues one job per source of INPUT. Storing the meta is first-writer-wins (SET NX), so two enqueuers
 * racing on one queue agree on the pipeline or one of them is refused.
 */
export declare function enqueue(options: EnqueueOptions): Promise<EnqueueSummary>;
/** The queue's pipeline, rebuilt from its stored spec, after checking this birdcall computes the same hash. */
export declare function queuePipeline(meta: QueueMeta, t: QueueTarget, own?: ResolvedPipeline): Promise<ResolvedPipeline>;
export type WorkerEvent = {
    type: 'ready';
    pipelineHash: string;
    threads: number;
} | {
    type: 'start';
    source: string;
    attempt: number;
} | {
    type: 'done';
    source: string;
    outcome: ProcessResult['outcome'];
    chunks: number;
} | {
    type: 'failed';
    source: string;
    reason: string;
    willRetry: boolean;
} | {
    type: 'drained';
};
export interface RunWorkerOptions {
    queue: string | QueueTarget;
    outDir: string;
    /** The pipeline the user expects (checked against the queue's); the queue's own spec is what runs. */
    pipeline?: ResolvedPipeline;
    /** Jobs at once = worker threads in this process. Default 1. */
    concurrency?: number;
    /** How long a job's lock lasts without renewal (ms): a dead worker's job is back after about this. Default 30000. */
    lockDurationMs?: number;
    /** How often this worker looks for stalled jobs (ms). Default: lockDurationMs. */
    stalledIntervalMs?: number;
    /** Return once nothing is waiting, delayed or running anywhere (batch jobs); otherwise run until `signal`. */
    exitWhenDrained?: boolean;
    /** The input root on this machine, when it is mounted elsewhere than on the enqueuer's. */
    inputRoot?: string;
    fsync?: boolean;
    /** WAV sources above this many bytes stream from disk, as in convert (default BIRDCALL_STREAM_ABOVE or 64 MiB). */
    streamAbove?: number;
    signal?: AbortSignal;
    onEvent?: (event: WorkerEvent) => void;
}
export interface WorkerSummary {
    converted: number;
    skipped: number;
    failed: number;
    elapsedSeconds: number;
}
/** Processes jobs until drained (with exitWhenDrained) or aborted. */
export declare function runWorker(options: RunWorkerOptions): Promise<WorkerSummary>;
export interface QueueStatus {
    queue: string;
    meta?: QueueMeta;
    counts: {
        waiting: number;
        active: number;
        delayed: number;
        completed: number;
        failed: number;
    };
    /** Connected worker processes BullMQ knows of. */
    workers: number;
    /** Sources whose jobs failed for good (up to 20), with the reason. */
    failures: {
        source: string;
        reason: string;
    }[];
    /** completed + failed over sources, 0..1. */
    progress: number;
}
export declare function queueStatus(queue: string | QueueTarget): Promise<QueueStatus>;
/** Resolves once nothing is waiting, delayed or running; `onStatus` sees each poll. */
export declare function waitForQueue(queue: string | QueueTarget, options?: {
    pollMs?: number;
    onStatus?: (status: QueueStatus) => void;
    signal?: AbortSignal;
}): Promise<QueueStatus>;
export interface FinishOptions {
    queue: string | QueueTarget;
    outDir: string;
    /** Threads for sources finish converts itself (those the workers failed or never got to). */
    jobs?: number;
    /** Build the manifest even though jobs are still waiting or running (they are then converted here). */
    force?: boolean;
    onProgress?: (progress: ConvertProgress) => void;
}
/**
 * Builds the one manifest.csv (and errors.csv, summary.json) of a queued conversion: a plain `convert` over
 * the queue's input into the shared output root, where every source a worker finished is up to date.
 */
export declare function finishQueue(options: FinishOptions): Promise<ConvertSummary>;
/** Deletes the queue, its jobs and its meta (the outputs stay). */
export declare function removeQueue(queue: string | QueueTarget): Promise<void>;
