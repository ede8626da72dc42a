import { readFile, stat } from 'node:fs/promises';
import type { Piscina } from 'piscina';
import { declaredLength } from '../audio/decode.ts';
import { BirdcallError, isFsFault } from '../errors.ts';
import { toSpec } from '../pipeline/pipeline.ts';
import type { RunOptions } from '../pipeline/block.ts';
import { errorFromData, type ItemOutput, type WorkerResult, type WorkerTask } from '../pipeline/pool-thread.ts';
import { runPipelineOnFile } from '../pipeline/run.ts';
import { runWindow, shouldStream, STREAM_ABOVE_ENV, streamedOrWhole, streamPipelineOnFile, streamShape, streamThreshold, type AudioWindow } from '../pipeline/run-stream.ts';
import { pipelineWorkerPool } from '../pipeline/runner.ts';
import { predictionSources, predictItems, type ChunkPrediction, type PredictionSource, type Predictor } from './predict-files.ts';

/**
 * Predict on recordings of any length in bounded memory. A WAV, FLAC, Ogg Vorbis or MP3 file larger than the
 * streaming threshold is read a window (60 s) at a time; each window's chunks go through the steps after
 * `chunk` on a worker thread (several windows in flight) while this thread runs the model on the windows
 * already done, so the predictions of a 10-hour file come out as it is read and memory holds a few windows,
 * never the file. Other recordings (smaller ones; a FLAC without its length in STREAMINFO; a compressed
 * file whose header or frames are not clean) are read whole, as before, and their whole pipeline runs on a
 * worker. Both paths give the same chunks (run-stream.ts) and so the same predictions; a compressed file
 * found damaged part-way (audio/stream.ts's StreamDeclined) is started again, read whole, so it too comes
 * out as the whole-file path has it.
 */

/**
 * Predict streams recordings above 16 MiB of 16-bit PCM (8 min of mono at 16 kHz, 4 min at 32 kHz; a WAV
 * by its size, a compressed file by its decoded size: see pcmBytes) unless
 * BIRDCALL_STREAM_ABOVE says otherwise: lower than convert's 64 MiB because a whole file in predict is
 * held by a worker and again as model inputs (a 10-minute file: 690 MB peak read whole, 410 MB streamed,
 * same CPU time; figures in the report of issue 20).
 */
export const PREDICT_STREAM_ABOVE = 16 * 2 ** 20;

export function predictStreamThreshold(env: NodeJS.ProcessEnv = process.env): number {
  return env[STREAM_ABOVE_ENV] === undefined || env[STREAM_ABOVE_ENV]?.trim() === '' ? PREDICT_STREAM_ABOVE : streamThreshold(env);
}


export interface EngineOptions {
  /** Pipeline worker threads; 1 runs everything in this thread. */
  jobs: number;
  /**
   * WAV, FLAC, Ogg Vorbis and MP3 files whose audio is larger than this many bytes as 16-bit PCM (a WAV's
   * size) stream (default: BIRDCALL_STREAM_ABOVE, else 16 MiB).
   */
  streamAbove?: number;
  /** Chunks run through the model at a time (default 32). */
  batchSize?: number;
  /** Time-shifted copies of each chunk whose probabilities are averaged (1: none). */
  tta?: number;
  /** Seconds of audio per streamed window (default 60). */
  windowSeconds?: number;
  /**
   * Check every FLAC's decoded audio against the MD5 signature in its STREAMINFO: a mismatch fails that
   * recording (FLAC_MD5_MISMATCH; a streamed one at its end, leaving no rows). Default false.
   */
  verifyMd5?: boolean;
}

export interface PredictEngine {
  predictor: Predictor;
  options: EngineOptions;
  pool?: Piscina<WorkerTask, WorkerResult>;
  specJson: string;
  close(): Promise<void>;
}

/**
 * The running parts of a prediction run: the predictor, its options and, with `jobs` above 1, a pool of
 * worker threads that run the pipeline while this thread runs the model. Give it to `predictRecordings`;
 * `close()` it when done (it stops the workers; calling it again is harmless). `predictFiles` and
 * `predictArchive` make and close their own.
 *
 * @param predictor - from `loadPredictor`.
 * @param options - `jobs` (pipeline worker threads; 1 runs everything in this thread), `batchSize` (chunks
 *   through the model at a time, default 32), `tta` (time-shifted copies averaged, default 1: none),
 *   `streamAbove` (WAV, FLAC, Ogg Vorbis and MP3 files whose audio is larger than this many bytes as
 *   16-bit PCM, a WAV's size, are read a window at a time; default the BIRDCALL_STREAM_ABOVE environment
 *   variable, else 16 MiB), `windowSeconds` (seconds of
 *   audio per streamed window, rounded down to whole chunks; default 60) and `verifyMd5` (refuse FLACs whose
 *   audio does not match their MD5 signature). Streamed or read whole, a recording gives the same predictions.
 * @returns the engine; nothing runs until `predictRecordings` is called. Never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { chunk, convert, db, decode, encodeWav, melspec, npy, pipeline } from 'birdcall';
 * import { createEngine, loadPredictor, predictRecordings, trainFromManifest } from 'birdcall/train';
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
 await writeFile(join(dir, 'long.wav'), tone(4000, 3.2));
 * const source = { path: 'long.wav', abs: join(dir, 'long.wav'), row: { path: 'long.wav', primaryLabel: '', secondaryLabels: [], metadata: {} } };
 * // Every chunk's probabilities, and whether the recording was read a window at a time.
 * async function run(engine: ReturnType<typeof createEngine>) {
 *   const scores: number[][] = [];
 *   let streamed = false;
 *   try {
 *     await predictRecordings(engine, (async function* () { yield source; })(), {
 *       open: async (prepared) => {
 *         streamed = prepared.streamed;
 *         return { rows: (chunks) => void scores.push(...chunks.map((c) => Array.from(c.scores))), end: () => {}, abort: () => {} };
 *       },
 *       onError: (error) => assert.fail(error.reason),
 *     });
 *   } finally {
 *     await engine.close();
 *   }
 *   return { scores, streamed };
 * }
 * const whole = await run(createEngine(predictor, { jobs: 1 })); // 3.2 s of 16-bit WAV: far under 16 MiB, read whole
 * const windowed = await run(createEngine(predictor, { jobs: 1, streamAbove: 0, windowSeconds: 1 })); // 1 s (2 chunks) at a time
 * assert.deepEqual([whole.streamed, windowed.streamed], [false, true]);
 * assert.equal(whole.scores.length, 7); // 0.5 s chunks, the last one zero-padded
 * assert.deepEqual(windowed.scores, whole.scores); // the same predictions either way
 * ```
 */
export function createEngine(predictor: Predictor, options: EngineOptions): PredictEngine {
  const spec = toSpec(predictor.pipeline);
  const pool = options.jobs > 1 ? pipelineWorkerPool(spec, options.jobs) : undefined;
  let closed: Promise<void> | undefined;
  return { predictor, options, pool, specJson: JSON.stringify(spec), close: () => (closed ??= pool?.destroy() ?? Promise.resolve()) };
}

/** One recording on its way through the pipeline: its chunks in groups (windows), in chunk order. */
export interface PreparedRecording {
  source: PredictionSource;
  /** Seconds of audio from the header when known (WAV, FLAC, Ogg); else the end of the last chunk is the best guess. */
  durationSeconds?: number;
  /** The recording's sample rate from its header, before any resample block. */
  sampleRate?: number;
  streamed: boolean;
  groups: AsyncIterable<readonly ItemOutput[]>;
  /** Warnings raised on the recording, once each; complete once `groups` is exhausted. */
  warnings: string[];
}

/**
 * Starts a recording: a whole-file one starts running on a worker right away (so callers can prepare the
 * next recordings while predicting this one); a streamed one reads its header and starts with iteration.
 */
export async function prepareRecording(engine: PredictEngine, source: PredictionSource, whole = false): Promise<PreparedRecording> {
  let size: number;
  try {
    const info = await stat(source.abs);
    if (!info.isFile()) throw new BirdcallError('SOURCE_NOT_FOUND', 'not a regular file', source.path);
    size = info.size;
  } catch (error) {
    if (error instanceof BirdcallError) throw error;
    throw notReadable(error, source.path);
  }
  const above = engine.options.streamAbove ?? predictStreamThreshold();
  if (!whole && streamShape(engine.predictor.pipeline) && (await shouldStream(source.abs, source.path, size, above))) {
    return streamedOrWhole(() => prepareStreamed(engine, source), () => prepareWhole(engine, source));
  }
  return prepareWhole(engine, source);
}

async function prepareWhole(engine: PredictEngine, source: PredictionSource): Promise<PreparedRecording> {
  const { pipeline } = engine.predictor;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(source.abs));
  } catch (error) {
    throw notReadable(error, source.path);
  }
  const options = runOptions(engine);
  const running = engine.pool
    ? engine.pool.run({ specJson: engine.specJson, path: source.path, bytes, options }).then((r) => (r.ok ? r : Promise.reject(errorFromData(r.error))))
    : runPipelineOnFile(pipeline, { path: source.path, bytes }, options);
  const result = await running;
  const header = declaredLength(bytes);
  return { source, durationSeconds: header?.durationSeconds, sampleRate: header?.sampleRate, streamed: false, groups: once(result.items), warnings: result.warnings };
}

async function prepareStreamed(engine: PredictEngine, source: PredictionSource): Promise<PreparedRecording> {
  const file = { path: source.path, absPath: source.abs };
  const options = runOptions(engine);
  const stream = await streamPipelineOnFile(engine.predictor.pipeline, file, { windowSeconds: engine.options.windowSeconds, ...options });
  const warnings = stream.warnings;
  const { pool, specJson } = engine;
  const rest = streamShape(engine.predictor.pipeline)!.rest;
  const run = pool
    ? async (window: AudioWindow): Promise<ItemOutput[]> => {
        const task = { specJson, path: source.path, window, itemWarnings: stream.itemWarnings, options };
        const result = await pool.run(task, { transferList: [window.samples.buffer as ArrayBuffer] });
        if (!result.ok) throw errorFromData(result.error);
        for (const w of result.warnings) if (!warnings.includes(w)) warnings.push(w);
        return result.items;
      }
    : (window: AudioWindow): Promise<ItemOutput[]> => runWindow(rest, window, file, warnings, stream.itemWarnings, options);
  // jobs + 1 windows in flight keep every worker busy while this thread runs the model on the oldest.
  const depth = pool ? engine.options.jobs + 1 : 1;
  const { durationSeconds, sampleRate } = stream.info;
  return { source, durationSeconds, sampleRate, streamed: true, groups: ahead(stream.windows, run, depth), warnings };
}

/** The engine's options that every block sees (RunOptions). */
function runOptions(engine: PredictEngine): RunOptions {
  return { verifyMd5: engine.options.verifyMd5 };
}

/** Maps `items` through `run`, up to `depth` at once, results in input order. */
async function* ahead<T, R>(items: AsyncIterable<T>, run: (item: T) => Promise<R>, depth: number): AsyncGenerator<R, void, undefined> {
  const inFlight: Promise<R>[] = [];
  const start = (item: T): void => {
    const p = run(item);
    p.catch(() => {}); // awaited in order below; this only keeps a later failure from being "unhandled"
    inFlight.push(p);
  };
  try {
    for await (const item of items) {
      start(item);
      if (inFlight.length >= depth) yield await inFlight.shift()!;
    }
    while (inFlight.length > 0) yield await inFlight.shift()!;
  } finally {
    await Promise.allSettled(inFlight);
  }
}

/** Chunks decoded and predicted at a time, at most. */
const SLICE = 256;

/**
 * The chunk predictions of a prepared recording, a group at a time. Stops with an AbortError between
 * groups once `signal` is aborted.
 */
export async function* predictPrepared(
  engine: PredictEngine,
  prepared: PreparedRecording,
  signal?: AbortSignal,
): AsyncGenerator<ChunkPrediction[], void, undefined> {
  for await (const items of prepared.groups) {
    // A whole-file recording is one group: slices keep a signal answered, and the decoded inputs small.
    for (let at = 0; at < items.length; at += SLICE) {
      signal?.throwIfAborted();
      yield await predictItems(engine.predictor, prepared.source.path, items.slice(at, at + SLICE), engine.options.batchSize, engine.options.tta);
    }
  }
}

async function* once<T>(value: T): AsyncGenerator<T, void, undefined> {
  yield value;
}

function notReadable(error: unknown, path: string): BirdcallError {
  const code = (error as NodeJS.ErrnoException).code;
  return new BirdcallError('SOURCE_NOT_FOUND', code === 'ENOENT' ? 'the file does not exist' : `cannot read the file (${code ?? String(error)})`, path);
}

/** A recording that could not be predicted (it is skipped; the rest go on). */
export interface PredictFileError {
  path: string;
  code: string;
  reason: string;
}

export function failureOf(path: string, error: unknown): PredictFileError {
  if (error instanceof BirdcallError) {
    return { path, code: error.code, reason: error.file && error.file !== path ? `${error.file}: ${error.reason}` : error.reason };
  }
  return { path, code: 'INTERNAL', reason: error instanceof Error ? error.message : String(error) };
}

/** Where one recording's predictions go. */
export interface RecordingSink {
  rows(rows: ChunkPrediction[]): void | Promise<void>;
  /** Every chunk went to `rows`: complete the outputs. */
  end(): void | Promise<void>;
  /** The recording failed or the run stopped: drop whatever was started. */
  abort(): void | Promise<void>;
}

export interface RecordingHandlers {
  /** Decides before any work whether a recording is already done (it is then left alone). */
  skip?(source: PredictionSource): Promise<boolean>;
  open(prepared: PreparedRecording): Promise<RecordingSink>;
  onError(error: PredictFileError): void;
  /** Once aborted, the recording in hand is dropped (its sink aborted) and the call rejects. */
  signal?: AbortSignal;
}

/**
 * The one loop over recordings, under `predictFiles` and `predictArchive`: each is prepared ahead (jobs + 1 at
 * a time, so the workers stay busy while this thread runs the model), then predicted, in input order, into a
 * sink its handlers open for it; a failing recording is reported and the rest go on. Use it to send
 * predictions somewhere those two do not (a database, a queue).
 *
 * @param engine - from `createEngine` (the caller closes it).
 * @param sources - the recordings, in order: `path` (as the input lists it; names rows and errors), `abs`
 *   (where to read it) and `row` (its input row: labels and metadata).
 * @param handlers - `open(prepared)` returns the recording's sink: `rows(chunks)` receives its chunk
 *   predictions in groups in time order, then `end()` once all came, or `abort()` when it failed part-way
 *   (drop what was started); `onError({ path, code, reason })` hears of each recording that failed; optional
 *   `skip(source)` decides before any work that a recording is already done; optional `signal` stops the run.
 * @returns when every recording was predicted, skipped or reported to `onError`.
 * @throws the signal's reason (`abort()` without one: a DOMException named AbortError) once `signal` is
 *   aborted; the recording in hand is aborted first. A recording's own failure (unreadable, undecodable, a
 *   sink that throws) never throws: it goes to `onError`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { chunk, convert, db, decode, encodeWav, melspec, npy, pipeline } from 'birdcall';
 * import { createEngine, loadPredictor, predictRecordings, trainFromManifest } from 'birdcall/train';
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
 await writeFile(join(dir, 'dawn.wav'), tone(4000, 1));
 * await writeFile(join(dir, 'dusk.wav'), tone(500, 1.5));
 * async function* sources() {
 *   for (const path of ['dawn.wav', 'done.wav', 'missing.wav', 'dusk.wav']) yield { path, abs: join(dir, path), row: { path, primaryLabel: '', secondaryLabels: [], metadata: {} } };
 * }
 * const written: string[] = [];
 * const failed: string[] = [];
 * const engine = createEngine(predictor, { jobs: 1 });
 * try {
 *   await predictRecordings(engine, sources(), {
 *     skip: async (source) => source.path === 'done.wav', // e.g. its output exists: not even read
 *     open: async () => {
 *       const held: string[] = [];
 *       return { rows: (chunks) => void held.push(...chunks.map((c) => c.rowId)), end: () => void written.push(...held), abort: () => {} };
 *     },
 *     onError: (error) => failed.push(`${error.path} ${error.code}`),
 *   });
 * } finally {
 *   await engine.close();
 * }
 * assert.deepEqual(written, ['dawn_0.5', 'dawn_1', 'dusk_0.5', 'dusk_1', 'dusk_1.5']);
 * assert.deepEqual(failed, ['missing.wav SOURCE_NOT_FOUND']); // reported, and the next recording went on
 * ```
 */
export async function predictRecordings(engine: PredictEngine, sources: AsyncIterable<PredictionSource>, handlers: RecordingHandlers): Promise<void> {
  type Started = { source: PredictionSource; prepared?: PreparedRecording; skipped?: boolean; error?: unknown };
  const start = async (source: PredictionSource): Promise<Started> => {
    try {
      if (handlers.signal?.aborted) return { source, skipped: true };
      if (await handlers.skip?.(source)) return { source, skipped: true };
      return { source, prepared: await prepareRecording(engine, source) };
    } catch (error) {
      return { source, error };
    }
  };
  const depth = engine.pool ? engine.options.jobs + 1 : 1;
  for await (const started of ahead(sources, start, depth)) {
    handlers.signal?.throwIfAborted();
    if (started.skipped) continue;
    let sink: RecordingSink | undefined;
    try {
      const { prepared } = started;
      if (prepared === undefined) throw started.error;
      const predictInto = async (recording: PreparedRecording): Promise<RecordingSink> => {
        sink = await handlers.open(recording);
        for await (const rows of predictPrepared(engine, recording, handlers.signal)) await sink.rows(rows);
        return sink;
      };
      // Damage found part-way through a compressed stream: start again, read whole (see audio/stream.ts).
      const done = await streamedOrWhole(
        () => predictInto(prepared),
        async () => {
          await sink?.abort();
          return predictInto(await prepareRecording(engine, started.source, true));
        },
      );
      await done.end();
    } catch (error) {
      await sink?.abort();
      handlers.signal?.throwIfAborted();
      // A full disk, a read-only or unwritable output, no file handles left: every further recording would
      // fail the same way, so the run stops here (as convert does); what is done stays done for a re-run.
      if (isFsFault(error)) throw error;
      handlers.onError(failureOf(started.source.path, error));
    }
  }
}

export interface PredictFilesProgress {
  done: number;
  total: number;
  failed: number;
  chunks: number;
  source: string;
}

export interface PredictFilesOptions {
  batchSize?: number;
  /** Time-shifted copies of each chunk whose probabilities are averaged (1: none). */
  tta?: number;
  /**
   * Worker threads that run the pipeline (decode, resample, mel, image) while this thread runs the model;
   * 1 runs everything here. Default 1. Predictions come out in input order either way.
   */
  jobs?: number;
  /** Files whose audio is larger than this many bytes as 16-bit PCM stream (see EngineOptions). */
  streamAbove?: number;
  /** Seconds of audio per streamed window (default 60). */
  windowSeconds?: number;
  /** Refuse FLACs whose audio does not match their MD5 signature (see EngineOptions). Default false. */
  verifyMd5?: boolean;
  /** Called with each recording's chunk predictions, in groups, once the recording has been predicted whole (e.g. to stream them to a CSV); a recording that fails gives none. */
  onPredictions?: (rows: ChunkPrediction[]) => void | Promise<void>;
  onProgress?: (progress: PredictFilesProgress) => void;
  /** Called for a recording that failed (it is skipped; the rest go on). */
  onError?: (error: PredictFileError) => void;
  signal?: AbortSignal;
}

export interface PredictFilesSummary {
  files: number;
  failed: number;
  chunks: number;
  errors: PredictFileError[];
}

/**
 * Predicts every recording of `input` (one audio file, a folder, or a manifest CSV) into a callback: each
 * recording's chunk predictions come to `onPredictions` once it has been predicted whole, in input order. One
 * bad recording is reported and skipped; the rest go on. Long recordings stream (see `createEngine`). For
 * tables on disk, resumable, use `predictArchive`.
 *
 * @param predictor - from `loadPredictor`.
 * @param input - an audio file (WAV, FLAC, Ogg Vorbis, MP3), a folder of them, or a manifest CSV (BirdCLEF
 *   train_metadata.csv or a birdcalls manifest), read as `convert` reads them.
 * @param options - `jobs` (pipeline worker threads, default 1), `batchSize` (default 32), `tta` (default 1),
 *   `streamAbove`, `windowSeconds` and `verifyMd5` (as in `createEngine`), `onPredictions(rows)` (ChunkPredictions as
 *   `predictSource` returns them), `onProgress({ done, total, failed, chunks, source })`, `onError({ path,
 *   code, reason })`, `signal`.
 * @returns `files` (recordings done or failed), `failed`, `chunks` (predicted), and `errors` (one per failed
 *   recording: its path, error code and reason).
 * @throws BirdcallError INPUT_NOT_FOUND when `input` does not exist, the manifest's errors when it cannot be
 *   read, and the signal's reason (`abort()` without one: a DOMException named AbortError) once `signal` is
 *   aborted.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { chunk, convert, db, decode, encodeWav, melspec, npy, pipeline } from 'birdcall';
 * import { loadPredictor, predictFiles, trainFromManifest } from 'birdcall/train';
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
 * await writeFile(join(dir, 'field', 'dawn.wav'), tone(4000, 1.2));
 * await writeFile(join(dir, 'field', 'dusk.wav'), tone(500, 1));
 * await writeFile(join(dir, 'field', 'broken.wav'), 'not audio');
 * const rows: string[] = [];
 * const summary = await predictFiles(predictor, join(dir, 'field'), {
 *   onPredictions: (chunks) => {
 *     assert.ok(chunks.every((c) => c.scores.length === 2 && c.scores.every((p) => p >= 0 && p <= 1))); // high, low
 *     rows.push(...chunks.map((c) => c.rowId));
 *   },
 * });
 * assert.deepEqual(rows, ['dawn_0.5', 'dawn_1', 'dawn_1.5', 'dusk_0.5', 'dusk_1']);
 * assert.deepEqual([summary.files, summary.failed, summary.chunks], [3, 1, 5]);
 * assert.deepEqual(summary.errors.map((e) => `${e.path} ${e.code}`), ['broken.wav WAV_NOT_RIFF']);
 * ```
 */
export async function predictFiles(predictor: Predictor, input: string, options: PredictFilesOptions = {}): Promise<PredictFilesSummary> {
  const summary: PredictFilesSummary = { files: 0, failed: 0, chunks: 0, errors: [] };
  const fail = (error: PredictFileError): void => {
    summary.files++;
    summary.failed++;
    summary.errors.push(error);
    options.onError?.(error);
    progress(error.path);
  };
  const { count, sources } = await predictionSources(input, { onInvalid: (path, error) => fail(failureOf(path, error)) });
  const progress = (source: string): void =>
    options.onProgress?.({ done: summary.files, total: Math.max(count, summary.files), failed: summary.failed, chunks: summary.chunks, source });
  const engine = createEngine(predictor, {
    jobs: options.jobs ?? 1,
    batchSize: options.batchSize,
    tta: options.tta,
    streamAbove: options.streamAbove,
    windowSeconds: options.windowSeconds,
    verifyMd5: options.verifyMd5,
  });
  try {
    await predictRecordings(engine, sources, {
      signal: options.signal,
      // A recording's rows are held until it ends: one that fails part-way, or is re-read whole after a
      // compressed stream declined, must leave no partial rows in the caller's output. Rows are small (a few
      // MB for a 10-hour file), the audio is what streams.
      open: async (prepared) => {
        let held: ChunkPrediction[][] = [];
        return {
          rows: (rows) => {
            held.push(rows);
          },
          end: async () => {
            for (const rows of held) {
              summary.chunks += rows.length;
              await options.onPredictions?.(rows);
            }
            held = [];
            summary.files++;
            progress(prepared.source.path);
          },
          abort: () => {
            held = [];
          },
        };
      },
      onError: fail,
    });
  } finally {
    await engine.close();
  }
  return summary;
}
