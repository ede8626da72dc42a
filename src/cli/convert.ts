import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BirdcallError, UsageError } from '../errors.ts';
import type { ConvertProgress, ConvertSummary } from '../batch/convert.ts';
import { parseByteSize, pipelineFromFlags, positiveInteger, positiveNumber, recipeFromFlags, setBatchExitCode, startProgress, type Progress } from './common.ts';
import { DEFAULT_RECIPE, RECIPE_FILE, recordRecipe } from '../train/recipes.ts';
import { errorLine } from './exit.ts';
import { SIGNAL_EXIT, stopOnSignals } from './signals.ts';

interface ConvertFlags {
  out: string;
  pipeline?: string;
  preset?: string;
  recipe?: string;
  jobs?: string;
  maxDuration?: string;
  maxFileSize?: string;
  streamAbove?: string;
  verifyMd5?: boolean;
  fsync?: boolean;
  progress?: boolean;
  shard?: string;
  queue?: string;
  wait?: boolean;
  attempts?: string;
  grace?: string;
}

/** Input problems the user made on the command line (a missing INPUT): exit code 2, like a bad flag. */
const INPUT_USAGE_CODES = new Set(['INPUT_NOT_FOUND', 'INPUT_LAYOUT']);

function nonNegativeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number of seconds, 0 or more, got "${text}"`);
  return n;
}

function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** convert's progress: files done, files/s, ETA and failures. */
function makeProgress(enabled: boolean): Progress<ConvertProgress> {
  return startProgress<ConvertProgress>(enabled, {
    bar: 'convert {bar} {value}/{total} files | {rate} files/s | ETA {etaText} | {failed} failed',
    read: (p) => ({
      done: p.done,
      total: p.total,
      fields: { rate: p.filesPerSecond.toFixed(1), etaText: formatSeconds(p.etaSeconds), failed: p.failed },
    }),
    line: (p) =>
      `convert: ${p.done}/${p.total} files, ${p.filesPerSecond.toFixed(1)} files/s, ETA ${formatSeconds(p.etaSeconds)}, ${p.failed} failed`,
    intervalSeconds: 5,
    firstLine: 'first',
  });
}

function report(summary: ConvertSummary): string {
  const lines = [
    `converted ${summary.converted}, up to date ${summary.skipped}, failed ${summary.failed} of ${summary.files} files; ` +
      `${summary.chunks} chunks in ${summary.manifestPath}`,
    `${summary.filesPerSecond.toFixed(2)} files/s, real-time factor ${summary.realTimeFactor.toFixed(1)}x ` +
      `(${summary.audioSeconds.toFixed(0)} s of audio in ${summary.elapsedSeconds.toFixed(1)} s, ${summary.jobs} jobs)`,
  ];
  const errors = Object.entries(summary.errorsByCode);
  if (errors.length > 0) {
    lines.push(`failures: ${errors.map(([code, n]) => `${code} ${n}`).join(', ')} (details in ${summary.errorsPath})`);
  }
  const warnings = Object.entries(summary.warningsByKind);
  if (warnings.length > 0) {
    lines.push(`warnings and quality checks: ${warnings.map(([kind, n]) => `${kind} ×${n}`).join('; ')}`);
  }
  if (summary.tempFilesRemoved > 0) lines.push(`removed ${summary.tempFilesRemoved} temp files left by an interrupted run`);
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('convert')
    .description('run a pipeline over a folder of recordings (WAV, FLAC, Ogg, MP3) or a manifest CSV: images/npy per chunk, manifest.csv, errors.csv')
    .argument('<input>', 'a folder (label = parent folder name), a BirdCLEF train_metadata.csv or a birdcalls manifest.csv')
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--recipe <name>', `a recipe's pipeline, recorded as ${RECIPE_FILE} so train takes its training settings (default: ${DEFAULT_RECIPE}; \`birdcall recipes\` lists them)`)
    .option('--pipeline <file>', 'pipeline file (YAML or JSON) instead of a recipe')
    .option('--preset <name>', 'a built-in mel preset pipeline instead of a recipe (birdclef, ...; "default" = birdclef)')
    .option('--jobs <n>', 'worker threads for the per-file work (read, decode, compute, encode, write); the main thread only schedules and records (default: all cores)')
    .option('--max-duration <seconds>', 'fail files longer than this (seconds)')
    .option('--max-file-size <size>', 'fail files larger than this: bytes, or 50MB (10^6) / 48MiB (2^20)')
    .option('--stream-above <size>', 'stream WAV, FLAC, Ogg and MP3 files whose audio is larger than this as 16-bit PCM (a WAV\'s size) instead of reading them whole (bounded memory, same outputs): bytes or 64MiB (default 64MiB)')
    .option('--verify-md5', "check every FLAC's decoded audio against the MD5 signature in its header; a mismatch fails that file (FLAC_MD5_MISMATCH). Off by default: frame CRCs are always checked (a FLAC converted earlier without it is converted again to check it)")
    .option('--grace <seconds>', 'on SIGINT/SIGTERM: seconds the files in progress get to finish (default 10); a second signal stops at once')
    .option('--fsync', 'flush every output to disk before its rename (survives power loss; slower)')
    .option('--no-progress', 'no progress output')
    .option('--shard <K/N|auto>', 'convert only shard K of N (from 0) of the input; auto: from Kubernetes/Slurm job-array variables')
    .option('--queue <url>', 'enqueue one job per file on redis://HOST:PORT/NAME for `birdcall worker`s instead of converting here')
    .option('--wait', 'with --queue: wait for the workers, then build the manifest in -o OUT')
    .option('--attempts <n>', 'with --queue: tries per file before it fails (default 3)')
    .action(async (input: string, flags: ConvertFlags) => {
      if (flags.queue !== undefined) {
        if (flags.shard !== undefined) throw new UsageError('--shard and --queue do not mix: a queue already spreads the files over its workers');
        if (flags.verifyMd5) {
          throw new UsageError('--verify-md5 does not reach queue workers: after `birdcall queue finish`, run `birdcall convert INPUT -o OUT --verify-md5` to check the FLACs');
        }
        const { queueConvert } = await import('./queue.ts');
        await queueConvert(input, { ...flags, queue: flags.queue });
        return;
      }
      const jobs = positiveInteger(flags.jobs, '--jobs');
      // The worker threads start first, loading while this thread loads the rest; a --pipeline file may name
      // block modules, which need other threads (convert starts those itself).
      if (flags.pipeline === undefined) (await import('../batch/source-pool.ts')).prestartSourceThreads(jobs);
      // Loaded when the command runs: `birdcall convert --help` starts without the batch code.
      const [{ convert }, { convertShard, resolveShard }] = await Promise.all([import('../batch/convert.ts'), import('../scale/shard.ts')]);
      const shard = flags.shard === undefined ? undefined : resolveShard(flags.shard);
      const maxDuration = flags.maxDuration === undefined ? undefined : positiveNumber(flags.maxDuration, '--max-duration');
      const maxFileSize = flags.maxFileSize === undefined ? undefined : parseByteSize(flags.maxFileSize);
      const streamAbove = flags.streamAbove === undefined ? undefined : parseByteSize(flags.streamAbove);
      const recipe = recipeFromFlags(flags);
      const pipeline = (await pipelineFromFlags(flags, true))!;
      const progress = makeProgress(flags.progress !== false);
      const graceSeconds = flags.grace === undefined ? 10 : nonNegativeNumber(flags.grace, '--grace');
      const stop = stopOnSignals('convert', graceSeconds, progress.stop);
      let summary: ConvertSummary;
      try {
        const options = {
          input,
          outDir: flags.out,
          pipeline,
          jobs,
          maxDuration,
          maxFileSize,
          streamAbove,
          verifyMd5: flags.verifyMd5 === true,
          fsync: flags.fsync,
          onProgress: progress.update,
          signal: stop.signal,
          graceSeconds,
        };
        summary = shard ? await convertShard({ ...options, shard }) : await convert(options);
      } catch (err) {
        if (err instanceof BirdcallError && INPUT_USAGE_CODES.has(err.code)) throw new UsageError(err.reason, err.file);
        const signal = stop.received();
        if (!(err instanceof BirdcallError && err.code === 'INTERRUPTED' && signal)) throw err;
        // Stopped as asked, state resumable: the signal's own exit code, not a failure.
        process.stderr.write(errorLine(err) + '\n');
        process.exitCode = SIGNAL_EXIT[signal];
        return;
      } finally {
        stop.dispose();
        progress.stop();
      }
      // A plain pipeline or preset into a folder a recipe once made must not leave that recipe's record behind.
      if (recipe !== undefined) await recordRecipe(flags.out, recipe);
      else await rm(join(flags.out, RECIPE_FILE), { force: true });
      process.stderr.write(report(summary) + (recipe === undefined ? '' : `recipe ${recipe.name} v${recipe.version} (recorded in ${RECIPE_FILE}: train takes its settings)\n`));
      await setBatchExitCode(summary);
    });
}
