import type { Command } from 'commander';
import type { WorkerEvent } from '../scale/queue-worker.ts';
import { parseByteSize, pipelineFromFlags, positiveInteger, positiveNumber } from './common.ts';
import { handleStopSignals } from './signals.ts';

/**
 * `birdcall worker --queue URL -o OUT`: processes queued files until stopped or, with --exit-when-drained,
 * until nothing is left anywhere. Run as many as you like, on as many machines as share OUT and the input.
 * SIGTERM/SIGINT: no new files; the files in hand get --grace seconds, then go back to the queue; exit 0,
 * whether or not Redis is reachable. A second signal exits at once (128 + signal number: 130, 143); the
 * files in hand then come back through the stalled-job check.
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
  grace?: string;
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
    .option('--stream-above <size>', 'stream WAV, FLAC, Ogg and MP3 files whose audio is larger than this as 16-bit PCM (a WAV\'s size) instead of reading them whole (bounded memory, same outputs): bytes or 64MiB (default 64MiB)')
    .option('--grace <seconds>', 'on SIGTERM/SIGINT, how long the files in hand may take before they go back to the queue (default 10)')
    .option('--verbose', 'one line per file on stderr')
    .action(async (flags: WorkerFlags) => {
      const pipeline = await pipelineFromFlags(flags, false);
      const graceMs = (flags.grace === undefined ? 10 : positiveNumber(flags.grace, '--grace')) * 1000;
      // A second signal exits at once; the files in hand then come back through the stalled-job check.
      const stop = handleStopSignals((signal) => say(`${signal}: taking no new files; the files in hand get up to ${graceMs / 1000} s (${signal} again to quit at once)`));
      const log = workerLog(flags.verbose === true);
      try {
        // BullMQ and ioredis load here, not at the top: other commands start without them.
        const { runWorker } = await import('../scale/queue-worker.ts');
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
          graceMs,
          signal: stop.signal,
          onEvent: log,
        });
        say(
          `${summary.converted} converted, ${summary.skipped} already done, ${summary.failed} failed` +
            `${summary.released > 0 ? `, ${summary.released} handed back unfinished` : ''} in ${summary.elapsedSeconds.toFixed(1)} s`,
        );
        // Redis was unreachable at the end: BullMQ's timers would keep the process alive (see
        // WorkerSummary.dropped). Everything of ours is closed and stderr is written synchronously: leave.
        if (summary.dropped) process.exit(0);
      } finally {
        stop.dispose();
      }
    });
}

function say(line: string): void {
  process.stderr.write(`worker ${process.pid}: ${line}\n`);
}

/** The worker's lines on stderr: per file with --verbose, else a count every 10 s; faults always. */
function workerLog(verbose: boolean): (event: WorkerEvent) => void {
  let lastLine = 0;
  let done = 0;
  return (event) => {
    switch (event.type) {
      case 'ready':
        return say(`ready, pipeline ${event.pipelineHash.slice(0, 12)}, ${event.threads} thread(s)`);
      case 'start':
        if (verbose) process.stderr.write(`start ${event.source} (attempt ${event.attempt})\n`);
        return;
      case 'done':
        done++;
        if (verbose) process.stderr.write(`done ${event.source}: ${event.outcome}, ${event.chunks} chunks\n`);
        else if (Date.now() - lastLine > 10_000) {
          lastLine = Date.now();
          say(`${done} files done`);
        }
        return;
      case 'failed':
        return void process.stderr.write(`${event.willRetry ? 'will retry' : 'failed'} ${event.source}: ${event.reason}\n`);
      case 'redis-lost':
        return say(`lost Redis at ${event.where} (${event.reason}); reconnecting every ${event.retryMaxSeconds} s at most, files in hand carry on`);
      case 'redis-back':
        return say(`Redis at ${event.where} is back after ${event.downSeconds.toFixed(1)} s; taking files again`);
      case 'warning':
        return say(`warning: ${event.reason}`);
      case 'released':
        return say(
          `${event.source}: not finished within the grace; ` +
            (event.how === 'requeued' ? 'back on the queue' : 'it returns to the queue when its lock lapses (Redis is away)'),
        );
      case 'drained':
        return;
    }
  };
}
