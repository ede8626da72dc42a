import { type PipelineItem } from './run.ts';
/**
 * The CPU half of `convert`, run in a worker thread: bytes in, artifacts out. It writes nothing (the main
 * thread writes atomically and keeps the state), so a killed worker can never leave a half-written output.
 */
export interface WorkerTask {
    /** JSON of `toSpec(resolved)`; the worker rebuilds the pipeline from it once and reuses it. */
    specJson: string;
    path: string;
    bytes: Uint8Array;
}
/** What convert needs of an item: the last block's value stays in the worker (copying it back is waste). */
export type ItemOutput = Omit<PipelineItem, 'value'>;
/** Errors cross the thread boundary as plain data: structured clone would drop BirdcallError's code. */
export interface WorkerError {
    code: string;
    reason: string;
    file?: string;
    message: string;
    stack?: string;
}
export type WorkerResult = {
    ok: true;
    items: ItemOutput[];
    warnings: string[];
} | {
    ok: false;
    error: WorkerError;
};
export declare function errorToData(err: unknown): WorkerError;
export declare function errorFromData(data: WorkerError): Error;
export declare function runTask(task: WorkerTask): Promise<WorkerResult>;
