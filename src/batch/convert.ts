import { availableParallelism } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import PQueue from 'p-queue';
import { stringify } from 'csv-stringify/sync';
import { BirdcallError } from '../errors.ts';
import { removeTempFiles, writeFileAtomic } from '../store/atomic.ts';
import { acquireOutDirLock, StateStore, type SourceState } from '../store/state.ts';
import { openInputs, type InputLayout } from '../store/inputs.ts';
import { ManifestColumns, writeOutputManifest } from '../store/manifest.ts';
import type { InputRow, OutputRow } from '../store/manifest-types.ts';
import { pipelineHash, toSpec, type ResolvedPipeline } from '../pipeline/pipeline.ts';
import {
  baseKey,
  outputBaseFor,
  processSource,
  removeOutputs,
  type OutputBase,
  type SourceContext,
  type StaleOutputs,
} from './convert-file.ts';
import { createRunner, type PipelineRunner } from '../pipeline/runner.ts';
import { BIRDCALL_VERSION } from '../version.ts';

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
  /** Estimated seconds left; undefined until enough is known (see estimateSecondsLeft). */
  etaSeconds?: number;
  /** The source just finished. */
  source: string;
}

/**
 * Seconds left at the average rate so far, or undefined while that rate means little: before 3 s and 5 files.
 * The first files also pay for starting the worker threads, so an estimate after one file predicted minutes
 * for a run of seconds.
 */
export function estimateSecondsLeft(done: number, total: number, elapsedSeconds: number): number | undefined {
  if (done < 5 || elapsedSeconds < 3) return undefined;
  return (Math.max(0, total - done) * elapsedSeconds) / done;
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
export function convertExitCode(summary: ConvertSummary): 0 | 1 | 3 {
  if (summary.failed === 0) return 0;
  return summary.converted + summary.skipped > 0 ? 3 : 1;
}

/**
 * Runs a pipeline over a whole collection: a folder (`<label>/<file>`, WAV/FLAC/Ogg/MP3) or a manifest CSV, to
 * one output per item under `outDir` plus `manifest.csv` (labels, metadata, output paths, sha256, lineage),
 * `errors.csv`, `summary.json` and `pipeline.json`. Incremental and resumable: files already converted by the
 * same pipeline are skipped; outputs are written atomically; one bad file is listed in errors.csv, never
 * stops the batch. What `birdcall convert` runs.
 *
 * @param options - `input` (folder or CSV path), `outDir`, `pipeline` (resolved), `jobs` (worker threads,
 *   default all cores; 1 runs in-process), `maxDuration` (seconds), `maxFileSize` (bytes), `streamAbove`
 *   (bytes; WAVs above it stream in bounded memory, default 64 MiB), `fsync`, `filter` (which input rows),
 *   `onProgress`.
 * @returns counts (files, converted, skipped, failed, chunks), the errors, and the paths written.
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
  const started = performance.now();
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new BirdcallError('USAGE', `--jobs must be a positive integer, got ${jobs}`);
  if (options.maxDuration !== undefined && !(options.maxDuration > 0)) {
    throw new BirdcallError('USAGE', `--max-duration must be a positive number of seconds, got ${options.maxDuration}`);
  }
  if (options.maxFileSize !== undefined && !(options.maxFileSize > 0)) {
    throw new BirdcallError('USAGE', `--max-file-size must be a positive number of bytes, got ${options.maxFileSize}`);
  }

  const source = await openInputs(options.input);
  const total = await source.count();
  const outDir = options.outDir;
  await mkdir(outDir, { recursive: true });
  const releaseLock = await acquireOutDirLock(outDir);
  let runner: PipelineRunner | undefined;
  try {
    const tempFilesRemoved = await removeTempFiles(outDir);
    const hash = pipelineHash(options.pipeline);
    const version = BIRDCALL_VERSION;
    const store = new StateStore(outDir);
    runner = createRunner(options.pipeline, { threads: jobs, inProcess: jobs === 1, streamAbove: options.streamAbove });
    const ctx: SourceContext = {
      inputRoot: source.root,
      outDir,
      pipelineHash: hash,
      birdcallVersion: version,
      store,
      run: runner,
      fsync: options.fsync,
      maxFileSize: options.maxFileSize,
      maxDuration: options.maxDuration,
      checkedDirs: new Set(),
    };
    const columns = new ManifestColumns();
    const errors: ConvertError[] = [];
    const errorsByCode: Record<string, number> = {};
    const warningsByKind: Record<string, number> = {};
    // Sources with a valid state this run, by input position: the manifest lists them in input order.
    const finished = new Map<number, string>();
    // Outputs earlier runs made that this run did not rewrite (fewer chunks, a renamed source). Deleted at
    // the end, once every source of the run has claimed its output names, so none is deleted from under
    // another source that now owns the name.
    const staleOutputs: (StaleOutputs & { source: string })[] = [];
    let converted = 0;
    let skipped = 0;
    let failed = 0;
    let audioSeconds = 0;

    const fail = (path: string, err: unknown): void => {
      // The reason names the row or file the error is about when that is not the source path itself.
      const error =
        err instanceof BirdcallError
          ? { code: err.code, reason: err.file && err.file !== path ? `${err.file}: ${err.reason}` : err.reason }
          : { code: 'INTERNAL', reason: err instanceof Error ? err.message : String(err) };
      errors.push({ path, ...error, level: 'error' });
      errorsByCode[error.code] = (errorsByCode[error.code] ?? 0) + 1;
      failed++;
    };
    const warn = (path: string, message: string): void => {
      errors.push({ path, code: 'WARNING', reason: message, level: 'warning' });
      const kind = warningKind(message);
      warningsByKind[kind] = (warningsByKind[kind] ?? 0) + 1;
    };
    const progress = (path: string): void => {
      if (!options.onProgress) return;
      const done = converted + skipped + failed;
      const elapsedSeconds = (performance.now() - started) / 1000;
      const filesPerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
      options.onProgress({
        done,
        total: Math.max(total, done),
        converted,
        skipped,
        failed,
        elapsedSeconds,
        filesPerSecond,
        etaSeconds: estimateSecondsLeft(done, total, elapsedSeconds),
        source: path,
      });
    };

    /** One source through the shared step, then its share of the manifest, errors.csv and the counts. */
    const convertSource = async (row: InputRow, index: number, base: OutputBase): Promise<void> => {
      const result = await processSource(ctx, row, base);
      const state = result.state;
      if (result.outcome === 'skipped' && JSON.stringify(state.input) !== JSON.stringify(row)) {
        // Labels or metadata were edited but not the audio: refresh the rows, keep the outputs.
        const refreshed: SourceState = { ...state, input: row, rows: state.rows.map((r) => withInput(r, row)) };
        await store.write(refreshed);
        state.rows = refreshed.rows;
      }
      if (result.outcome === 'converted' && result.stale) staleOutputs.push({ source: row.path, ...result.stale });
      for (const r of state.rows) columns.add(r);
      // errors.csv describes the output folder, not just this run: an up-to-date source keeps its warnings.
      for (const message of state.warnings) warn(row.path, message);
      finished.set(index, row.path);
      if (result.outcome === 'skipped') {
        skipped++;
      } else {
        converted++;
        audioSeconds += state.audioSeconds ?? 0;
      }
    };

    const queueConcurrency = Math.max(2, jobs * 2);
    const queue = new PQueue({ concurrency: queueConcurrency });
    const seenPaths = new Set<string>();
    const takenBases = new Map<string, string>();
    let index = 0;
    for await (const row of source.rows({
      onInvalidRow: (err, rawPath) => {
        fail(rawPath === '' ? `(${err.file ?? 'row'})` : rawPath, err);
        progress(rawPath);
      },
    })) {
      const rowIndex = index++;
      if (options.filter && !options.filter(row)) continue;
      if (seenPaths.has(row.path)) {
        warn(row.path, `${row.origin ?? 'this row'} repeats a source already listed; converted once`);
        continue;
      }
      seenPaths.add(row.path);
      const base = outputBaseFor(row, takenBases);
      // Bounded look-ahead: a 100k-row manifest never puts 100k tasks (or their bytes) in memory.
      await queue.onSizeLessThan(queueConcurrency);
      void queue.add(async () => {
        try {
          await convertSource(row, rowIndex, base);
        } catch (err) {
          fail(row.path, err);
        }
        progress(row.path);
      });
    }
    await queue.onIdle();
    // Free the worker threads before the (single-threaded) manifest pass.
    await runner.close?.();
    for (const stale of staleOutputs) {
      const owner = stale.base ? takenBases.get(baseKey(stale.base)) : undefined;
      if (owner !== undefined && owner !== stale.source) continue;
      await removeOutputs(outDir, stale.paths);
    }

    if (index === 0 && failed === 0) {
      throw new BirdcallError('INPUT_EMPTY', source.layout === 'folder' ? 'no audio files (.wav, .flac, .ogg, .mp3) found' : 'the CSV has no rows', options.input);
    }

    const manifestPath = join(outDir, 'manifest.csv');
    const order = [...finished.entries()].sort((a, b) => a[0] - b[0]).map(([, path]) => path);
    const chunks = await writeOutputManifest(manifestPath, stateRows(store, order), columns);
    const errorsPath = join(outDir, 'errors.csv');
    await writeFileAtomic(
      errorsPath,
      stringify([['path', 'code', 'reason', 'level'], ...errors.map((e) => [e.path, e.code, e.reason, e.level])]),
    );

    const elapsedSeconds = (performance.now() - started) / 1000;
    const summary: ConvertSummary = {
      input: options.input,
      outDir,
      layout: source.layout,
      pipelineHash: hash,
      birdcallVersion: version,
      jobs,
      files: converted + skipped + failed,
      converted,
      skipped,
      failed,
      chunks,
      errorsByCode,
      warningsByKind,
      tempFilesRemoved,
      audioSeconds,
      elapsedSeconds,
      filesPerSecond: elapsedSeconds > 0 ? (converted + skipped + failed) / elapsedSeconds : 0,
      realTimeFactor: elapsedSeconds > 0 ? audioSeconds / elapsedSeconds : 0,
      manifestPath,
      errorsPath,
    };
    await writeFileAtomic(join(outDir, 'pipeline.json'), JSON.stringify(toSpec(options.pipeline), null, 2) + '\n');
    await writeFileAtomic(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    return summary;
  } finally {
    await runner?.close?.();
    await releaseLock();
  }
}

/** Reads the states back in input order and yields their rows (the manifest is never held whole). */
async function* stateRows(store: StateStore, order: string[]): AsyncIterable<OutputRow> {
  for (const path of order) {
    const state = await store.read(path);
    if (state) yield* state.rows;
  }
}

function withInput(row: OutputRow, input: InputRow): OutputRow {
  return { ...row, primaryLabel: input.primaryLabel, secondaryLabels: input.secondaryLabels, metadata: input.metadata };
}

/**
 * Groups a warning for the summary. Quality checks (`quality: [dropped ]chunk 3 (15.00 s): silence: …`)
 * group by block, check and outcome, e.g. `quality silence: dropped`; anything else by its block and the
 * start of its text with numbers blurred, e.g. `decode: N NaN or infinite float sample(s) replaced by N`.
 */
export function warningKind(message: string): string {
  const quality = /^([\w-]+): (dropped )?(?:chunk \d+ \([^)]*\)|audio): ([\w-]+):/.exec(message);
  if (quality) return `${quality[1]} ${quality[3]}: ${quality[2] ? 'dropped' : 'warned'}`;
  return message.replace(/-?\d+(\.\d+)?/g, 'N').slice(0, 80);
}
