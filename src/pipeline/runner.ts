import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import { fixedPoolOptions, PIPELINE_WORKER, workerEntry } from '../worker-bundle.ts';
import type { RunOptions } from './block.ts';
import { toSpec, type PipelineSpec, type ResolvedPipeline } from './pipeline.ts';
import { errorFromData, type ItemOutput, type WorkerResult, type WorkerTask } from './pool-thread.ts';
import { runPipelineOnFile } from './run.ts';
import { streamPipelineOnFile, streamShape, streamThreshold } from './run-stream.ts';

/** One source: its name in messages and the manifest, and its bytes or the file to read them from. */
export type RunSource = { path: string; bytes: Uint8Array } | { path: string; absPath: string };

export interface RunResult {
  /** Items in chunk order; a streamed source makes them as they are iterated (once). */
  items: Iterable<ItemOutput> | AsyncIterable<ItemOutput>;
  /** Every warning, once each; complete once `items` is exhausted. */
  warnings: string[];
  /** A streamed source's header, read before any item: its length is known before any output is made. */
  info?: { sampleRate: number; durationSeconds: number };
}

/** Runs one pipeline on sources: in this thread, in a pool of threads, or streamed from disk. */
export interface Runner {
  run(source: RunSource): Promise<RunResult>;
  /** Frees the runner's threads; safe to call more than once. */
  close(): Promise<void>;
}

/** In this thread, the whole source in memory (runPipelineOnFile), with the run's `options`. */
export function inProcessRunner(pipeline: ResolvedPipeline, options: RunOptions = {}): Runner {
  return {
    run: async (source) => runPipelineOnFile(pipeline, await sourceBytes(source), options),
    close: async () => {},
  };
}

/**
 * In a pool of `threads` worker threads: the main thread stays responsive (a queue worker renewing its
 * job locks) and the CPU work spreads over cores. Only the artifacts come back, never the last value.
 */
export function poolRunner(pipeline: ResolvedPipeline, threads: number, options: RunOptions = {}): Runner {
  const spec = toSpec(pipeline);
  const pool = pipelineWorkerPool(spec, threads);
  const specJson = JSON.stringify(spec);
  let closed: Promise<void> | undefined;
  return {
    run: async (source) => {
      const { path, bytes } = await sourceBytes(source);
      const result = await pool.run({ specJson, path, bytes, options });
      if (!result.ok) throw errorFromData(result.error);
      return result;
    },
    close: () => (closed ??= pool.destroy()),
  };
}

/**
 * An audio file streamed from disk in bounded memory, in this thread (run-stream.ts): for pipelines whose
 * first blocks declare `streamAs` decode [-> resample] -> chunk. The source must be given by its file. A
 * compressed file may reject with StreamDeclined, at its header or part-way through `items`: the caller
 * then runs it again whole.
 */
export function streamingRunner(pipeline: ResolvedPipeline, options: RunOptions = {}): Runner {
  if (!streamShape(pipeline)) throw new TypeError('streamingRunner: the pipeline does not start with decode [-> resample] -> chunk');
  return {
    run: async (source) => {
      if (!('absPath' in source)) throw new TypeError(`streamingRunner: ${source.path} must be given by its file (absPath), not its bytes`);
      return streamPipelineOnFile(pipeline, source, options);
    },
    close: async () => {},
  };
}

/**
 * What convert and the queue workers run sources with: a source given by its file streams (the caller has
 * checked it against `streamAbove` with shouldStream), one given by its bytes runs whole.
 */
export interface PipelineRunner extends Runner {
  /**
   * Set when the pipeline can stream: sources larger than this many bytes in a format that streams (see
   * shouldStream) should be given by their file, never read whole. Unset: give every source by its bytes.
   */
  readonly streamAbove?: number;
}

/**
 * Runs the pipeline in this thread, or in a pool of `threads` worker threads, and streams long audio files
 * (WAV, FLAC, Ogg Vorbis, MP3) when the pipeline can. Streamed sources run in the calling thread whatever this chooses: their memory
 * stays bounded only if nobody copies their samples to a worker. `verifyMd5` is the run's (RunOptions).
 */
export function createRunner(
  pipeline: ResolvedPipeline,
  options: { threads: number; inProcess: boolean; streamAbove?: number } & RunOptions,
): PipelineRunner {
  const run: RunOptions = { verifyMd5: options.verifyMd5 };
  const whole = options.inProcess ? inProcessRunner(pipeline, run) : poolRunner(pipeline, options.threads, run);
  if (!streamShape(pipeline)) return whole;
  const streaming = streamingRunner(pipeline, run);
  return {
    streamAbove: options.streamAbove ?? streamThreshold(),
    run: (source) => ('absPath' in source ? streaming.run(source) : whole.run(source)),
    close: () => whole.close(),
  };
}

async function sourceBytes(source: RunSource): Promise<{ path: string; bytes: Uint8Array }> {
  if ('bytes' in source) return source;
  return { path: source.path, bytes: new Uint8Array(await readFile(source.absPath)) };
}

/**
 * `threads` worker threads that run the pipeline (src/pipeline/pool-thread.ts). User block modules may be
 * TypeScript, which only the tsx entry can import; without them the workers start from the esbuild bundle
 * (src/worker-bundle.ts): 0.3 s of CPU each instead of 1 s, which had made `convert --jobs 2` on 80 clips
 * slower than --jobs 1.
 */
export function pipelineWorkerPool(spec: PipelineSpec, threads: number): Piscina<WorkerTask, WorkerResult> {
  const entry = (spec.blocks ?? []).length > 0 ? workerEntry(PIPELINE_WORKER, 'tsx') : workerEntry(PIPELINE_WORKER);
  // Loaded here, not at import: convert's source threads import this file and never start a pool.
  const { Piscina } = createRequire(import.meta.url)('piscina') as typeof import('piscina');
  return new Piscina<WorkerTask, WorkerResult>(fixedPoolOptions(entry, 'runTask', threads));
}
