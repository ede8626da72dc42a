import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { PIPELINE_WORKER, workerEntry } from '../worker-bundle.ts';
import { toSpec, type PipelineSpec, type ResolvedPipeline } from './pipeline.ts';
import { errorFromData, type ItemOutput, type WorkerResult, type WorkerTask } from './pool-thread.ts';
import { runPipelineOnFile } from './run.ts';
import { streamShape, streamThreshold } from './run-stream.ts';

/** Runs one source through the pipeline, in-process or in a worker thread. */
export type PipelineRunner = ((path: string, bytes: Uint8Array) => Promise<{ items: ItemOutput[]; warnings: string[] }>) & {
  close?: () => Promise<void>;
  /**
   * Set when the pipeline can stream (run-stream.ts): a WAV source larger than `above` bytes is then run
   * from disk in this thread, never read whole.
   */
  stream?: { pipeline: ResolvedPipeline; above: number };
};

/**
 * Runs the pipeline in this thread, or in a pool of `threads` worker threads. The pool is what a caller
 * wants when the main thread must stay responsive (a queue worker renewing its job locks).
 */
export function createRunner(
  pipeline: ResolvedPipeline,
  options: { threads: number; inProcess: boolean; streamAbove?: number },
): PipelineRunner {
  const runner = poolOrInProcess(pipeline, options);
  if (streamShape(pipeline)) runner.stream = { pipeline, above: options.streamAbove ?? streamThreshold() };
  return runner;
}

/**
 * Sources that stream (see PipelineRunner.stream) run in the calling thread whatever this chooses: their
 * memory stays bounded only if nobody copies their samples to a worker.
 */
function poolOrInProcess(pipeline: ResolvedPipeline, options: { threads: number; inProcess: boolean }): PipelineRunner {
  if (options.inProcess) return (path, bytes) => runPipelineOnFile(pipeline, { path, bytes });
  const spec = toSpec(pipeline);
  const pool = pipelineWorkerPool(spec, options.threads);
  const specJson = JSON.stringify(spec);
  const run: PipelineRunner = async (path, bytes) => {
    const result = await pool.run({ specJson, path, bytes });
    if (!result.ok) throw errorFromData(result.error);
    return result;
  };
  let closed: Promise<void> | undefined;
  run.close = () => (closed ??= pool.destroy());
  return run;
}

/**
 * `threads` worker threads that run the pipeline (src/pipeline/pool-thread.ts). User block modules may be
 * TypeScript, which only the tsx entry can import; without them the workers start from the esbuild bundle
 * (src/worker-bundle.ts): 0.3 s of CPU each instead of 1 s, which had made `convert --jobs 2` on 80 clips
 * slower than --jobs 1.
 */
export function pipelineWorkerPool(spec: PipelineSpec, threads: number): Piscina<WorkerTask, WorkerResult> {
  const entry = (spec.blocks ?? []).length > 0 ? workerEntry(PIPELINE_WORKER, 'tsx') : workerEntry(PIPELINE_WORKER);
  return new Piscina<WorkerTask, WorkerResult>({
    filename: fileURLToPath(entry.url),
    name: entry.bundled ? 'runTask' : 'default',
    execArgv: entry.execArgv,
    maxThreads: threads,
    minThreads: threads,
  });
}
