import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { parseThresholds, type DetectOptions, type Thresholds } from '../detect/detections.ts';
import { AGGREGATES, type Aggregate } from '../detect/grid.ts';
import { BirdcallError, UsageError } from '../errors.ts';
import type { ChunkPrediction, Predictor } from '../train/predict-files.ts';
import type { ArchiveOptions, ArchiveProgress } from '../train/predict-archive.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../detect/formats.ts';
import type { PredictFileError, PredictFilesProgress } from '../train/predict-stream.ts';
import type { ShardSpec } from '../scale/shard.ts';
import { EXIT } from './exit.ts';
import { handleStopSignals } from './signals.ts';
import type { PoolMethod } from '../train/pool.ts';
import { parseByteSize, positiveInteger, startProgress, type Progress } from './common.ts';

interface PredictFlags {
  model: string;
  out: string;
  batchSize?: string;
  jobs?: string;
  pool?: string;
  tta?: string;
  progress?: boolean;
  format?: string[];
  threshold?: string;
  topK?: string;
  merge?: boolean;
  aggregate?: string;
  streamAbove?: string;
  verifyMd5?: boolean;
  shard?: string;
}

/** Input problems made on the command line (a missing INPUT): exit code 2, like a bad flag. */
const INPUT_USAGE_CODES = new Set(['INPUT_NOT_FOUND', 'INPUT_LAYOUT']);

/** predict -o FILE.csv: files and chunks done, failures. */
function fileProgress(enabled: boolean): Progress<PredictFilesProgress> {
  return startProgress<PredictFilesProgress>(enabled, {
    bar: 'predict {bar} {value}/{total} files | {chunks} chunks | {failed} failed',
    read: (p) => ({ done: p.done, total: p.total, fields: { chunks: p.chunks, failed: p.failed } }),
    line: (p) => `predict: ${p.done}/${p.total} files, ${p.chunks} chunks, ${p.failed} failed`,
    intervalSeconds: 5,
    firstLine: 'now',
  });
}

/** predict -o DIR: files, hours of audio and x real time (updated per window of a long recording). */
function archiveProgress(enabled: boolean): Progress<ArchiveProgress> {
  const text = (p: ArchiveProgress): string =>
    `${(p.audioSeconds / 3600).toFixed(2)} h of audio, ${p.realTimeFactor.toFixed(0)}x real time, ${p.skipped} up to date, ${p.failed} failed`;
  return startProgress<ArchiveProgress>(enabled, {
    bar: 'predict {bar} {value}/{total} files | {text}',
    read: (p) => ({ done: p.done, total: p.total, fields: { text: text(p) } }),
    line: (p) => `predict: ${p.done}/${p.total} files, ${text(p)}`,
    intervalSeconds: 5,
    firstLine: 'first',
  });
}

/** The output options, parsed once classes are known (a per-class threshold names classes). */
function detectOptions(flags: PredictFlags, classes: readonly string[], parseThresholds: (text: string, classes: readonly string[]) => Thresholds): DetectOptions {
  return {
    thresholds: flags.threshold === undefined ? undefined : parseThresholds(flags.threshold, classes),
    topK: positiveInteger(flags.topK, '--top-k'),
    merge: flags.merge === true,
  };
}

/** `--format csv,raven --format audacity` -> the distinct formats, each checked. */
function parseFormats(values: string[] | undefined): OutputFormat[] {
  const formats = (values ?? ['csv']).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  for (const f of formats) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format "${f}": choose from ${OUTPUT_FORMATS.join(', ')}`);
  }
  return [...new Set(formats)] as OutputFormat[];
}


/** 128 + SIGINT, what shells report for a run stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

export function register(program: Command): void {
  program
    .command('predict')
    .description('run a trained model on recordings (any length: long WAVs stream) into tables: per-chunk CSV, BirdCLEF submission, Raven selection tables, Audacity labels')
    .argument('<input>', 'an audio file, a folder of recordings, or a manifest CSV (BirdCLEF train_metadata.csv or birdcalls manifest.csv)')
    .requiredOption('--model <dir>', 'model folder written by `birdcall train` (model.json, classes.json, pipeline.json)')
    .requiredOption(
      '-o, --out <dir|file.csv>',
      'a folder: one output per recording and format, combined predictions.csv / submission.csv, errors.csv; resumable. A path ending in .csv: one per-chunk CSV (row_id, one column per class)',
    )
    .option('--format <list>', 'with -o DIR: csv (per chunk), birdclef (5 s grid), raven (selection table), audacity (labels); comma list or repeated (default csv)', collect)
    .option('--threshold <t>', 'detections (raven, audacity) need this probability: one value, or per class with a default, e.g. Turdus_merula=0.6,0.5 (default 0.5)')
    .option('--top-k <n>', 'at most this many classes detected per chunk (highest first)')
    .option('--merge', 'join consecutive chunks detecting the same class into one detection')
    .option('--aggregate <max|mean>', 'birdclef: how the chunks overlapping a 5 s window combine (default max)')
    .option('--batch-size <n>', 'chunks per inference batch (default: 32)')
    .option('--jobs <n>', 'worker threads for the pipeline (decode, mel, image) while the main thread runs the model; 1 runs everything in-process (default: all cores)')
    .option('--pool <mean|max>', "with -o FILE.csv: also write one row per recording after its chunks: row_id = the file stem, each class the mean (or max) of its chunks'")
    .option('--tta <n>', 'average n time-shifted copies of each chunk (default: 1, none)')
    .option('--stream-above <size>', 'stream WAV, FLAC, Ogg Vorbis and MP3 files whose audio is larger than this as 16-bit PCM (a WAV\'s size) instead of reading them whole (bounded memory, same predictions): bytes or 16MiB (default 16MiB)')
    .option('--verify-md5', "check every FLAC's decoded audio against the MD5 signature in its header; a mismatch fails that file (FLAC_MD5_MISMATCH). Off by default: frame CRCs are always checked")
    .option('--shard <K/N|auto>', 'with -o DIR: predict only shard K of N (from 0) of the input (auto: from Kubernetes/Slurm job-array variables); `birdcall manifest merge OUT DIR…` joins the shard folders')
    .option('--no-progress', 'no progress output')
    .action(async (input: string, flags: PredictFlags) => {
      // Loaded when the command runs, not at the top: `birdcall predict --help` starts without them.
      const [{ parsePool }, { resolveShard }] = await Promise.all([import('./cv.ts'), import('../scale/shard.ts')]);
      const pool = flags.pool === undefined ? undefined : parsePool(flags.pool);
      const tta = positiveInteger(flags.tta, '--tta') ?? 1;
      const jobs = positiveInteger(flags.jobs, '--jobs') ?? availableParallelism();
      const batchSize = positiveInteger(flags.batchSize, '--batch-size') ?? 32;
      const streamAbove = flags.streamAbove === undefined ? undefined : parseByteSize(flags.streamAbove);
      const formats = parseFormats(flags.format);
      const toFile = flags.out.toLowerCase().endsWith('.csv');
      if (toFile && (formats.length !== 1 || formats[0] !== 'csv')) {
        throw new UsageError(`-o ${flags.out} writes one per-chunk CSV; for --format ${formats.join(',')} give an output folder`);
      }
      if (toFile && flags.shard !== undefined) throw new UsageError('--shard needs an output folder (-o DIR), one per shard');
      if (!toFile && pool !== undefined) throw new UsageError('--pool writes recording rows into one CSV: give -o FILE.csv');
      if (flags.aggregate !== undefined && !(AGGREGATES as readonly string[]).includes(flags.aggregate)) {
        throw new UsageError(`--aggregate must be max or mean, got "${flags.aggregate}"`);
      }
      const shard = flags.shard === undefined ? undefined : resolveShard(flags.shard);
      // Loaded here, not at the top: every other command starts without TensorFlow.js.
      const { initBackend } = await import('../train/backend.ts');
      const { loadPredictor } = await import('../train/predict-files.ts');
      const backend = await initBackend();
      process.stderr.write(`backend: ${backend.description}\n`);
      const predictor = await loadPredictor(flags.model);
      process.stderr.write(
        `model ${flags.model}: ${predictor.classes.length} classes, input ${predictor.inputShape.join('x')} (${predictor.input}), ` +
          `${predictor.chunkSeconds ?? 'whole-file'}${predictor.chunkSeconds !== undefined ? ' s' : ''} chunks\n`,
      );
      const detect = detectOptions(flags, predictor.classes, parseThresholds);
      // SIGINT/SIGTERM: the first stops the run at the next window (the recording in hand is dropped, its temp
      // files removed; finished ones stay and a re-run skips them); a second one exits at once.
      const stop = handleStopSignals(() => process.stderr.write('predict: stopping (signal again to quit at once)\n'));
      const engine = { jobs, batchSize, tta, streamAbove, verifyMd5: flags.verifyMd5 === true, signal: stop.signal };
      try {
        if (toFile) await predictToFile(predictor, input, flags, engine, pool);
        else await predictToFolder(predictor, input, flags, { ...engine, formats, detect, shard, grid: { aggregate: flags.aggregate as Aggregate | undefined } });
      } catch (err) {
        if (err instanceof BirdcallError && INPUT_USAGE_CODES.has(err.code)) throw new UsageError(err.reason, err.file);
        throw err;
      } finally {
        stop.dispose();
      }
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

type EngineFlags = { jobs: number; batchSize: number; tta: number; streamAbove?: number; verifyMd5: boolean; signal: AbortSignal };

/** -o FILE.csv: every chunk of every recording into one CSV, streamed to a temp file renamed at the end. */
async function predictToFile(predictor: Predictor, input: string, flags: PredictFlags, engine: EngineFlags, pool: PoolMethod | undefined): Promise<void> {
  const { predictFiles } = await import('../train/predict-stream.ts');
  await mkdir(dirname(flags.out), { recursive: true });
  const [{ openAtomicWriter }, { formatProbability, scoreHeader }, { stringify }, { predictionRecords }] = await Promise.all([
    import('../store/atomic.ts'),
    import('../detect/tables.ts'),
    import('csv-stringify/sync'),
    import('../train/pool.ts'),
  ]);
  const writer = await openAtomicWriter(flags.out);
  const seen = new Set<string>();
  let duplicates = 0;
  const progress = fileProgress(flags.progress !== false);
  let summary;
  try {
    await writer.write(scoreHeader(predictor.classes));
    summary = await predictFiles(predictor, input, {
      ...engine,
      onPredictions: async (chunks: ChunkPrediction[]) => {
        for (const c of chunks) {
          if (seen.has(c.rowId)) duplicates++;
          seen.add(c.rowId);
        }
        await writer.write(stringify(predictionRecords(chunks, pool, formatProbability)));
      },
      onProgress: progress.update,
      onError: (e) => process.stderr.write(`birdcall: ${e.path}: ${e.reason} [${e.code}]\n`),
    });
    await writer.commit();
  } catch (err) {
    await writer.abort();
    if (engine.signal.aborted) {
      process.stderr.write(`predict: interrupted; ${flags.out} not written\n`);
      process.exitCode = EXIT_INTERRUPTED;
      return;
    }
    throw err;
  } finally {
    progress.stop();
  }
  const ok = summary.files - summary.failed;
  process.stderr.write(`predicted ${summary.chunks} chunks of ${ok} of ${summary.files} files into ${flags.out}${summary.failed > 0 ? `; ${summary.failed} failed` : ''}\n`);
  if (duplicates > 0) process.stderr.write(`warning: ${duplicates} row_ids repeat (recordings in different folders share a file name)\n`);
  if (summary.failed > 0) process.exitCode = ok > 0 ? EXIT.PARTIAL : EXIT.FAILURE;
}

/** -o DIR: the resumable archive run (predict-archive.ts). */
async function predictToFolder(
  predictor: Predictor,
  input: string,
  flags: PredictFlags,
  options: EngineFlags & Pick<ArchiveOptions, 'formats' | 'detect' | 'grid'> & { shard?: ShardSpec },
): Promise<void> {
  const [{ archiveExitCode, predictArchive }, { predictShard }] = await Promise.all([import('../train/predict-archive.ts'), import('../scale/shard.ts')]);
  const progress = archiveProgress(flags.progress !== false);
  let summary;
  try {
    const { shard, ...rest } = options;
    const archive = {
      ...rest,
      input,
      outDir: flags.out,
      onProgress: progress.update,
      onError: (e: PredictFileError) => process.stderr.write(`birdcall: ${e.path}: ${e.reason} [${e.code}]\n`),
    };
    // A shard also writes shard.json, for `manifest merge` to join the shards into one run's tables.
    summary = shard === undefined ? await predictArchive(predictor, archive) : await predictShard(predictor, { ...archive, shard });
  } finally {
    progress.stop();
  }
  process.stderr.write(
    `predicted ${summary.predicted}, up to date ${summary.skipped}, failed ${summary.failed} of ${summary.files} files into ${summary.outDir} ` +
      `(${summary.formats.join(', ')}); ${summary.audioSeconds.toFixed(0)} s of audio in ${summary.elapsedSeconds.toFixed(1)} s, ` +
      `${summary.realTimeFactor.toFixed(0)}x real time\n`,
  );
  if (summary.failed > 0) process.stderr.write(`failures listed in ${summary.errorsPath}\n`);
  if (summary.interrupted) {
    process.stderr.write('predict: interrupted; run the same command again to finish\n');
    process.exitCode = EXIT_INTERRUPTED;
    return;
  }
  const code = archiveExitCode(summary);
  if (code !== 0) process.exitCode = code;
}
