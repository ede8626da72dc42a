import type { Command } from 'commander';
import type { WorkerEvent } from '../scale/queue.ts';
import { parseByteSize, pipelineFromFlags, positiveInteger } from './common.ts';

/**
 * `birdcall worker --queue URL -o OUT`: processes queued files until stopped (SIGINT/SIGTERM let the jobs
 * in hand finish) or, with --exit-when-drained, until nothing is left anywhere. Run as many as you like, on
 * as many machines as share OUT and the input.
 */

interface WorkerFlags {
  queue: string;
  out: string;
  concurrency?: string;
  pipeline?: string;
  preset?: string;
  exitWhenDrained?: boolean;
  lockDuration?: string;
  stalledInterval?: string;
  inputRoot?: string;
  fsync?: boolean;
  streamAbove?: string;
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('process the files of a queued conversion (birdcall convert … --queue URL); outputs go to -o OUT')
    .requiredOption('--queue <url>', 'redis://HOST:PORT/NAME')
    .requiredOption('-o, --out <dir>', 'the shared output root (same folder for every worker)')
    .option('--concurrency <n>', 'files at once, one worker thread each (default 1; run one process per core or raise this)')
    .option('--pipeline <file>', 'refuse to work unless the queue runs this pipeline (same hash)')
    .option('--preset <name>', 'refuse to work unless the queue runs this preset (same hash)')
    .option('--exit-when-drained', 'exit once nothing is waiting or running (batch jobs); default: run until stopped')
    .option('--lock-duration <ms>', "a job's lock; a dead worker's job is picked up again after about this long (default 30000)")
    .option('--stalled-interval <ms>', 'how often to look for jobs of dead workers (default: the lock duration)')
    .option('--input-root <dir>', "where the input's files are on this machine, if not at the enqueuer's path")
    .option('--fsync', 'flush every output to disk before its rename')
    .option('--stream-above <size>', 'stream WAV files larger than this instead of reading them whole (bounded memory, same outputs): bytes or 64MiB (default 64MiB)')
    .option('--verbose', 'one line per file on stderr')
    .action(async (flags: WorkerFlags) => {
      const pipeline = await pipelineFromFlags(flags, false);
      const controller = new AbortController();
      let stops = 0;
      const stop = (): void => {
        // First signal: finish the files in hand. Second: leave now (their jobs come back as stalled).
        if (++stops > 1) process.exit(130);
        process.stderr.write('worker: stopping after the files in hand (signal again to quit now)\n');
        controller.abort();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      let lastLine = 0;
      let done = 0;
      const log = (event: WorkerEvent): void => {
        if (event.type === 'ready') process.stderr.write(`worker ${process.pid}: ready, pipeline ${event.pipelineHash.slice(0, 12)}, ${event.threads} thread(s)\n`);
        else if (event.type === 'start' && flags.verbose) process.stderr.write(`start ${event.source} (attempt ${event.attempt})\n`);
        else if (event.type === 'done') {
          done++;
          if (flags.verbose) process.stderr.write(`done ${event.source}: ${event.outcome}, ${event.chunks} chunks\n`);
          else if (Date.now() - lastLine > 10_000) {
            lastLine = Date.now();
            process.stderr.write(`worker ${process.pid}: ${done} files done\n`);
          }
        } else if (event.type === 'failed') {
          process.stderr.write(`${event.willRetry ? 'will retry' : 'failed'} ${event.source}: ${event.reason}\n`);
        }
      };
      try {
        // BullMQ and ioredis load here, not at the top: other commands start without them.
        const { runWorker } = await import('../scale/queue.ts');
        const summary = await runWorker({
          queue: flags.queue,
          outDir: flags.out,
          pipeline,
          concurrency: positiveInteger(flags.concurrency, '--concurrency'),
          lockDurationMs: positiveInteger(flags.lockDuration, '--lock-duration'),
          stalledIntervalMs: positiveInteger(flags.stalledInterval, '--stalled-interval'),
          exitWhenDrained: flags.exitWhenDrained,
          inputRoot: flags.inputRoot,
          fsync: flags.fsync,
          streamAbove: flags.streamAbove === undefined ? undefined : parseByteSize(flags.streamAbove),
          signal: controller.signal,
          onEvent: log,
        });
        process.stderr.write(
          `worker ${process.pid}: ${summary.converted} converted, ${summary.skipped} already done, ${summary.failed} failed ` +
            `in ${summary.elapsedSeconds.toFixed(1)} s\n`,
        );
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
