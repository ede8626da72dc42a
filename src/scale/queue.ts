import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BirdcallError } from '../errors.ts';
import { convert, type ConvertProgress, type ConvertSummary } from '../batch/convert.ts';
import { planSources } from '../store/plan.ts';
import type { InputLayout } from '../store/inputs.ts';
import { loadBlockModules, pipelineHash, resolvePipeline, toSpec, type PipelineSpec, type ResolvedPipeline } from '../pipeline/pipeline.ts';
import type { QueueJobData } from './queue-job.ts';
import { closeRedis, connectRedis, parseQueueUrl, type QueueTarget } from './queue-redis.ts';
import { sha256Hex } from '../store/state.ts';
import { BIRDCALL_VERSION } from '../version.ts';

/**
 * Queue mode of `convert` on Redis with BullMQ: one job per source file, any number of worker processes on
 * any number of machines sharing one output root.
 *
 *   enqueue   one job per source, jobId = hash(pipeline hash, source path): enqueuing again adds nothing.
 *             The pipeline spec and hash, and the input, are stored beside the queue (`<queue>:birdcall`);
 *             a second enqueue with another pipeline or input is refused (use another queue name).
 *   worker    rebuilds the pipeline from the stored spec and refuses to start if its own hash differs
 *             (another birdcall version, an edited block module, a different --pipeline). Each job writes
 *             the same atomic outputs and per-source state as `convert`. Data errors (a corrupt WAV) fail
 *             the job at once; anything else is retried with exponential backoff. A worker that dies holding
 *             a job loses its lock; BullMQ's stalled-job check on a live worker puts the job back.
 *   finish    once nothing is waiting or running: plain `convert` over the same input and output root. Every
 *             source the workers finished is verified and skipped; anything missing or failed is converted or
 *             reported here; temp files of killed workers are removed; manifest.csv, errors.csv and
 *             summary.json come out exactly as from a single-machine run.
 * Completed jobs are kept (that is what makes enqueue idempotent); `removeQueue` deletes the queue.
 */

export { parseQueueUrl, type QueueTarget } from './queue-redis.ts';

export const QUEUE_META_FORMAT = 1;

/** What the enqueuer stores beside the queue, for workers and `finish`. */
export interface QueueMeta {
  format: typeof QUEUE_META_FORMAT;
  pipelineHash: string;
  /** JSON of `toSpec(pipeline)`: block module paths are absolute, so every machine needs the same paths. */
  specJson: string;
  birdcallVersion: string;
  /** The INPUT given to convert, absolute. */
  input: string;
  /** Absolute folder the sources' paths are relative to. */
  inputRoot: string;
  layout: InputLayout;
  /** Sources enqueued (distinct valid paths). */
  sources: number;
  createdAt: string;
}

export interface QueueJobOptions {
  /** Tries per job before it fails (data errors fail at once). Default 3. */
  attempts?: number;
  /** First retry delay in ms, doubled each retry. Default 2000. */
  backoffMs?: number;
}

export interface EnqueueOptions extends QueueJobOptions {
  queue: string | QueueTarget;
  input: string;
  pipeline: ResolvedPipeline;
  onProgress?: (enqueued: number) => void;
}

export interface EnqueueSummary {
  queue: string;
  pipelineHash: string;
  /** Distinct sources in the input. */
  sources: number;
  /** Jobs this call added (0 when everything was already queued). */
  added: number;
  alreadyQueued: number;
  /** Rows with an unusable path, left for `finish` to report. */
  invalidRows: number;
}

const BATCH = 500;
const JOB_NAME = 'convert';

export function target(queue: string | QueueTarget): QueueTarget {
  return typeof queue === 'string' ? parseQueueUrl(queue) : queue;
}

/**
 * A BullMQ Queue on its own client, for short commands: it fails at once when Redis is out of reach. BullMQ
 * leaves a client it was given open (it may be shared), so closing goes through here: the queue first, then
 * its connection. (A worker's queue waits for Redis instead: see queue-worker.ts.)
 */
async function openQueue<T>(t: QueueTarget): Promise<{ queue: Queue<T>; close: () => Promise<void> }> {
  const client = await connectRedis(t.redis);
  const queue = new Queue<T>(t.name, { connection: client });
  return {
    queue,
    close: async () => {
      await queue.close();
      await closeRedis(client);
    },
  };
}

function metaKey(t: QueueTarget): string {
  return `bull:${t.name}:birdcall`;
}

/** Job id of a source: the same source under the same pipeline is one job, however often it is enqueued. */
export function jobIdFor(pipelineHashHex: string, sourcePath: string): string {
  return sha256Hex(`${pipelineHashHex}\n${sourcePath}`).slice(0, 40);
}

/** Runs `fn` with a plain Redis connection for the queue's own keys. */
async function withRedis<T>(t: QueueTarget, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = await connectRedis(t.redis);
  try {
    return await fn(client);
  } finally {
    await closeRedis(client);
  }
}

export async function readQueueMeta(queue: string | QueueTarget): Promise<QueueMeta | undefined> {
  const t = target(queue);
  const text = await withRedis(t, (c) => c.get(metaKey(t)));
  if (text === null) return undefined;
  return JSON.parse(text) as QueueMeta;
}

export async function requireMeta(t: QueueTarget): Promise<QueueMeta> {
  const meta = await readQueueMeta(t);
  if (!meta) {
    throw new BirdcallError('QUEUE_EMPTY', `no conversion was queued on ${t.display}; run \`birdcall convert INPUT -o OUT --queue ${t.display}\` first`);
  }
  if (meta.format !== QUEUE_META_FORMAT) {
    throw new BirdcallError('QUEUE_FORMAT', `${t.display} was made by another birdcall (meta format ${meta.format})`);
  }
  return meta;
}

async function jobTotal(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * Enqueues one job per source of INPUT. Storing the meta is first-writer-wins (SET NX), so two enqueuers
 * racing on one queue agree on the pipeline or one of them is refused.
 */
export async function enqueue(options: EnqueueOptions): Promise<EnqueueSummary> {
  const t = target(options.queue);
  const hash = pipelineHash(options.pipeline);
  const plan = await planSources(options.input);
  const input = resolve(options.input);
  const { queue, close } = await openQueue<QueueJobData>(t);
  try {
    const before = await jobTotal(queue);
    const jobOptions = {
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 2000 },
      removeOnComplete: false,
      removeOnFail: false,
    };
    let sources = 0;
    let invalidRows = 0;
    let batch: { name: string; data: QueueJobData; opts: typeof jobOptions & { jobId: string } }[] = [];
    const meta: QueueMeta = {
      format: QUEUE_META_FORMAT,
      pipelineHash: hash,
      specJson: JSON.stringify(toSpec(options.pipeline)),
      birdcallVersion: BIRDCALL_VERSION,
      input,
      inputRoot: plan.root,
      layout: plan.layout,
      sources: 0,
      createdAt: new Date().toISOString(),
    };
    await claimQueue(t, meta);
    // convert's own plan, so every source gets convert's output names.
    for await (const item of plan.items()) {
      if (item.kind === 'invalid') invalidRows++;
      if (item.kind !== 'source') continue;
      const { row, base } = item;
      sources++;
      batch.push({ name: JOB_NAME, data: { row, base, pipelineHash: hash }, opts: { ...jobOptions, jobId: jobIdFor(hash, row.path) } });
      if (batch.length >= BATCH) {
        await queue.addBulk(batch);
        batch = [];
        options.onProgress?.(sources);
      }
    }
    if (batch.length > 0) await queue.addBulk(batch);
    options.onProgress?.(sources);
    plan.checkNotEmpty();
    await withRedis(t, (c) => c.set(metaKey(t), JSON.stringify({ ...meta, sources })));
    const added = (await jobTotal(queue)) - before;
    return { queue: t.display, pipelineHash: hash, sources, added, alreadyQueued: sources - added, invalidRows };
  } finally {
    await close();
  }
}

/** Stores the meta unless the queue already has one, which must then be for the same pipeline and input. */
async function claimQueue(t: QueueTarget, meta: QueueMeta): Promise<void> {
  await withRedis(t, async (c) => {
    await c.set(metaKey(t), JSON.stringify(meta), 'NX');
    // Null only if `queue remove` ran in between; the meta is written again once the jobs are in.
    const stored = JSON.parse((await c.get(metaKey(t))) ?? JSON.stringify(meta)) as QueueMeta;
    if (stored.pipelineHash !== meta.pipelineHash) {
      throw new BirdcallError(
        'QUEUE_PIPELINE_MISMATCH',
        `${t.display} holds jobs for pipeline ${stored.pipelineHash.slice(0, 12)}, not ${meta.pipelineHash.slice(0, 12)}; ` +
          'use another queue name for another pipeline (or `birdcall queue remove` the old one)',
      );
    }
    if (stored.input !== meta.input) {
      throw new BirdcallError(
        'QUEUE_INPUT_MISMATCH',
        `${t.display} holds jobs for input ${stored.input}, not ${meta.input}; use another queue name`,
      );
    }
  });
}

/** The queue's pipeline, rebuilt from its stored spec, after checking this birdcall computes the same hash. */
export async function queuePipeline(meta: QueueMeta, t: QueueTarget, own?: ResolvedPipeline): Promise<ResolvedPipeline> {
  if (own && pipelineHash(own) !== meta.pipelineHash) {
    throw new BirdcallError(
      'QUEUE_PIPELINE_MISMATCH',
      `the given pipeline hashes to ${pipelineHash(own).slice(0, 12)} but ${t.display} was queued with ` +
        `${meta.pipelineHash.slice(0, 12)}; drop --pipeline/--preset to use the queue's own pipeline`,
    );
  }
  const spec = JSON.parse(meta.specJson) as PipelineSpec;
  const modules = spec.blocks ?? [];
  const pipeline = resolvePipeline(spec, { blocks: await loadBlockModules(modules), modules });
  const hash = pipelineHash(pipeline);
  if (hash !== meta.pipelineHash) {
    throw new BirdcallError(
      'QUEUE_PIPELINE_MISMATCH',
      `this birdcall ${BIRDCALL_VERSION} computes pipeline hash ${hash.slice(0, 12)} for the queue's pipeline, but it was ` +
        `queued as ${meta.pipelineHash.slice(0, 12)} by birdcall ${meta.birdcallVersion}; run the same birdcall version ` +
        'and block modules on every worker',
    );
  }
  return pipeline;
}


export interface QueueStatus {
  queue: string;
  meta?: QueueMeta;
  counts: { waiting: number; active: number; delayed: number; completed: number; failed: number };
  /** Connected worker processes BullMQ knows of. */
  workers: number;
  /** Sources whose jobs failed for good (up to 20), with the reason. */
  failures: { source: string; reason: string }[];
  /** completed + failed over sources, 0..1. */
  progress: number;
}

export async function queueStatus(queue: string | QueueTarget): Promise<QueueStatus> {
  const t = target(queue);
  const meta = await readQueueMeta(t);
  const { queue: q, close } = await openQueue<QueueJobData>(t);
  try {
    const raw = await q.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    const counts = {
      waiting: raw.waiting + raw.prioritized,
      active: raw.active,
      delayed: raw.delayed,
      completed: raw.completed,
      failed: raw.failed,
    };
    const failedJobs = await q.getFailed(0, 19);
    const failures = failedJobs.map((job) => ({ source: job.data?.row?.path ?? job.id ?? '?', reason: job.failedReason ?? '' }));
    const workers = await q.getWorkersCount().catch(() => 0);
    const total = meta?.sources ?? counts.waiting + counts.active + counts.delayed + counts.completed + counts.failed;
    return {
      queue: t.display,
      meta,
      counts,
      workers,
      failures,
      progress: total > 0 ? Math.min(1, (counts.completed + counts.failed) / total) : 0,
    };
  } finally {
    await close();
  }
}

/** Resolves once nothing is waiting, delayed or running; `onStatus` sees each poll. */
export async function waitForQueue(
  queue: string | QueueTarget,
  options: { pollMs?: number; onStatus?: (status: QueueStatus) => void; signal?: AbortSignal } = {},
): Promise<QueueStatus> {
  for (;;) {
    const status = await queueStatus(queue);
    options.onStatus?.(status);
    const { waiting, active, delayed } = status.counts;
    if (waiting + active + delayed === 0) return status;
    if (options.signal?.aborted) throw new BirdcallError('INTERRUPTED', 'stopped waiting for the queue');
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}

export interface FinishOptions {
  queue: string | QueueTarget;
  outDir: string;
  /** Threads for sources finish converts itself (those the workers failed or never got to). */
  jobs?: number;
  /** Build the manifest even though jobs are still waiting or running (they are then converted here). */
  force?: boolean;
  onProgress?: (progress: ConvertProgress) => void;
}

/**
 * Builds the one manifest.csv (and errors.csv, summary.json) of a queued conversion: a plain `convert` over
 * the queue's input into the shared output root, where every source a worker finished is up to date.
 */
export async function finishQueue(options: FinishOptions): Promise<ConvertSummary> {
  const t = target(options.queue);
  const meta = await requireMeta(t);
  const status = await queueStatus(t);
  const pending = status.counts.waiting + status.counts.active + status.counts.delayed;
  if (pending > 0 && !options.force) {
    throw new BirdcallError(
      'QUEUE_NOT_DRAINED',
      `${pending} jobs are still waiting or running on ${t.display}; wait for the workers (or pass --force to convert them here)`,
    );
  }
  const pipeline = await queuePipeline(meta, t);
  return convert({ input: meta.input, outDir: options.outDir, pipeline, jobs: options.jobs, onProgress: options.onProgress });
}

/** Deletes the queue, its jobs and its meta (the outputs stay). */
export async function removeQueue(queue: string | QueueTarget): Promise<void> {
  const t = target(queue);
  const { queue: q, close } = await openQueue(t);
  try {
    await q.obliterate({ force: true });
  } finally {
    await close();
  }
  await withRedis(t, (c) => c.del(metaKey(t)));
}
