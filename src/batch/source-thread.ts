import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { asFsFault } from '../errors.ts';
import { errorToData, rebuild, type WorkerError } from '../pipeline/pool-thread.ts';
import { createRunner } from '../pipeline/runner.ts';
import type { InputRow } from '../store/manifest-types.ts';
import { StateStore, type SourceState } from '../store/state.ts';
import { processSource, type SourceContext, type SourceOutcome } from './convert-file.ts';
import type { OutputBase } from '../store/plan.ts';

/**
 * One source of `convert`, whole: read, hash, decode, compute, encode, write every output atomically, write
 * the state. Runs in a worker thread (or on the calling thread with convert's `inProcess`), so the main
 * thread only schedules and records rows: no source bytes or images cross a thread boundary, only the small
 * state.
 */

/** What every source of a run shares; plain data, so it crosses to the workers once per task as JSON. */
export interface ConvertSetup {
  /** JSON of `toSpec(pipeline)`. */
  specJson: string;
  inputRoot: string;
  outDir: string;
  pipelineHash: string;
  birdcallVersion: string;
  fsync?: boolean;
  maxFileSize?: number;
  maxDuration?: number;
  streamAbove?: number;
  /** RunOptions.verifyMd5: outside specJson, so it never changes the pipeline hash. */
  verifyMd5?: boolean;
}

export interface ConvertTask {
  /** JSON of the ConvertSetup; the thread builds its context once per distinct setup. */
  setupJson: string;
  row: InputRow;
  base: OutputBase;
}

export type ConvertTaskResult = { ok: true; result: SourceOutcome } | { ok: false; error: WorkerError };

/** The per-thread context of a setup: pipeline, runner, state store, output folders already checked. */
export async function sourceContext(setup: ConvertSetup): Promise<SourceContext> {
  const pipeline = await rebuild(setup.specJson);
  return {
    tempDir: await threadTempDir(setup.outDir),
    inputRoot: setup.inputRoot,
    outDir: setup.outDir,
    pipelineHash: setup.pipelineHash,
    birdcallVersion: setup.birdcallVersion,
    store: new StateStore(setup.outDir),
    run: createRunner(pipeline, { threads: 1, inProcess: true, streamAbove: setup.streamAbove, verifyMd5: setup.verifyMd5 }),
    fsync: setup.fsync,
    maxFileSize: setup.maxFileSize,
    maxDuration: setup.maxDuration,
    verifyMd5: setup.verifyMd5,
    checkedDirs: new Set(),
  };
}

/**
 * A worker thread's own folder for temp files. Threads creating files in one label folder at once spun on
 * its lock (see AtomicWriteOptions.tempDir); one thread (--jobs 1, on the main thread) has no one to meet
 * there and writes its temp files beside the outputs.
 */
async function threadTempDir(outDir: string): Promise<string | undefined> {
  if (isMainThread) return undefined;
  const dir = join(outDir, '.birdcall', 'tmp', String(threadId));
  await mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw asFsFault(err, 'create folder', dir);
  });
  return dir;
}

/**
 * processSource, plus: an up-to-date source whose labels or metadata were edited (not its audio) gets its
 * rows refreshed and its state rewritten, keeping the outputs.
 */
export async function convertSource(ctx: SourceContext, row: InputRow, base: OutputBase): Promise<SourceOutcome> {
  const result = await processSource(ctx, row, base);
  if (result.outcome === 'skipped' && JSON.stringify(result.state.input) !== JSON.stringify(row)) {
    const refreshed: SourceState = {
      ...result.state,
      input: row,
      rows: result.state.rows.map((r) => ({ ...r, primaryLabel: row.primaryLabel, secondaryLabels: row.secondaryLabels, metadata: row.metadata })),
    };
    await ctx.store.write(refreshed);
    return { outcome: 'skipped', state: refreshed };
  }
  return result;
}

let cached: { setupJson: string; ctx: Promise<SourceContext> } | undefined;

/** The worker thread's task (piscina `name: 'convertTask'`). Errors come back as data: see errorToData. */
export async function convertTask(task: ConvertTask): Promise<ConvertTaskResult> {
  try {
    if (cached?.setupJson !== task.setupJson) {
      cached = { setupJson: task.setupJson, ctx: sourceContext(JSON.parse(task.setupJson) as ConvertSetup) };
    }
    return { ok: true, result: await convertSource(await cached.ctx, task.row, task.base) };
  } catch (err) {
    return { ok: false, error: errorToData(err) };
  }
}

export default convertTask;
