import { resolve } from 'node:path';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { BirdcallError } from '../errors.ts';
import { StateStore } from '../store/state.ts';
import { createRunner, type PipelineRunner } from '../pipeline/runner.ts';
import type { ResolvedPipeline } from '../pipeline/pipeline.ts';
import { BIRDCALL_VERSION } from '../version.ts';
import { processQueuedSource, type ProcessContext, type ProcessResult, type QueueJobData } from './queue-job.ts';
import { queuePipeline, requireMeta, target } from './queue.ts';
import { closeRedis, isConnectionError, RECONNECT_MAX_MS, watchRedis, workerRedis, type QueueTarget, type RedisLink } from './queue-redis.ts';

/**
 * `birdcall worker`: takes queued files one job at a time until drained or stopped (see queue.ts for the
 * queue as a whole). Faults it rides out:
 *   Redis goes away   one 'redis-lost' event, then one 'redis-back' when it returns; the clients retry with
 *                     a bounded backoff meanwhile (queue-redis.ts). A job whose lock lapsed meanwhile comes
 *                     back through BullMQ's stalled-job check; its outputs are already there, so it is skipped.
 *   stop (signal)     no new job is taken; the jobs in hand get the grace to finish. Those still running then
 *                     go back to the queue (moveToWait, or through the stalled check when Redis is away) and
 *                     their threads are stopped; connections are closed, or dropped when Redis cannot answer.
 *                     So the worker returns within the grace whether or not Redis is reachable.
 */

export type WorkerEvent =
  | { type: 'ready'; pipelineHash: string; threads: number }
  | { type: 'start'; source: string; attempt: number }
  | { type: 'done'; source: string; outcome: ProcessResult['outcome']; chunks: number }
  | { type: 'failed'; source: string; reason: string; willRetry: boolean }
  | { type: 'drained' }
  | { type: 'redis-lost'; where: string; reason: string; retryMaxSeconds: number }
  | { type: 'redis-back'; where: string; downSeconds: number }
  /** Something BullMQ reports that is not about one file's conversion (e.g. a lock lost while Redis was away). */
  | { type: 'warning'; reason: string }
  /** A job still running when the grace ran out, handed back to the queue. */
  | { type: 'released'; source: string; how: 'requeued' | 'stalled' };

export interface RunWorkerOptions {
  queue: string | QueueTarget;
  outDir: string;
  /** The pipeline the user expects (checked against the queue's); the queue's own spec is what runs. */
  pipeline?: ResolvedPipeline;
  /** Jobs at once = worker threads in this process. Default 1. */
  concurrency?: number;
  /** How long a job's lock lasts without renewal (ms): a dead worker's job is back after about this. Default 30000. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (ms). Default: lockDurationMs. */
  stalledIntervalMs?: number;
  /** Return once nothing is waiting, delayed or running anywhere (batch jobs); otherwise run until `signal`. */
  exitWhenDrained?: boolean;
  /** After `signal`, how long the jobs in hand may take before they are handed back (ms). Default DEFAULT_GRACE_MS. */
  graceMs?: number;
  /** The input root on this machine, when it is mounted elsewhere than on the enqueuer's. */
  inputRoot?: string;
  fsync?: boolean;
  /** Sources whose audio is above this many bytes as 16-bit PCM stream from disk, as in convert (default BIRDCALL_STREAM_ABOVE or 64 MiB). */
  streamAbove?: number;
  /** Abort to stop: no new jobs, then the grace. */
  signal?: AbortSignal;
  onEvent?: (event: WorkerEvent) => void;
}

export interface WorkerSummary {
  converted: number;
  skipped: number;
  failed: number;
  /** Jobs handed back to the queue unfinished when the grace ran out. */
  released: number;
  /**
   * Connections dropped because Redis could not answer, rather than closed. BullMQ's own close() then never
   * completes (it waits for an 'end' that ioredis does not emit for a connection Redis already dropped), so
   * its lock-renewal and stalled-check timers outlive this call: a process should exit by itself.
   */
  dropped: boolean;
  elapsedSeconds: number;
}

/** Ten seconds: well inside Kubernetes' default 30 s between SIGTERM and SIGKILL, and most files take less. */
export const DEFAULT_GRACE_MS = 10_000;

/** The jobs this process holds, and whether each has settled. */
class InHand {
  private readonly jobs = new Map<string, { job: Job<QueueJobData>; token: string | undefined; done: Promise<unknown> }>();
  readonly released = new Set<string>();
  /** Source paths of the jobs seen (job id to path), for messages about jobs no longer in hand. */
  private readonly sources = new Map<string, string>();
  private readonly lockLost = new Set<string>();

  track<T>(job: Job<QueueJobData>, token: string | undefined, work: Promise<T>): Promise<T> {
    const id = job.id ?? '';
    this.sources.set(id, job.data.row.path);
    const done = work.finally(() => this.jobs.delete(id));
    this.jobs.set(id, { job, token, done: done.catch(() => {}) });
    return done;
  }

  get size(): number {
    return this.jobs.size;
  }

  settled(): Promise<unknown> {
    return Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  entries(): { job: Job<QueueJobData>; token: string | undefined }[] {
    return [...this.jobs.values()];
  }

  /**
   * What to say about a BullMQ error, or undefined when it was said already: a lock lost while Redis was
   * away shows up as three errors for the same job (renewal, completion, retry); say it once, by source.
   */
  describe(message: string): string | undefined {
    const lock = /lock for job ([0-9a-f]{40})/i.exec(message);
    if (!lock) return message.replace(/\b[0-9a-f]{40}\b/g, (id) => this.sources.get(id) ?? id);
    if (this.lockLost.has(lock[1])) return undefined;
    this.lockLost.add(lock[1]);
    const source = this.sources.get(lock[1]) ?? `job ${lock[1]}`;
    return `${source}: its lock lapsed while Redis was away; the stalled-job check hands it out again (its finished outputs are kept)`;
  }
}

/** `work`'s value if it comes within `ms`, else `late` (`work` then carries on unwatched). */
async function valueWithin<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((r) => (timer = setTimeout(() => r(late), Math.max(0, ms))));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when `work` settles (either way) within `ms`. */
function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  return valueWithin(work.then(() => true, () => true), ms, false);
}

/** Processes jobs until drained (with exitWhenDrained) or aborted. */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerSummary> {
  const started = performance.now();
  const t = target(options.queue);
  const meta = await requireMeta(t);
  const pipeline = await queuePipeline(meta, t, options.pipeline);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new BirdcallError('USAGE', `--concurrency must be a positive integer, got ${concurrency}`);
  const emit = options.onEvent ?? (() => {});
  const summary: WorkerSummary = { converted: 0, skipped: 0, failed: 0, released: 0, dropped: false, elapsedSeconds: 0 };
  // The pipeline runs in worker threads even for one job at a time: a long synchronous run on the main
  // thread would starve BullMQ's lock renewal and get a live job taken for stalled. Long WAVs stream from
  // disk in this thread instead, as in convert (a 60-minute file read whole took 1.8 GB): window by window,
  // each awaiting its read, so the event loop still renews the locks between windows.
  const runner = createRunner(pipeline, { threads: concurrency, inProcess: false, streamAbove: options.streamAbove });
  const ctx: ProcessContext = {
    inputRoot: options.inputRoot ? resolve(options.inputRoot) : meta.inputRoot,
    outDir: options.outDir,
    pipelineHash: meta.pipelineHash,
    birdcallVersion: BIRDCALL_VERSION,
    store: new StateStore(options.outDir),
    fsync: options.fsync,
    run: runner,
  };
  const inHand = new InHand();
  const where = `${t.redis.host}:${t.redis.port}`;
  // The queue's client is the one watched for the connection's state: it reconnects like the worker's own.
  const queueClient = workerRedis(t.redis);
  const link = watchRedis(queueClient, {
    lost: (reason) => emit({ type: 'redis-lost', where, reason, retryMaxSeconds: RECONNECT_MAX_MS / 1000 }),
    back: (downSeconds) => emit({ type: 'redis-back', where, downSeconds }),
  });
  const queue = new Queue(t.name, { connection: queueClient });
  // Never connected itself: the worker duplicates it for its connections and closes those.
  const workerClient = workerRedis(t.redis);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const worker = new Worker<QueueJobData, ProcessResult>(t.name, processor(ctx, inHand, summary, emit), {
    connection: workerClient,
    concurrency,
    lockDuration,
    stalledInterval: options.stalledIntervalMs ?? lockDuration,
    // A job may stall twice (two workers killed under it) before it is failed.
    maxStalledCount: 2,
    autorun: false,
  });
  // Connection errors repeat on every reconnection attempt of every client: the link reports them once.
  const onError = (err: Error): void => {
    const reason = isConnectionError(err) ? undefined : inHand.describe(err.message);
    if (reason !== undefined) emit({ type: 'warning', reason });
  };
  worker.on('error', onError);
  queue.on('error', onError);
  emit({ type: 'ready', pipelineHash: meta.pipelineHash, threads: concurrency });
  const running = worker.run();
  await untilStopped(options, queue, emit);
  await stopWorker({ worker, running, queue, clients: [workerClient, queueClient], link, runner, inHand, summary, emit, graceMs: options.graceMs ?? DEFAULT_GRACE_MS });
  summary.elapsedSeconds = (performance.now() - started) / 1000;
  return summary;
}

function processor(ctx: ProcessContext, inHand: InHand, summary: WorkerSummary, emit: (e: WorkerEvent) => void) {
  const run = async (job: Job<QueueJobData>): Promise<ProcessResult> => {
    emit({ type: 'start', source: job.data.row.path, attempt: job.attemptsMade + 1 });
    try {
      const result = await processQueuedSource(ctx, job.data);
      summary[result.outcome]++;
      emit({ type: 'done', source: job.data.row.path, outcome: result.outcome, chunks: result.chunks });
      return result;
    } catch (err) {
      // Handed back at the end of the grace: its thread was stopped under it, and the job is no longer ours.
      if (inHand.released.has(job.id ?? '')) throw new WaitingError();
      const willRetry = !(err instanceof BirdcallError) && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      if (!willRetry) summary.failed++;
      emit({ type: 'failed', source: job.data.row.path, reason: err instanceof Error ? err.message : String(err), willRetry });
      // A data error gives the same answer on every try: fail now instead of retrying.
      if (err instanceof BirdcallError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  };
  return (job: Job<QueueJobData>, token?: string): Promise<ProcessResult> => inHand.track(job, token, run(job));
}

/** Resolves on `signal`, or (with exitWhenDrained) once nothing is waiting, delayed or running anywhere. */
async function untilStopped(options: RunWorkerOptions, queue: Queue, emit: (e: WorkerEvent) => void): Promise<void> {
  await new Promise<void>((resolveDone) => {
    const stop = () => resolveDone();
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    if (!options.exitWhenDrained) return;
    const poll = async (): Promise<void> => {
      if (options.signal?.aborted) return;
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized').catch(() => undefined);
      if (counts && Object.values(counts).every((n) => n === 0)) {
        emit({ type: 'drained' });
        stop();
        return;
      }
      setTimeout(() => void poll(), 300);
    };
    void poll();
  });
}

interface Stopping {
  worker: Worker<QueueJobData, ProcessResult>;
  running: Promise<unknown>;
  queue: Queue;
  clients: Redis[];
  link: RedisLink;
  runner: PipelineRunner;
  inHand: InHand;
  summary: WorkerSummary;
  emit: (e: WorkerEvent) => void;
  graceMs: number;
}

/**
 * Stops taking jobs, lets the jobs in hand finish within the grace, hands back those that do not, and closes
 * every connection and thread, all within the grace: BullMQ's own close() waits on Redis for as long as it
 * is away, so it is raced against the clock and the connections are dropped when it loses.
 */
async function stopWorker(s: Stopping): Promise<void> {
  const deadline = performance.now() + s.graceMs;
  const left = (): number => deadline - performance.now();
  // What handing back and closing may take at most, kept from the end of the grace.
  const reserve = Math.min(1000, s.graceMs / 4);
  // close() stops the fetch loop at once, waits for the jobs in hand, then closes the worker's connections.
  const closing = s.worker.close();
  closing.catch(() => {});
  if (!(await within(s.inHand.settled(), left() - reserve))) await releaseJobs(s, reserve / 2);
  s.link.stop();
  const closed = !s.link.down && (await within(Promise.all([closing, s.running, s.queue.close()]), left()));
  if (!closed) {
    // Redis is away (or too slow to answer): drop the sockets; pending commands fail and BullMQ gives up.
    s.summary.dropped = true;
    void s.worker.disconnect().catch(() => {});
    void s.queue.disconnect().catch(() => {});
  }
  for (const client of s.clients) await within(closeRedis(client), closed ? left() : 0);
  for (const client of s.clients) client.disconnect();
  await within(s.runner.close?.() ?? Promise.resolve(), Math.max(left(), 100));
}

/** Hands the unfinished jobs back to the queue and stops their threads. */
async function releaseJobs(s: Stopping, ms: number): Promise<void> {
  const jobs = s.inHand.entries();
  for (const { job } of jobs) s.inHand.released.add(job.id ?? '');
  await Promise.all(
    jobs.map(async ({ job, token }) => {
      // moveToWait needs Redis; when it cannot answer, the job's lock lapses and the stalled check returns it.
      const requeued = !s.link.down && (await valueWithin(job.moveToWait(token).then(() => true, () => false), ms, false));
      s.summary.released++;
      s.emit({ type: 'released', source: job.data.row.path, how: requeued ? 'requeued' : 'stalled' });
    }),
  );
  // Their runs then reject; a write in progress removes its temp file (store/atomic.ts).
  await within(s.runner.close?.() ?? Promise.resolve(), ms);
  await within(s.inHand.settled(), ms);
}
