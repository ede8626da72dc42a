import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../../src/batch/convert.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { loadPipelineFile, resolvePipeline, type ResolvedPipeline } from '../../src/pipeline/pipeline.ts';
import { enqueue, finishQueue, jobIdFor, parseQueueUrl, queueStatus, removeQueue } from '../../src/scale/queue.ts';
import { runWorker } from '../../src/scale/queue-worker.ts';
import { freePort, HAVE_REDIS, startRedis, type TestRedis } from '../helpers/redis.ts';
import { checkOutputs, inputSources, makeInput, slowPipelineFile, spawnWorker, tempDir, until } from '../helpers/queue.ts';

const FILES = 8;

/** A quick pipeline for tests that are about the queue, not about killing a worker mid-job. */
function fastPipeline(): ResolvedPipeline {
  return resolvePipeline({
    version: 1,
    steps: [
      { block: 'decode' },
      { block: 'chunk', params: { seconds: 0.5 } },
      { block: 'melspec', params: { nFft: 256, hopLength: 64, nMels: 16 } },
      { block: 'db' },
      { block: 'image' },
    ],
  });
}

/**
 * The clients connected to a Redis other than the one asking, once the count settles at zero or after a few
 * seconds: a client that sent QUIT leaves the server's list just after its reply.
 */
async function otherClients(port: number, password?: string): Promise<string[]> {
  const probe = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, retryStrategy: () => null });
  try {
    await probe.connect();
    const own = String(await probe.client('ID'));
    const deadline = Date.now() + 5000;
    for (;;) {
      const list = String(await probe.client('LIST'));
      const others = list.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(`id=${own} `));
      if (others.length === 0 || Date.now() > deadline) return others;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    probe.disconnect();
  }
}

describe('parseQueueUrl', () => {
  it('takes the queue name from the path and an optional database before it', () => {
    const t = parseQueueUrl('redis://:secret@cache.local:6390/2/birdclef-2024');
    expect(t.name).toBe('birdclef-2024');
    expect(t.redis).toMatchObject({ host: 'cache.local', port: 6390, db: 2, password: 'secret', tls: false });
    expect(t.display).not.toContain('secret');
    expect(parseQueueUrl('rediss://h/q').redis).toMatchObject({ port: 6379, db: 0, tls: true });
  });

  it('refuses a URL without a queue name or with another scheme', () => {
    expect(() => parseQueueUrl('redis://localhost:6379')).toThrow(/name the queue/);
    expect(() => parseQueueUrl('http://localhost/q')).toThrow(/redis:\/\//);
    expect(() => parseQueueUrl('localhost:6379/q')).toThrow();
  });
});

describe('connecting to Redis', () => {
  it('reports a Redis nobody listens on as QUEUE_CONNECT, naming the host and port', async () => {
    const port = await freePort();
    const err: unknown = await queueStatus(`redis://127.0.0.1:${port}/nobody`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'QUEUE_CONNECT' });
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  });
});

describe.skipIf(!HAVE_REDIS)('queue mode on a real Redis', () => {
  let redis: TestRedis;
  let input: string;
  let pipeline: ResolvedPipeline;

  beforeAll(async () => {
    redis = await startRedis();
    input = makeInput(FILES);
    pipeline = await loadPipelineFile(slowPipelineFile(400));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('enqueues one job per source, and enqueuing again adds nothing', async () => {
    const url = redis.url('idempotent');
    const first = await enqueue({ queue: url, input, pipeline });
    expect(first).toMatchObject({ sources: FILES, added: FILES, alreadyQueued: 0 });
    const second = await enqueue({ queue: url, input, pipeline });
    expect(second).toMatchObject({ sources: FILES, added: 0, alreadyQueued: FILES });
    const status = await queueStatus(url);
    expect(status.counts.waiting).toBe(FILES);
    expect(status.meta?.pipelineHash).toBe(first.pipelineHash);
    // The job id depends on the pipeline as well as the path.
    expect(jobIdFor('a', 'x.wav')).not.toBe(jobIdFor('b', 'x.wav'));
  });

  it('refuses a second pipeline on the same queue, and a worker whose pipeline differs', async () => {
    const url = redis.url('mismatch');
    await enqueue({ queue: url, input, pipeline });
    const other = resolvePipeline({ version: 1, steps: [{ block: 'decode' }, { block: 'melspec', params: { nFft: 512 } }, { block: 'db' }, { block: 'npy' }] });
    await expect(enqueue({ queue: url, input, pipeline: other })).rejects.toMatchObject({ code: 'QUEUE_PIPELINE_MISMATCH' });
    await expect(runWorker({ queue: url, outDir: tempDir(), pipeline: other, exitWhenDrained: true })).rejects.toMatchObject({
      code: 'QUEUE_PIPELINE_MISMATCH',
    });
    expect((await queueStatus(url)).counts.waiting).toBe(FILES);
  });

  it('leaves no connection open once enqueue, a drained worker, status, finish and remove return', async () => {
    const url = redis.url('tidy');
    const outDir = tempDir();
    const fast = fastPipeline();
    await enqueue({ queue: url, input, pipeline: fast });
    const worked = await runWorker({ queue: url, outDir, exitWhenDrained: true, concurrency: 2 });
    expect(worked).toMatchObject({ converted: FILES, failed: 0 });
    expect((await queueStatus(url)).counts).toMatchObject({ completed: FILES, active: 0, waiting: 0 });
    expect(await finishQueue({ queue: url, outDir, jobs: 1 })).toMatchObject({ converted: 0, skipped: FILES, failed: 0 });
    await removeQueue(url);
    expect((await queueStatus(url)).meta).toBeUndefined();
    expect(await otherClients(redis.port)).toEqual([]);
  });

  it('keeps working when Redis drops all its connections mid-run: they reconnect and every job completes', async () => {
    const url = redis.url('dropped');
    await enqueue({ queue: url, input, pipeline });
    const admin = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    await admin.connect();
    let dropped: Promise<unknown> | undefined;
    let doneAfterDrop = 0;
    try {
      const summary = await runWorker({
        queue: url,
        outDir: tempDir(),
        exitWhenDrained: true,
        onEvent: (event) => {
          if (event.type !== 'done') return;
          // The hold block keeps each of the remaining jobs busy for 400 ms: the drop lands mid-run.
          if (dropped) void dropped.then(() => doneAfterDrop++);
          else dropped = admin.client('KILL', 'SKIPME', 'yes', 'TYPE', 'normal');
        },
      });
      expect(Number(await dropped)).toBeGreaterThanOrEqual(2);
      expect(doneAfterDrop).toBeGreaterThan(0);
      expect(summary).toMatchObject({ converted: FILES, failed: 0 });
      expect((await queueStatus(url)).counts).toMatchObject({ completed: FILES, failed: 0 });
    } finally {
      admin.disconnect();
    }
    // Without reconnects the worker would wait forever: fail well before the suite's two minutes.
  }, 60_000);

  it('streams WAVs above --stream-above from disk, with the outputs of a plain convert', async () => {
    const url = redis.url('streamed');
    const outDir = tempDir();
    const fast = fastPipeline();
    await enqueue({ queue: url, input, pipeline: fast });
    const worked = await runWorker({ queue: url, outDir, exitWhenDrained: true, streamAbove: 0 });
    expect(worked).toMatchObject({ converted: FILES, failed: 0 });
    const plain = await convert({ input, outDir: tempDir(), pipeline: fast, jobs: 1, streamAbove: Infinity });
    const hashes = async (manifest: string) => new Map((await readOutputManifest(manifest)).map((r) => [`${r.source}#${r.chunkIndex}`, r.outputHashes.png]));
    expect(await finishQueue({ queue: url, outDir, jobs: 1 })).toMatchObject({ skipped: FILES, failed: 0 });
    expect(await hashes(join(outDir, 'manifest.csv'))).toEqual(await hashes(plain.manifestPath));
    await removeQueue(url);
  });

  it("logs in with the URL's password, keeps the queue in the URL's database, and refuses a wrong password", async () => {
    const secured = await startRedis({ password: 'hush/hush' });
    try {
      const url = secured.url('3/locked');
      expect(await enqueue({ queue: url, input, pipeline: fastPipeline() })).toMatchObject({ added: FILES });
      const direct = new Redis({ host: '127.0.0.1', port: secured.port, password: 'hush/hush', db: 3, lazyConnect: true });
      try {
        expect(await direct.exists('bull:locked:birdcall')).toBe(1);
        await direct.select(0);
        expect(await direct.exists('bull:locked:birdcall')).toBe(0);
      } finally {
        direct.disconnect();
      }
      const wrong = `redis://:nope@127.0.0.1:${secured.port}/3/locked`;
      await expect(queueStatus(wrong)).rejects.toMatchObject({ code: 'QUEUE_CONNECT' });
      expect(await otherClients(secured.port, 'hush/hush')).toEqual([]);
    } finally {
      await secured.stop();
    }
  });

  it('recovers the job of a worker killed with SIGKILL: every chunk exactly once, with the right bytes', async () => {
    const url = redis.url('kill');
    const outDir = tempDir();
    await enqueue({ queue: url, input, pipeline });
    const lock = ['--lock-duration', '1500', '--stalled-interval', '500'];

    // The victim takes a job (the hold block keeps it busy for 400 ms) and dies mid-job.
    const victim = spawnWorker(url, outDir, lock);
    await until(() => /^start /m.test(victim.stderr()) || victim.child.exitCode !== null, 'the first worker to start a job', victim.stderr);
    expect(victim.child.exitCode, victim.stderr()).toBeNull();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedSource = /^start (\S+)/m.exec(victim.stderr())![1];
    expect((await queueStatus(url)).counts.active).toBe(1);

    // Two survivors drain the queue, one of them picking up the dead worker's job once its lock lapses.
    const survivors = [spawnWorker(url, outDir, lock), spawnWorker(url, outDir, lock)];
    const codes = await Promise.all(survivors.map((s) => s.exited));
    expect(codes).toEqual([0, 0]);
    const logs = survivors.map((s) => s.stderr()).join('\n');
    expect(logs).toContain(`done ${killedSource}:`);
    expect(survivors.every((s) => /^done /m.test(s.stderr()))).toBe(true);

    const status = await queueStatus(url);
    expect(status.counts).toMatchObject({ completed: FILES, failed: 0, active: 0, waiting: 0 });

    const summary = await finishQueue({ queue: url, outDir, jobs: 1 });
    expect(summary).toMatchObject({ converted: 0, skipped: FILES, failed: 0 });
    const check = await checkOutputs(outDir, inputSources(FILES));
    expect(check.rows.length).toBeGreaterThan(FILES);
    // Exactly the manifest's files on disk: no duplicates under other names, no temp files left.
    expect({ ...check, rows: [] }).toEqual({ rows: [], duplicateRows: [], missingSources: [], unexpectedSources: [], corrupt: [], strayFiles: [], tempFiles: [] });
    const rows = check.rows;

    // The same bytes a plain single-machine convert makes.
    const plain = await convert({ input, outDir: tempDir(), pipeline, jobs: 2 });
    const expected = new Map((await readOutputManifest(plain.manifestPath)).map((r) => [`${r.source}#${r.chunkIndex}`, r.outputHashes.png]));
    expect(new Map(rows.map((r) => [`${r.source}#${r.chunkIndex}`, r.outputHashes.png]))).toEqual(expected);
  });
});
