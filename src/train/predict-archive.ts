import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, posix } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { audacityFileName, audacityLabels } from '../detect/audacity.ts';
import type { OutputFormat } from '../detect/formats.ts';
import { DetectionCollector, type DetectOptions } from '../detect/detections.ts';
import { GridAggregator, type GridOptions } from '../detect/grid.ts';
import { ravenFileName, ravenTable } from '../detect/raven.ts';
import { scoreHeader, scoreRows } from '../detect/tables.ts';
import { BirdcallError } from '../errors.ts';
import { openAtomicWriter, removeTempFiles, writeFileAtomic, writeStreamAtomic, type AtomicWriter } from '../store/atomic.ts';
import type { InputRow, OutputRow } from '../store/manifest-types.ts';
import { safeName } from '../store/paths.ts';
import { acquireOutDirLock, md5Unverified, outputsIntact, sha256Hex, StateStore, type SourceState } from '../store/state.ts';
import { BIRDCALL_VERSION } from '../version.ts';
import { predictionSources, type ChunkPrediction, type PredictionSource, type Predictor } from './predict-files.ts';
import { createEngine, failureOf, predictRecordings, type EngineOptions, type PredictFileError, type PreparedRecording, type RecordingSink } from './predict-stream.ts';

/**
 * `birdcall predict INPUT -o DIR`: a model over a whole archive, resumable like `convert`. Under DIR:
 *   csv/<path>.csv                          one row per model chunk (per recording)
 *   birdclef/<path>.csv                     one row per 5 s window on BirdCLEF's grid (per recording)
 *   raven/<path>.birdcall.selections.txt    Raven Pro selection table of the detections
 *   audacity/<path>.birdcall.labels.txt     Audacity label track of the detections
 *   predictions.csv, submission.csv         the csv and birdclef tables of every recording, in input order
 *   errors.csv, summary.json, .birdcall/    as convert: failures, counts, per-recording states and the lock
 * <path> is the recording's path in the input without its extension, each folder name made safe. A
 * recording's state is written after its outputs and records their hashes, the recording's hash and a key
 * made of the model's files and the output options: a re-run skips what is done and intact.
 */


/** The combined table of a format, at the top of DIR. */
export const COMBINED: Partial<Record<OutputFormat, string>> = { csv: 'predictions.csv', birdclef: 'submission.csv' };

export interface ArchiveOptions extends EngineOptions {
  /** An audio file, a folder of them, or a manifest CSV (read as `convert` reads them). */
  input: string;
  /** The output folder (made if missing): the tables, errors.csv, summary.json and the per-recording state. */
  outDir: string;
  /** The tables to write: 'csv' (per chunk), 'birdclef' (per 5 s window), 'raven', 'audacity' (detections). */
  formats: readonly OutputFormat[];
  /** Detections for raven and audacity: probability thresholds (default 0.5), `topK`, `merge`. */
  detect?: DetectOptions;
  /** The birdclef grid: `windowSeconds` (default 5) and `aggregate` ('max', default, or 'mean' of the chunks). */
  grid?: GridOptions;
  /** Keep only the rows this returns true for (one shard, see scale/shard.ts). */
  filter?: (row: InputRow) => boolean;
  /** Stops the run (between groups of chunks): the recordings done stay done, the summary says `interrupted`. */
  signal?: AbortSignal;
  /** Called as recordings start, progress and end: counts, audio seconds, speed. */
  onProgress?: (progress: ArchiveProgress) => void;
  /** Called for each recording that failed (also listed in errors.csv; the rest go on). */
  onError?: (error: PredictFileError) => void;
}

export interface ArchiveProgress {
  done: number;
  total: number;
  skipped: number;
  failed: number;
  /** Seconds of audio predicted this run, including the part of the recording in hand. */
  audioSeconds: number;
  elapsedSeconds: number;
  /** Audio seconds per wall-clock second. */
  realTimeFactor: number;
  source: string;
}

/** What a `predictArchive` run did; also written to DIR/summary.json. */
export interface ArchiveSummary {
  input: string;
  outDir: string;
  formats: OutputFormat[];
  /** sha256 (hex) of the model's files and the output options: a recording done under another key is redone. */
  key: string;
  /** Recordings seen: predicted + skipped + failed. */
  files: number;
  /** Recordings predicted by this run. */
  predicted: number;
  /** Recordings left alone: done by an earlier run with the same key, their outputs intact. */
  skipped: number;
  /** Recordings that failed (listed in errors.csv). */
  failed: number;
  /** Stopped by the signal: the recordings done are complete and skipped by the next run. */
  interrupted: boolean;
  /** Seconds of audio predicted by this run. */
  audioSeconds: number;
  /** Wall-clock seconds of the run. */
  elapsedSeconds: number;
  /** Audio seconds per wall-clock second. */
  realTimeFactor: number;
  /** DIR/errors.csv: path, code, reason and level (error or warning) of each problem. */
  errorsPath: string;
  /** The combined tables written (DIR/predictions.csv for csv, DIR/submission.csv for birdclef). */
  tables: string[];
}

/**
 * The exit code of `birdcall predict` for a finished run: 0 when no recording failed, 3 (partial success) when
 * some failed and others are done (predicted now or skipped as done before), 1 when none is done. An
 * interrupted run's 130 is the CLI's to give.
 *
 * @param summary - what `predictArchive` returned.
 * @returns 0, 3 or 1; never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { chunk, convert, db, decode, encodeWav, melspec, npy, pipeline } from 'birdcall';
 * import { archiveExitCode, loadPredictor, predictArchive, trainFromManifest } from 'birdcall/train';
 *
 * // A model folder as trainFromManifest's example makes one: 0.5 s tones labelled 'low' and 'high', a tiny model.
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * const tone = (hz: number, seconds: number) => encodeWav(Float32Array.from({ length: Math.round(seconds * 22050) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / 22050)), 22050);
 * for (const [label, hz] of [['low', 500], ['high', 4000]] as const) {
 *   await mkdir(join(dir, 'in', label), { recursive: true });
 *   for (let k = 0; k < 4; k++) await writeFile(join(dir, 'in', label, `${label}${k}.wav`), tone(hz * (1 + k / 10), 0.5));
 * }
 * await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: pipeline(decode(), chunk({ seconds: 0.5 }), melspec({ nMels: 32 }), db(), npy()), jobs: 1 });
 * await trainFromManifest({ manifest: join(dir, 'out', 'manifest.csv'), out: join(dir, 'model'), params: { model: 'tiny', epochs: 1 } });
 * const predictor = await loadPredictor(join(dir, 'model'));
 await mkdir(join(dir, 'field'));
 * await writeFile(join(dir, 'field', 'dawn.wav'), tone(4000, 1));
 * await writeFile(join(dir, 'field', 'broken.wav'), 'not audio');
 * const run = (input: string) => predictArchive(predictor, { input, outDir: join(dir, 'run'), formats: ['csv'], jobs: 1 });
 * const some = await run(join(dir, 'field'));
 * assert.equal(archiveExitCode(some), 3); // dawn.wav predicted, broken.wav failed
 * assert.match(await readFile(some.errorsPath, 'utf8'), /^broken\.wav,WAV_NOT_RIFF,/m);
 * assert.equal(archiveExitCode(await run(join(dir, 'field', 'broken.wav'))), 1); // the only recording failed
 * await rm(join(dir, 'field', 'broken.wav'));
 * const rest = await run(join(dir, 'field'));
 * assert.deepEqual([rest.predicted, rest.skipped, rest.failed, archiveExitCode(rest)], [0, 1, 0, 0]); // dawn.wav was done
 * ```
 */
export function archiveExitCode(summary: ArchiveSummary): 0 | 1 | 3 {
  if (summary.failed === 0) return 0;
  return summary.predicted + summary.skipped > 0 ? 3 : 1;
}

/** SHA-256 over the model folder's files (weights, topology, classes, pipeline, training config), by name. */
export async function modelHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && /\.(json|bin)$/.test(e.name)).map((e) => e.name).sort();
  for (const name of names) hash.update(`${name}\0`).update(await readFile(join(dir, name)));
  return hash.digest('hex');
}

/**
 * The band a model looked at, for Raven's boxes: the pipeline's mel fmin and fmax; fmax defaults to the
 * Nyquist frequency of the resample block's rate, else of the recording's own.
 */
export function modelBand(predictor: Predictor, recordingRate?: number): { lowHz: number; highHz: number } {
  const param = (block: string, name: string): number | undefined => {
    const value = predictor.pipeline.steps.find((s) => s.block.name === block)?.params[name];
    return typeof value === 'number' ? value : undefined;
  };
  const rate = param('resample', 'sampleRate') ?? recordingRate;
  return { lowHz: param('melspec', 'fmin') ?? 0, highHz: param('melspec', 'fmax') ?? (rate !== undefined ? rate / 2 : 0) };
}

/** `site1/day 2/S01.wav` -> `site1/day 2/S01` with every part made safe, unique in the run (case-insensitively). */
function outputStem(path: string, taken: Map<string, string>): string {
  const parts = path.split('/');
  const file = parts.pop()!;
  const stem = file.slice(0, file.length - extname(file).length) || file;
  let rel = posix.join(...parts.map(safeName), safeName(stem));
  const owner = taken.get(rel.toLowerCase());
  if (owner !== undefined && owner !== path) rel = `${rel}-${sha256Hex(path).slice(0, 12)}`;
  taken.set(rel.toLowerCase(), path);
  return rel;
}

function outputPath(format: OutputFormat, rel: string): string {
  const stem = posix.basename(rel);
  const dir = posix.join(format, posix.dirname(rel));
  if (format === 'raven') return posix.join(dir, ravenFileName(stem));
  if (format === 'audacity') return posix.join(dir, audacityFileName(stem));
  return posix.join(dir, `${stem}.csv`);
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/**
 * `birdcall predict INPUT -o DIR`: a model over a whole archive, resumable like `convert`. Every recording of
 * `input` is predicted (long ones streamed, see `createEngine`) into the tables of `formats` under `outDir`:
 * csv/<path>.csv (a row per chunk), birdclef/<path>.csv (a row per 5 s window), raven/ and audacity/
 * (detections), and the combined DIR/predictions.csv and DIR/submission.csv in input order; <path> is the
 * recording's path without its extension. Each table is written atomically; a recording's state (its hash,
 * its outputs' hashes, and a key of the model files and options) is written after them, so a re-run skips
 * what is done and intact and redoes the rest. A bad recording goes to errors.csv and the rest go on.
 *
 * @param predictor - from `loadPredictor`.
 * @param options - `input`, `outDir`, `formats`, `jobs` (pipeline worker threads; 1 runs all here), and
 *   optionally `batchSize` (default 32), `tta` (default 1), `streamAbove` / `windowSeconds` / `verifyMd5` (as in
 *   `createEngine`; a FLAC done earlier without `verifyMd5` is redone to check it), `detect`, `grid`, `filter` (a shard's rows), `signal`, `onProgress`, `onError`: see
 *   ArchiveOptions.
 * @returns the counts, timing and paths (ArchiveSummary, also written to DIR/summary.json); `archiveExitCode`
 *   turns it into the CLI's exit code. A run stopped by `signal` returns with `interrupted: true`.
 * @throws BirdcallError INPUT_NOT_FOUND when `input` does not exist, INPUT_EMPTY when it holds no recording,
 *   OUTDIR_LOCKED when another live run holds `outDir`, and a filesystem fault (FsFaultError: disk full,
 *   read-only…) when making `outDir`, taking its lock, writing a recording's tables or the combined tables: the
 *   run stops there, as convert does (every further recording would fail the same way); recordings already
 *   done keep their tables and states, so a re-run once there is room resumes.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { chunk, convert, db, decode, encodeWav, melspec, npy, pipeline } from 'birdcall';
 * import { archiveExitCode, loadPredictor, predictArchive, trainFromManifest, type ArchiveOptions } from 'birdcall/train';
 *
 * // A model folder as trainFromManifest's example makes one: 0.5 s tones labelled 'low' and 'high', a tiny model.
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * const tone = (hz: number, seconds: number) => encodeWav(Float32Array.from({ length: Math.round(seconds * 22050) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / 22050)), 22050);
 * for (const [label, hz] of [['low', 500], ['high', 4000]] as const) {
 *   await mkdir(join(dir, 'in', label), { recursive: true });
 *   for (let k = 0; k < 4; k++) await writeFile(join(dir, 'in', label, `${label}${k}.wav`), tone(hz * (1 + k / 10), 0.5));
 * }
 * await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: pipeline(decode(), chunk({ seconds: 0.5 }), melspec({ nMels: 32 }), db(), npy()), jobs: 1 });
 * await trainFromManifest({ manifest: join(dir, 'out', 'manifest.csv'), out: join(dir, 'model'), params: { model: 'tiny', epochs: 1 } });
 * const predictor = await loadPredictor(join(dir, 'model'));
 await mkdir(join(dir, 'field', 'site1'), { recursive: true });
 * await writeFile(join(dir, 'field', 'site1', 'dawn.wav'), tone(4000, 1.2));
 * await writeFile(join(dir, 'field', 'dusk.wav'), tone(500, 1));
 * const options: ArchiveOptions = { input: join(dir, 'field'), outDir: join(dir, 'run'), formats: ['csv', 'birdclef'], jobs: 1 };
 * const first = await predictArchive(predictor, options);
 * assert.deepEqual([first.predicted, first.skipped, first.failed, archiveExitCode(first)], [2, 0, 0, 0]);
 * const lines = async (path: string) => (await readFile(join(dir, 'run', path), 'utf8')).trim().split('\n');
 * const combined = await lines('predictions.csv'); // every recording's chunks, in input order
 * const table = combined.map((line) => line.split(','));
 * assert.deepEqual(table.map((row) => row[0]), ['row_id', 'dusk_0.5', 'dusk_1', 'dawn_0.5', 'dawn_1', 'dawn_1.5']);
 * assert.deepEqual(table[0], ['row_id', 'high', 'low']);
 * assert.ok(table.slice(1).every((row) => row.slice(1).every((p) => Number(p) >= 0 && Number(p) <= 1)));
 * assert.deepEqual(await lines('csv/site1/dawn.csv'), [combined[0], ...combined.slice(3)]); // one recording's table
 * assert.deepEqual((await lines('submission.csv')).map((line) => line.split(',')[0]), ['row_id', 'dusk_5', 'dawn_5']); // 5 s grid
 * const again = await predictArchive(predictor, options); // resumes: what is done and intact is skipped
 * assert.deepEqual([again.predicted, again.skipped], [0, 2]);
 * ```
 */
export async function predictArchive(predictor: Predictor, options: ArchiveOptions): Promise<ArchiveSummary> {
  const started = performance.now();
  const formats = [...new Set(options.formats)];
  let run: ArchiveRun | undefined;
  const { count, sources } = await predictionSources(options.input, {
    filter: options.filter,
    onInvalid: (path, error) => run?.fail(failureOf(path, error)),
  });
  await mkdir(options.outDir, { recursive: true });
  const releaseLock = await acquireOutDirLock(options.outDir);
  const engine = createEngine(predictor, options);
  try {
    await removeTempFiles(options.outDir);
    const key = sha256Hex(JSON.stringify({ model: await modelHash(predictor.dir), formats, detect: options.detect, grid: options.grid }));
    run = new ArchiveRun(predictor, options, formats, key, count, started);
    const current = run;
    let interrupted = false;
    try {
      await predictRecordings(engine, run.inOrder(sources), {
        signal: options.signal,
        skip: (source) => current.upToDate(source),
        open: (prepared) => current.open(prepared),
        onError: (error) => current.fail(error),
      });
    } catch (error) {
      if (!options.signal?.aborted) throw error;
      interrupted = true;
    }
    await engine.close();
    return await current.finish(interrupted);
  } finally {
    await engine.close();
    await releaseLock();
  }
}

/** The bookkeeping of one archive run: states, names, counts, and the tables written at the end. */
class ArchiveRun {
  private readonly store: StateStore;
  private readonly taken = new Map<string, string>();
  private readonly hashes = new Map<string, string>();
  /** Every source of the run in input order, and the ones done (predicted now or before). */
  private readonly order: string[] = [];
  private readonly done = new Set<string>();
  private readonly errors: (PredictFileError & { level: 'error' | 'warning' })[] = [];
  private predicted = 0;
  private skipped = 0;
  private failed = 0;
  private audioSeconds = 0;

  constructor(
    private readonly predictor: Predictor,
    private readonly options: ArchiveOptions,
    private readonly formats: OutputFormat[],
    private readonly key: string,
    private readonly total: number,
    private readonly started: number,
  ) {
    this.store = new StateStore(options.outDir);
  }

  async *inOrder(sources: AsyncIterable<PredictionSource>): AsyncGenerator<PredictionSource, void, undefined> {
    for await (const source of sources) {
      this.order.push(source.path);
      outputStem(source.path, this.taken);
      yield source;
    }
  }

  private stem(path: string): string {
    return outputStem(path, this.taken);
  }

  /** True when the recording's state matches its audio, the key, and outputs that are all intact. */
  async upToDate(source: PredictionSource): Promise<boolean> {
    let sha: string;
    try {
      sha = await sha256File(source.abs);
    } catch {
      return false; // prepareRecording reports it
    }
    this.hashes.set(source.path, sha);
    const previous = await this.store.read(source.path);
    const fresh = previous?.sourceSha256 === sha && previous.pipelineHash === this.key && previous.outputBase.stem === this.stem(source.path);
    if (!fresh || !(await outputsIntact(this.options.outDir, previous)) || md5Unverified(previous, this.options.verifyMd5, source.abs)) return false;
    this.skipped++;
    this.done.add(source.path);
    for (const w of previous.warnings) this.errors.push({ path: source.path, code: 'WARNING', reason: w, level: 'warning' });
    this.progress(source.path, 0);
    return true;
  }

  fail(error: PredictFileError): void {
    this.failed++;
    this.errors.push({ ...error, level: 'error' });
    this.options.onError?.(error);
    this.progress(error.path, 0);
  }

  private progress(source: string, inHand: number): void {
    if (!this.options.onProgress) return;
    const elapsedSeconds = (performance.now() - this.started) / 1000;
    const audioSeconds = this.audioSeconds + inHand;
    const done = this.predicted + this.skipped + this.failed;
    this.options.onProgress({
      done,
      total: Math.max(this.total, done),
      skipped: this.skipped,
      failed: this.failed,
      audioSeconds,
      elapsedSeconds,
      realTimeFactor: elapsedSeconds > 0 ? audioSeconds / elapsedSeconds : 0,
      source,
    });
  }

  /** The writers of one recording: tables stream to temp files as chunks come, detections at the end. */
  async open(prepared: PreparedRecording): Promise<RecordingSink> {
    const { source } = prepared;
    const { outDir } = this.options;
    const rel = this.stem(source.path);
    const paths = Object.fromEntries(this.formats.map((f) => [f, outputPath(f, rel)])) as Record<OutputFormat, string>;
    for (const path of Object.values(paths)) await mkdir(join(outDir, dirname(path)), { recursive: true });
    const writers = new Map<OutputFormat, AtomicWriter>();
    const classes = this.predictor.classes;
    try {
      for (const format of this.formats.filter((f) => f === 'csv' || f === 'birdclef')) {
        const writer = await openAtomicWriter(join(outDir, paths[format]));
        writers.set(format, writer);
        await writer.write(scoreHeader(classes));
      }
    } catch (error) {
      for (const w of writers.values()) await w.abort();
      throw error;
    }
    const grid = this.formats.includes('birdclef') ? new GridAggregator(classes.length, this.options.grid) : undefined;
    const detections = this.formats.some((f) => f === 'raven' || f === 'audacity') ? new DetectionCollector(classes, this.options.detect) : undefined;
    let lastEnd = 0;
    const rows = async (chunks: ChunkPrediction[]): Promise<void> => {
      await writers.get('csv')?.write(scoreRows(source.path, chunks));
      if (grid) await writers.get('birdclef')!.write(scoreRows(source.path, chunks.flatMap((c) => grid.push(c))));
      for (const c of chunks) detections?.push(c);
      lastEnd = Math.max(lastEnd, ...chunks.map((c) => c.endSeconds));
      this.progress(source.path, Math.min(lastEnd, prepared.durationSeconds ?? lastEnd));
    };
    const end = async (): Promise<void> => {
      const duration = prepared.durationSeconds ?? lastEnd;
      if (grid) await writers.get('birdclef')!.write(scoreRows(source.path, grid.finish(duration)));
      const hashes: Record<string, string> = {};
      for (const [format, writer] of writers) hashes[format] = await writer.commit();
      writers.clear();
      const found = detections?.finish() ?? [];
      const texts: [OutputFormat, string][] = [];
      if (this.formats.includes('raven')) texts.push(['raven', ravenTable(found, modelBand(this.predictor, prepared.sampleRate))]);
      if (this.formats.includes('audacity')) texts.push(['audacity', audacityLabels(found)]);
      for (const [format, text] of texts) {
        await writeFileAtomic(join(outDir, paths[format]), text);
        hashes[format] = sha256Hex(text);
      }
      await this.record(prepared, rel, paths, hashes, duration);
    };
    const abort = async (): Promise<void> => {
      for (const w of writers.values()) await w.abort();
    };
    return { rows, end, abort };
  }

  private async record(prepared: PreparedRecording, rel: string, paths: Record<string, string>, hashes: Record<string, string>, duration: number): Promise<void> {
    const { source } = prepared;
    const sha = this.hashes.get(source.path) ?? (await sha256File(source.abs));
    const row: OutputRow = {
      source: source.path,
      chunkIndex: 0,
      startSeconds: 0,
      endSeconds: duration,
      primaryLabel: source.row.primaryLabel,
      secondaryLabels: source.row.secondaryLabels,
      outputs: paths,
      outputHashes: hashes,
      outputMeta: {},
      sourceSha256: sha,
      pipelineHash: this.key,
      birdcallVersion: BIRDCALL_VERSION,
      metadata: source.row.metadata,
    };
    const state: SourceState = {
      format: 1,
      input: source.row,
      sourceSha256: sha,
      pipelineHash: this.key,
      birdcallVersion: BIRDCALL_VERSION,
      outputBase: { label: '', stem: rel },
      audioSeconds: duration,
      rows: [row],
      warnings: prepared.warnings,
      ...(this.options.verifyMd5 ? { verifiedMd5: true as const } : {}),
    };
    await this.store.write(state);
    for (const w of prepared.warnings) this.errors.push({ path: source.path, code: 'WARNING', reason: w, level: 'warning' });
    this.predicted++;
    this.audioSeconds += duration;
    this.done.add(source.path);
    this.progress(source.path, 0);
  }

  /** The combined tables of the recordings done (in input order), errors.csv and summary.json. */
  async finish(interrupted: boolean): Promise<ArchiveSummary> {
    const { outDir } = this.options;
    // An empty shard of a small archive is fine (its tables are empty); an empty input is a mistake.
    if (this.total === 0 && !interrupted) throw new BirdcallError('INPUT_EMPTY', 'no recordings to predict', this.options.input);
    const done = this.order.filter((p) => this.done.has(p));
    const tables: string[] = [];
    for (const format of this.formats) {
      const name = COMBINED[format];
      if (name === undefined) continue;
      await writeStreamAtomic(join(outDir, name), this.combined(format, done));
      tables.push(join(outDir, name));
    }
    const errorsPath = join(outDir, 'errors.csv');
    await writeFileAtomic(errorsPath, stringify([['path', 'code', 'reason', 'level'], ...this.errors.map((e) => [e.path, e.code, e.reason, e.level])]));
    const elapsedSeconds = (performance.now() - this.started) / 1000;
    const summary: ArchiveSummary = {
      input: this.options.input,
      outDir,
      formats: this.formats,
      key: this.key,
      files: this.predicted + this.skipped + this.failed,
      predicted: this.predicted,
      skipped: this.skipped,
      failed: this.failed,
      interrupted,
      audioSeconds: this.audioSeconds,
      elapsedSeconds,
      realTimeFactor: elapsedSeconds > 0 ? this.audioSeconds / elapsedSeconds : 0,
      errorsPath,
      tables,
    };
    await writeFileAtomic(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    return summary;
  }

  private combined(format: OutputFormat, done: string[]): AsyncGenerator<string, void, undefined> {
    const { outDir } = this.options;
    return combinedTable(scoreHeader(this.predictor.classes), format, done.map((path) => ({ outDir, path })));
  }
}

/**
 * A combined table (COMBINED): one header, then each recording's rows from its own table in the order
 * given, read back one at a time. `outDir` is the run folder that predicted the recording (a shard's, when
 * `manifest merge` joins shards).
 */
export async function* combinedTable(
  header: string,
  format: OutputFormat,
  recordings: Iterable<{ outDir: string; path: string }>,
): AsyncGenerator<string, void, undefined> {
  yield header;
  const stores = new Map<string, StateStore>();
  for (const { outDir, path } of recordings) {
    const store = stores.get(outDir) ?? new StateStore(outDir);
    stores.set(outDir, store);
    const rel = (await store.read(path))?.rows[0]?.outputs[format];
    if (rel === undefined) continue;
    const text = await readFile(join(outDir, rel), 'utf8');
    yield text.slice(text.indexOf('\n') + 1);
  }
}
