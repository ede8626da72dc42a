import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { BirdcallError } from '../errors.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { ManifestColumns, writeOutputManifest, type RenderedRows } from '../store/manifest.ts';
import type { InputRow, OutputRow } from '../store/manifest-types.ts';
import type { StateStore } from '../store/state.ts';
import { removeOutputs, type SourceOutcome, type StaleOutputs } from './convert-file.ts';
import { ownerOf, type SourcePlan } from '../store/plan.ts';

/**
 * The bookkeeping of one `convert` run, on the main thread: counts, errors and warnings, progress, the
 * sources finished (for the manifest, in input order), outputs left stale by earlier runs, and at the end
 * the files that describe the output folder: manifest.csv, errors.csv, summary.json. Each is written to a
 * temp file and renamed, so a reader sees the previous complete file or the new complete one.
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

export interface ConvertError {
  path: string;
  code: string;
  reason: string;
  level: 'error' | 'warning';
}

export interface ConvertSummary {
  input: string;
  outDir: string;
  layout: SourcePlan['layout'];
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
  /**
   * Set when the run stopped early (a signal, a full disk): the manifest then lists the sources finished so
   * far, and running the same command again resumes.
   */
  stopped?: string;
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

/**
 * Manifest rows a run keeps rendered by default (see ConvertRun's `finished`): 50,000 chunks, about 19 MB at
 * the 375 bytes a row of the default preset on a folder (an input's metadata columns make rows longer).
 */
const HELD_ROWS = 50_000;

/** The fixed facts of a run that the summary repeats. */
export type RunFacts = Pick<ConvertSummary, 'input' | 'outDir' | 'layout' | 'pipelineHash' | 'birdcallVersion' | 'jobs' | 'tempFilesRemoved'>;

export class ConvertRun {
  converted = 0;
  skipped = 0;
  failed = 0;
  audioSeconds = 0;
  readonly errors: ConvertError[] = [];
  readonly errorsByCode: Record<string, number> = {};
  readonly warningsByKind: Record<string, number> = {};
  private readonly started = performance.now();
  private readonly columns = new ManifestColumns();
  /**
   * Sources with a valid state this run, by input position: the manifest lists them in input order. The
   * first `heldRows` chunks are rendered to CSV as their sources finish, while the threads compute, and kept:
   * rendering them all and reading their states back at the end was the whole tail of a run (75-85 ms for
   * 400 clips, single-threaded). Beyond that budget, or when the columns changed since (a later source with
   * other metadata), a source's rows are read back from its state at the end, so a run of a million chunks
   * holds only the budget.
   */
  private readonly finished = new Map<number, FinishedSource>();
  private held = 0;
  /**
   * Outputs earlier runs made that this run did not rewrite (fewer chunks, a renamed source). Deleted at the
   * end, once every source of the run has claimed its output names, so none is deleted from under another
   * source that now owns the name.
   */
  private readonly stale: (StaleOutputs & { source: string })[] = [];

  constructor(
    private readonly store: StateStore,
    private readonly total: number,
    private readonly onProgress?: (progress: ConvertProgress) => void,
    /** Chunks whose manifest rows are kept in memory, rendered, rather than read back from the states at the end. */
    private readonly heldRows = HELD_ROWS,
  ) {}

  get done(): number {
    return this.converted + this.skipped + this.failed;
  }

  /** A source (or an unusable row) that was not converted. The reason names the row when it is not the path. */
  fail(path: string, err: unknown): void {
    const error =
      err instanceof BirdcallError
        ? { code: err.code, reason: err.file && err.file !== path ? `${err.file}: ${err.reason}` : err.reason }
        : { code: 'INTERNAL', reason: err instanceof Error ? err.message : String(err) };
    this.errors.push({ path, ...error, level: 'error' });
    this.errorsByCode[error.code] = (this.errorsByCode[error.code] ?? 0) + 1;
    this.failed++;
    this.progress(path);
  }

  warn(path: string, message: string): void {
    this.errors.push({ path, code: 'WARNING', reason: message, level: 'warning' });
    const kind = warningKind(message);
    this.warningsByKind[kind] = (this.warningsByKind[kind] ?? 0) + 1;
  }

  duplicate(row: InputRow): void {
    this.warn(row.path, `${row.origin ?? 'this row'} repeats a source already listed; converted once`);
  }

  /** A source converted or found up to date: its rows go to the manifest, its warnings to errors.csv. */
  record(row: InputRow, index: number, result: SourceOutcome): void {
    const { state } = result;
    if (result.outcome === 'converted' && result.stale) this.stale.push({ source: row.path, ...result.stale });
    for (const r of state.rows) this.columns.add(r);
    // errors.csv describes the output folder, not just this run: an up-to-date source keeps its warnings.
    for (const message of state.warnings) this.warn(row.path, message);
    const hold = this.held + state.rows.length <= this.heldRows;
    if (hold) this.held += state.rows.length;
    this.finished.set(index, { path: row.path, rendered: hold ? this.columns.render(state.rows) : undefined });
    if (result.outcome === 'skipped') {
      this.skipped++;
    } else {
      this.converted++;
      this.audioSeconds += state.audioSeconds ?? 0;
    }
    this.progress(row.path);
  }

  private elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  private progress(path: string): void {
    if (!this.onProgress) return;
    const done = this.done;
    const elapsedSeconds = this.elapsedSeconds();
    const filesPerSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
    this.onProgress({
      done,
      total: Math.max(this.total, done),
      converted: this.converted,
      skipped: this.skipped,
      failed: this.failed,
      elapsedSeconds,
      filesPerSecond,
      etaSeconds: estimateSecondsLeft(done, this.total, elapsedSeconds),
      source: path,
    });
  }

  /** Deletes the stale outputs whose names no source of this run owns now. */
  async removeStale(outDir: string, plan: SourcePlan): Promise<void> {
    for (const stale of this.stale) {
      const owner = ownerOf(plan, stale.base);
      if (owner !== undefined && owner !== stale.source) continue;
      await removeOutputs(outDir, stale.paths);
    }
  }

  /** Writes manifest.csv, errors.csv and summary.json (each atomically) and returns the summary. */
  async writeResults(facts: RunFacts, stopped?: string): Promise<ConvertSummary> {
    const { outDir } = facts;
    const manifestPath = join(outDir, 'manifest.csv');
    const order = [...this.finished.entries()].sort((a, b) => a[0] - b[0]).map(([, source]) => source);
    const chunks = await writeOutputManifest(manifestPath, manifestRows(this.store, order, this.columns.key()), this.columns);
    const errorsPath = join(outDir, 'errors.csv');
    const errorRows = this.errors.map((e) => [e.path, e.code, e.reason, e.level]);
    await writeFileAtomic(errorsPath, stringify([['path', 'code', 'reason', 'level'], ...errorRows]));
    const elapsedSeconds = this.elapsedSeconds();
    const summary: ConvertSummary = {
      ...facts,
      files: this.done,
      converted: this.converted,
      skipped: this.skipped,
      failed: this.failed,
      chunks,
      errorsByCode: this.errorsByCode,
      warningsByKind: this.warningsByKind,
      audioSeconds: this.audioSeconds,
      elapsedSeconds,
      filesPerSecond: elapsedSeconds > 0 ? this.done / elapsedSeconds : 0,
      realTimeFactor: elapsedSeconds > 0 ? this.audioSeconds / elapsedSeconds : 0,
      manifestPath,
      errorsPath,
      ...(stopped === undefined ? {} : { stopped }),
    };
    await writeFileAtomic(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    return summary;
  }
}

interface FinishedSource {
  path: string;
  rendered?: RenderedRows;
}

/** The sources' rows in input order: rendered ahead under the final columns, or read back from their states. */
async function* manifestRows(store: StateStore, order: FinishedSource[], columnsKey: string): AsyncIterable<OutputRow | RenderedRows> {
  for (const { path, rendered } of order) {
    if (rendered?.columnsKey === columnsKey) {
      yield rendered;
      continue;
    }
    const state = await store.read(path);
    if (state) yield* state.rows;
  }
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
