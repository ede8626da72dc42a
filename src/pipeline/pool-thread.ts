import { BirdcallError } from '../errors.ts';
import type { RunOptions } from './block.ts';
import { loadBlockModules, resolvePipeline, type PipelineSpec, type ResolvedPipeline } from './pipeline.ts';
import { runPipelineOnFile, type PipelineItem } from './run.ts';
import { runWindow, streamShape, type AudioWindow } from './run-stream.ts';

/**
 * The CPU half of `convert`, run in a worker thread: bytes in, artifacts out. It writes nothing (the main
 * thread writes atomically and keeps the state), so a killed worker can never leave a half-written output.
 */

export type WorkerTask = FileTask | WindowTask;

export interface FileTask {
  /** JSON of `toSpec(resolved)`; the worker rebuilds the pipeline from it once and reuses it. */
  specJson: string;
  path: string;
  bytes: Uint8Array;
  /** The run's options (plain data): never part of the spec, whose hash they must not change. */
  options?: RunOptions;
}

/**
 * One window of a streamed recording (run-stream.ts): the steps after chunk on its chunks. Long recordings
 * are read in the main thread a window at a time and their windows spread over the workers.
 */
export interface WindowTask {
  specJson: string;
  path: string;
  window: AudioWindow;
  itemWarnings: string[];
  options?: RunOptions;
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

export type WorkerResult = { ok: true; items: ItemOutput[]; warnings: string[] } | { ok: false; error: WorkerError };

let cached: { specJson: string; pipeline: Promise<ResolvedPipeline> } | undefined;

export function errorToData(err: unknown): WorkerError {
  if (err instanceof BirdcallError) return { code: err.code, reason: err.reason, file: err.file, message: err.message };
  const error = err instanceof Error ? err : new Error(String(err));
  return { code: 'INTERNAL', reason: error.message, message: error.message, stack: error.stack };
}

export function errorFromData(data: WorkerError): Error {
  if (data.code === 'INTERNAL') {
    const error = new Error(data.message);
    if (data.stack) error.stack = data.stack;
    return error;
  }
  return new BirdcallError(data.code, data.reason, data.file);
}

/** Rebuilds the pipeline in this thread: user block modules are imported again (absolute paths in the spec). */
export async function rebuild(specJson: string): Promise<ResolvedPipeline> {
  const spec = JSON.parse(specJson) as PipelineSpec;
  const modules = spec.blocks ?? [];
  const blocks = await loadBlockModules(modules);
  return resolvePipeline(spec, { blocks, modules });
}

export async function runTask(task: WorkerTask): Promise<WorkerResult> {
  try {
    if (cached?.specJson !== task.specJson) cached = { specJson: task.specJson, pipeline: rebuild(task.specJson) };
    const pipeline = await cached.pipeline;
    if ('window' in task) {
      const shape = streamShape(pipeline);
      if (!shape) throw new Error('a window task for a pipeline that does not stream');
      const warnings: string[] = [];
      const items = await runWindow(shape.rest, task.window, { path: task.path }, warnings, task.itemWarnings, task.options);
      return { ok: true, items: items.map(({ value: _value, ...rest }) => rest), warnings };
    }
    const result = await runPipelineOnFile(pipeline, { path: task.path, bytes: task.bytes }, task.options);
    return { ok: true, items: result.items.map(({ value: _value, ...rest }) => rest), warnings: result.warnings };
  } catch (err) {
    return { ok: false, error: errorToData(err) };
  }
}
