import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import PQueue from 'p-queue';
import { asFsFault, BirdcallError, isFsFault } from '../errors.ts';
import { removeTempFiles, writeFileAtomic } from '../store/atomic.ts';
import { acquireOutDirLock, StateStore } from '../store/state.ts';
import type { InputRow } from '../store/manifest-types.ts';
import { pipelineHash, toSpec, type ResolvedPipeline } from '../pipeline/pipeline.ts';
import { BIRDCALL_VERSION } from '../version.ts';
import { ConvertRun, type ConvertProgress, type ConvertSummary, type RunFacts } from './convert-run.ts';
import { planSources, type SourcePlan } from '../store/plan.ts';
import { defaultJobs, startSourceThreads, type SourceRunner, type SourceThreads } from './source-pool.ts';
import type { ConvertSetup } from './source-thread.ts';

export { estimateSecondsLeft, warningKind, type ConvertError, type ConvertProgress, type ConvertSummary } from './convert-run.ts';

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

export interface ConvertOptions {
  /** A folder of WAVs, a BirdCLEF train_metadata.csv or a birdcalls manifest.csv. */
  input: string;
  outDir: string;
  pipeline: ResolvedPipeline;
  /**
   * Worker threads for the per-file work (read, decode, compute, encode, hash, write); this thread only
   * schedules and records. Default: all cores.
   */
  jobs?: number;
  /**
   * Convert every source on this thread, with no worker threads (`jobs` must then be 1 or unset): for a
   * debugger's breakpoints in a pipeline, or a test that stubs node:fs. Slower on long runs (this thread's
   * heap stays small, so it collects garbage more often). Default false.
   */
  inProcess?: boolean;
  /** Refuse sources longer than this many seconds (per-file error FILE_TOO_LONG). */
  maxDuration?: number;
  /** Refuse sources larger than this many bytes (per-file error FILE_TOO_LARGE). */
  maxFileSize?: number;
  /**
   * Check every FLAC's decoded audio against the MD5 signature in its STREAMINFO: a mismatch fails that
   * file (FLAC_MD5_MISMATCH), streamed or read whole, and leaves none of its outputs. Not part of the
   * pipeline hash (it changes no output); a FLAC converted earlier without it is decoded again to check it.
   * Default false (frame CRCs are always checked).
   */
  verifyMd5?: boolean;
  /**
   * WAV, FLAC, Ogg Vorbis and MP3 sources whose audio is larger than this many bytes as 16-bit PCM (a WAV's
   * size; a compressed file's decoded size) are streamed window by window instead of read whole (bounded
   * memory; same outputs; a compressed file found damaged part-way is converted again whole). Default:
   * BIRDCALL_STREAM_ABOVE, else 64 MiB (see run-stream.ts).
   */
  streamAbove?: number;
  onProgress?: (progress: ConvertProgress) => void;
  /** fsync every output before its rename (survives power loss, not just a killed process). Default false. */
  fsync?: boolean;
  /** Keep only the rows this returns true for (e.g. one shard of the input, see shard.ts). Default: all. */
  filter?: (row: InputRow) => boolean;
  /**
   * Stops the run when aborted (the CLI aborts on SIGINT/SIGTERM, with the signal's name as the reason): no
   * new source starts, the ones running get `graceSeconds` to finish and are then abandoned, the manifest
   * lists the sources finished so far, and convert rejects with INTERRUPTED. Running again resumes.
   */
  signal?: AbortSignal;
  /** Seconds sources already running get to finish after `signal` aborts. Default 10. */
  graceSeconds?: number;
}

/**
 * Exit code for the CLI: 0 all converted (or up to date), 3 some failed, 1 none converted.
 *
 * @param summary - what convert returned; only `converted`, `skipped` and `failed` (file counts) are read.
 * @returns 0, 1 or 3; never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { convertExitCode, type ConvertSummary } from 'birdcall';
 *
 * const run = (converted: number, skipped: number, failed: number) => convertExitCode({ converted, skipped, failed } as ConvertSummary);
 * assert.equal(run(10, 0, 0), 0);
 * assert.equal(run(0, 10, 0), 0); // everything up to date from an earlier run
 * assert.equal(run(9, 0, 1), 3); // partial success
 * assert.equal(run(0, 3, 1), 3);
 * assert.equal(run(0, 0, 10), 1);
 * ```
 */
export function convertExitCode(summary: ConvertSummary): 0 | 1 | 3 {
  if (summary.failed === 0) return 0;
  return summary.converted + summary.skipped > 0 ? 3 : 1;
}

function checkOptions(options: ConvertOptions): number {
  const jobs = options.jobs ?? (options.inProcess ? 1 : defaultJobs());
  if (!Number.isInteger(jobs) || jobs < 1) throw new BirdcallError('USAGE', `--jobs must be a positive integer, got ${jobs}`);
  if (options.inProcess && jobs !== 1) throw new BirdcallError('USAGE', `inProcess runs on one thread: jobs must be 1 or unset, got ${jobs}`);
  if (options.maxDuration !== undefined && !(options.maxDuration > 0)) {
    throw new BirdcallError('USAGE', `--max-duration must be a positive number of seconds, got ${options.maxDuration}`);
  }
  if (options.maxFileSize !== undefined && !(options.maxFileSize > 0)) {
    throw new BirdcallError('USAGE', `--max-file-size must be a positive number of bytes, got ${options.maxFileSize}`);
  }
  return jobs;
}

/**
 * Runs a pipeline over a whole collection: a folder (`<label>/<file>`, WAV/FLAC/Ogg/MP3) or a manifest CSV, to
 * one output per item under `outDir` plus `manifest.csv` (labels, metadata, output paths, sha256, lineage),
 * `errors.csv`, `summary.json` and `pipeline.json`. Incremental and resumable: files already converted by the
 * same pipeline are skipped; outputs are written atomically; one bad file is listed in errors.csv, never
 * stops the batch. Each source is converted whole (read, decode, compute, encode, hash, write) on one of
 * `jobs` worker threads; this thread only schedules and records. What `birdcall convert` runs.
 *
 * @param options - `input` (folder or CSV path), `outDir`, `pipeline` (resolved), `jobs` (worker threads,
 *   default all cores), `inProcess` (no threads: for a debugger), `maxDuration` (seconds), `maxFileSize` (bytes), `verifyMd5`
 *   (refuse FLACs whose audio does not match their MD5 signature), `streamAbove`
 *   (bytes of 16-bit PCM; WAV, FLAC, Ogg Vorbis and MP3 files whose audio is larger stream in bounded
 *   memory, default 64 MiB), `fsync`, `filter` (which input rows), `onProgress`, `signal` and `graceSeconds` (stop early, resumably).
 * @returns counts (files, converted, skipped, failed, chunks), the errors, and the paths written.
 * @throws BirdcallError INTERRUPTED when `signal` stopped it; an FsFaultError (code ENOSPC, EACCES, EROFS,
 *   EMFILE…) naming the file when the machine cannot go on. Either way a re-run resumes.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { convert, pipeline, decode, melspec, db, npy, encodeWav } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * const tone = Float32Array.from({ length: 22050 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));
 * await mkdir(join(dir, 'in', 'robin'), { recursive: true }); // the folder names the label
 * await writeFile(join(dir, 'in', 'robin', 'a.wav'), encodeWav(tone, 22050));
 * const p = pipeline(decode(), melspec(), db(), npy());
 * const summary = await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: p, jobs: 1 });
 * assert.equal(summary.converted, 1); // out/manifest.csv lists the .npy with label robin
 * const again = await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: p, jobs: 1 });
 * assert.equal(again.skipped, 1); // a re-run resumes: nothing to do
 * ```
 */
export async function convert(options: ConvertOptions): Promise<ConvertSummary> {
  const jobs = checkOptions(options);
  // Started first: the threads' start-up overlaps the walk of the input and the set-up of the output folder.
  const threads = startSourceThreads(jobs, (options.pipeline.modules ?? []).length > 0, options.inProcess);
  try {
    return await convertOn(threads, jobs, options);
  } finally {
    await threads.close();
  }
}

async function convertOn(threads: SourceThreads, jobs: number, options: ConvertOptions): Promise<ConvertSummary> {
  const plan = await planSources(options.input, options.filter);
  const total = await plan.count();
  const outDir = options.outDir;
  await makeOutDir(outDir);
  const releaseLock = await acquireOutDirLock(outDir);
  let runner: SourceRunner | undefined;
  try {
    const facts: RunFacts = {
      input: options.input,
      outDir,
      layout: plan.layout,
      pipelineHash: pipelineHash(options.pipeline),
      birdcallVersion: BIRDCALL_VERSION,
      jobs,
      tempFilesRemoved: await removeTempFiles(outDir),
    };
    const setup: ConvertSetup = {
      specJson: JSON.stringify(toSpec(options.pipeline)),
      inputRoot: plan.root,
      outDir,
      pipelineHash: facts.pipelineHash,
      birdcallVersion: facts.birdcallVersion,
      fsync: options.fsync,
      maxFileSize: options.maxFileSize,
      maxDuration: options.maxDuration,
      streamAbove: options.streamAbove,
      verifyMd5: options.verifyMd5,
    };
    runner = threads.runner(setup);
    const run = new ConvertRun(new StateStore(outDir), total, options.onProgress);
    const stop = await schedule(plan, run, runner, jobs, options);
    // The threads end while the manifest is written (they are idle: every source is done); after an early
    // stop, first, so a source abandoned after the grace writes nothing more.
    const closing = runner.close();
    const pipelineJson = JSON.stringify(toSpec(options.pipeline), null, 2) + '\n';
    if (stop) {
      await closing;
      return await stopRun(run, facts, stop, pipelineJson);
    }
    await run.removeStale(outDir, plan);
    plan.checkNotEmpty();
    await writeFileAtomic(join(outDir, 'pipeline.json'), pipelineJson);
    const summary = await run.writeResults(facts);
    await closing;
    return summary;
  } finally {
    await runner?.close();
    await releaseLock();
  }
}

/** Makes OUTDIR, or says why not in one line. */
async function makeOutDir(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    // A recursive mkdir on a read-only filesystem reports ENOENT; a plain one gives the real reason (EROFS).
    const real = await mkdir(outDir).then(() => err, (e: unknown) => e);
    throw asFsFault(real, 'create folder', outDir);
  }
}

/** Why a run stopped early: a signal (the abort reason, e.g. 'SIGTERM') or a machine fault. */
type Stop = { signal: string } | { fault: BirdcallError };

/**
 * Feeds the plan's sources to the runner, at most 2 x jobs in flight (a 100k-row manifest never puts 100k
 * tasks in memory), and records each outcome. Returns why it stopped early, if it did.
 */
async function schedule(plan: SourcePlan, run: ConvertRun, runner: SourceRunner, jobs: number, options: ConvertOptions): Promise<Stop | undefined> {
  const concurrency = Math.max(2, jobs * 2);
  const queue = new PQueue({ concurrency });
  const abandon = new AbortController();
  let stop: Stop | undefined;
  const onAbort = (): void => {
    stop ??= { signal: String(options.signal?.reason ?? 'abort') };
    queue.clear();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    for await (const item of plan.items()) {
      if (stop) break;
      if (item.kind === 'invalid') run.fail(item.rawPath === '' ? `(${item.error.file ?? 'row'})` : item.rawPath, item.error);
      else if (item.kind === 'duplicate') run.duplicate(item.row);
      else {
        await queue.onSizeLessThan(concurrency);
        if (stop) break;
        void queue.add(async () => {
          try {
            run.record(item.row, item.index, await runner.convert(item.row, item.base, abandon.signal));
          } catch (err) {
            if (abandon.signal.aborted) return;
            if (isFsFault(err)) {
              // Every further file would fail the same way: stop, keep what is done.
              stop ??= { fault: err };
              queue.clear();
            } else run.fail(item.row.path, err);
          }
        });
      }
    }
    await finishInFlight(queue, stop !== undefined || options.signal?.aborted ? options.graceSeconds ?? 10 : Infinity, abandon);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return stop;
}

/** Waits for the sources in flight; after `graceSeconds` abandons them (their threads are ended on close). */
async function finishInFlight(queue: PQueue, graceSeconds: number, abandon: AbortController): Promise<void> {
  if (!Number.isFinite(graceSeconds)) return queue.onIdle();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceSeconds * 1000);
  });
  await Promise.race([queue.onIdle(), grace]);
  clearTimeout(timer);
  abandon.abort();
}

/**
 * Leaves the folder resumable after an early stop: no temp files, a manifest of the sources finished so far
 * (best effort: on a full disk the previous complete manifest stays), then rejects with the reason.
 */
async function stopRun(run: ConvertRun, facts: RunFacts, stop: Stop, pipelineJson: string): Promise<never> {
  await removeTempFiles(facts.outDir).catch(() => 0);
  const reason = 'signal' in stop ? `stopped by ${stop.signal}` : stop.fault.code;
  const written = await writeFileAtomic(join(facts.outDir, 'pipeline.json'), pipelineJson)
    .then(() => run.writeResults(facts, reason))
    .then(
      () => true,
      () => false,
    );
  await removeTempFiles(facts.outDir).catch(() => 0);
  if ('fault' in stop) throw stop.fault;
  const done = `${run.converted} converted, ${run.skipped} up to date, ${run.failed} failed`;
  throw new BirdcallError(
    'INTERRUPTED',
    `stopped by ${stop.signal} (${done}${written ? '; manifest.csv lists them' : ''}); run the same command again to resume`,
    facts.outDir,
  );
}
