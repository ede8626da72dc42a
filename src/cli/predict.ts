import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { BirdcallError, UsageError } from '../errors.ts';
import { writeStreamAtomic } from '../store/atomic.ts';
import type { ChunkPrediction, PredictFilesProgress } from '../train/predict-files.ts';
import { EXIT } from './exit.ts';
import { positiveInteger, startProgress, type Progress } from './common.ts';

interface PredictFlags {
  model: string;
  out: string;
  batchSize?: string;
  jobs?: string;
  progress?: boolean;
}

/** Input problems made on the command line (a missing INPUT): exit code 2, like a bad flag. */
const INPUT_USAGE_CODES = new Set(['INPUT_NOT_FOUND', 'INPUT_LAYOUT']);

/** predict's progress: files and chunks done, failures. */
function makeProgress(enabled: boolean): Progress<PredictFilesProgress> {
  return startProgress<PredictFilesProgress>(enabled, {
    bar: 'predict {bar} {value}/{total} files | {chunks} chunks | {failed} failed',
    read: (p) => ({ done: p.done, total: p.total, fields: { chunks: p.chunks, failed: p.failed } }),
    line: (p) => `predict: ${p.done}/${p.total} files, ${p.chunks} chunks, ${p.failed} failed`,
    intervalSeconds: 5,
    firstLine: 'now',
  });
}

/**
 * The CSV rows, produced while the recordings are predicted: a queue the writer drains, so a large input
 * never holds every prediction in memory.
 */
class RowQueue implements AsyncIterable<string> {
  private readonly items: string[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;
  private aborted = false;

  push(text: string): void {
    this.items.push(text);
    this.waiting?.();
  }

  end(): void {
    this.ended = true;
    this.waiting?.();
  }

  /** Stop with an error: the atomic writer then removes its temp file and no partial CSV appears. */
  abort(): void {
    this.aborted = true;
    this.waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      if (this.aborted) throw new Error('aborted');
      if (this.items.length > 0) {
        yield this.items.splice(0, this.items.length).join('');
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }
}

export function register(program: Command): void {
  program
    .command('predict')
    .description("run a trained model on recordings: its saved pipeline on the raw audio, one CSV row per chunk with a probability per class")
    .argument('<input>', 'an audio file, a folder of WAVs, or a manifest CSV (BirdCLEF train_metadata.csv or birdcalls manifest.csv)')
    .requiredOption('--model <dir>', 'model folder written by `birdcall train` (model.json, classes.json, pipeline.json)')
    .requiredOption('-o, --out <file>', 'predictions CSV to write: row_id (<file stem>_<end second>) then one column per class')
    .option('--batch-size <n>', 'chunks per inference batch (default: 32)')
    .option('--jobs <n>', 'worker threads for the pipeline (decode, mel, image) while the main thread runs the model; 1 runs everything in-process (default: all cores)')
    .option('--no-progress', 'no progress output')
    .action(async (input: string, flags: PredictFlags) => {
      const jobs = positiveInteger(flags.jobs, '--jobs') ?? availableParallelism();
      const batchSize = flags.batchSize === undefined ? 32 : Number(flags.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size must be a positive integer, got "${flags.batchSize}"`);
      // Loaded here, not at the top: every other command starts without TensorFlow.js.
      const { initBackend } = await import('../train/backend.ts');
      const { formatProbability, loadPredictor, predictFiles } = await import('../train/predict-files.ts');
      const backend = await initBackend();
      process.stderr.write(`backend: ${backend.description}\n`);
      const predictor = await loadPredictor(flags.model);
      process.stderr.write(
        `model ${flags.model}: ${predictor.classes.length} classes, input ${predictor.inputShape.join('x')} (${predictor.input}), ` +
          `${predictor.chunkSeconds ?? 'whole-file'}${predictor.chunkSeconds !== undefined ? ' s' : ''} chunks\n`,
      );
      await mkdir(dirname(flags.out), { recursive: true });
      const rows = new RowQueue();
      rows.push(stringify([['row_id', ...predictor.classes]]));
      const seen = new Set<string>();
      let duplicates = 0;
      const onPredictions = (chunks: ChunkPrediction[]): void => {
        for (const c of chunks) {
          if (seen.has(c.rowId)) duplicates++;
          seen.add(c.rowId);
        }
        rows.push(stringify(chunks.map((c) => [c.rowId, ...Array.from(c.scores, formatProbability)])));
      };
      const writing = writeStreamAtomic(flags.out, rows);
      const progress = makeProgress(flags.progress !== false);
      let summary;
      try {
        summary = await predictFiles(predictor, input, {
          batchSize,
          jobs,
          onPredictions,
          onProgress: progress.update,
          onError: (e) => process.stderr.write(`birdcall: ${e.path}: ${e.reason} [${e.code}]\n`),
        });
      } catch (err) {
        rows.abort();
        await writing.catch(() => {});
        if (err instanceof BirdcallError && INPUT_USAGE_CODES.has(err.code)) throw new UsageError(err.reason, err.file);
        throw err;
      } finally {
        progress.stop();
      }
      rows.end();
      await writing;
      const ok = summary.files - summary.failed;
      process.stderr.write(`predicted ${summary.chunks} chunks of ${ok} of ${summary.files} files into ${flags.out}${summary.failed > 0 ? `; ${summary.failed} failed` : ''}\n`);
      if (duplicates > 0) {
        process.stderr.write(`warning: ${duplicates} row_ids repeat (recordings in different folders share a file name)\n`);
      }
      if (summary.failed > 0) process.exitCode = ok > 0 ? EXIT.PARTIAL : EXIT.FAILURE;
    });
}
