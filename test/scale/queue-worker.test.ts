import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipelineFile } from '../../src/pipeline/pipeline.ts';
import { enqueue, finishQueue, queueStatus } from '../../src/scale/queue.ts';
import { checkOutputs, inputSources, makeInput, slowPipelineFile, spawnWorker, tempDir, tempFilesUnder, until, type Spawned } from '../helpers/queue.ts';
import { HAVE_REDIS, startRedis, type TestRedis } from '../helpers/redis.ts';

/**
 * `birdcall worker` processes under the faults an operator meets: Redis going away and coming back, and
 * SIGTERM/SIGINT with Redis up, down, and in the middle of a file. Times from signal to exit are printed.
 */

const FILES = 4;
const LOCK = ['--lock-duration', '3000', '--stalled-interval', '1000'];
const NO_STACK = /^\s+at /m;

/** Sends `signal` and resolves with the exit code and the seconds it took. */
async function signalAndTime(worker: Spawned, signal: NodeJS.Signals): Promise<{ code: number | null; seconds: number }> {
  const sent = performance.now();
  worker.child.kill(signal);
  const code = await worker.exited;
  return { code, seconds: (worker.exitedAt()! - sent) / 1000 };
}

const started = (w: Spawned) => () => /^start /m.test(w.stderr());
const times: Record<string, number> = {};

describe.skipIf(!HAVE_REDIS)('birdcall worker under Redis faults and signals', () => {
  let redis: TestRedis;
  let input: string;

  beforeAll(async () => {
    redis = await startRedis({ appendonly: true });
    input = makeInput(FILES);
  });
  afterAll(async () => {
    await redis?.stop();
    if (Object.keys(times).length > 0) console.info(`SIGTERM/SIGINT to exit, seconds: ${JSON.stringify(times)}`);
  });

  it('says once that Redis is gone and once that it is back, prints no stack, and completes every job after a restart', async () => {
    const url = redis.url('restart');
    const outDir = tempDir();
    await enqueue({ queue: url, input, pipeline: await loadPipelineFile(slowPipelineFile(1500)) });
    const worker = spawnWorker(url, outDir, LOCK, { drained: false });
    await until(started(worker), 'a job to start', worker.stderr);
    await redis.down();
    await until(() => /lost Redis/.test(worker.stderr()), 'the lost line', worker.stderr);
    // Long enough for a dozen reconnection attempts, each of which used to print a stack; and for the job's
    // 3 s lock to lapse, so it has to come back through the stalled-job check.
    await new Promise((r) => setTimeout(r, 4000));
    await redis.up();
    await until(() => /is back after/.test(worker.stderr()), 'the back line', worker.stderr);
    for (let done = false; !done; await new Promise((r) => setTimeout(r, 300))) {
      const { counts } = await queueStatus(url);
      done = counts.completed === FILES;
      expect(counts.failed).toBe(0);
    }
    // Redis up, nothing in hand.
    const idle = await signalAndTime(worker, 'SIGTERM');
    times['redis up, idle'] = idle.seconds;
    expect(idle.code, worker.stderr()).toBe(0);
    const log = worker.stderr();
    expect(log.match(/lost Redis at 127\.0\.0\.1:\d+/g)?.length, log).toBe(1);
    expect(log.match(/Redis at 127\.0\.0\.1:\d+ is back after \d+\.\d s/g)?.length, log).toBe(1);
    expect(log).not.toMatch(NO_STACK);
    expect(log).not.toMatch(/ECONNREFUSED/);

    expect(await finishQueue({ queue: url, outDir, jobs: 1 })).toMatchObject({ converted: 0, skipped: FILES, failed: 0 });
    const check = await checkOutputs(outDir, inputSources(FILES));
    expect({ ...check, rows: [] }).toEqual({ rows: [], duplicateRows: [], missingSources: [], unexpectedSources: [], corrupt: [], strayFiles: [], tempFiles: [] });
  }, 120_000);

  it('on SIGTERM mid-file, finishes the file within the grace and exits 0', async () => {
    const url = redis.url('finish-in-grace');
    await enqueue({ queue: url, input, pipeline: await loadPipelineFile(slowPipelineFile(1500)) });
    const worker = spawnWorker(url, tempDir(), [...LOCK, '--grace', '10'], { drained: false });
    await until(started(worker), 'a job to start', worker.stderr);
    const stop = await signalAndTime(worker, 'SIGTERM');
    times['redis up, mid-file, file ends within the grace'] = stop.seconds;
    expect(stop.code, worker.stderr()).toBe(0);
    expect(stop.seconds).toBeLessThan(10);
    // The file in hand finished and no other was taken.
    expect(worker.stderr().match(/^done /gm)?.length, worker.stderr()).toBe(1);
    expect((await queueStatus(url)).counts).toMatchObject({ completed: 1, active: 0, waiting: FILES - 1 });
  }, 60_000);

  it('on SIGINT mid-file, hands back a file that outlasts the grace and exits 0 within it', async () => {
    const url = redis.url('outlast-grace');
    const outDir = tempDir();
    await enqueue({ queue: url, input, pipeline: await loadPipelineFile(slowPipelineFile(30_000)) });
    const worker = spawnWorker(url, outDir, [...LOCK, '--grace', '2'], { drained: false });
    await until(started(worker), 'a job to start', worker.stderr);
    const stop = await signalAndTime(worker, 'SIGINT');
    times['redis up, mid-file, file outlasts a 2 s grace'] = stop.seconds;
    expect(stop.code, worker.stderr()).toBe(0);
    // Bounded by the grace (plus process teardown), not by the 30 s file.
    expect(stop.seconds).toBeLessThan(6);
    expect(worker.stderr()).toMatch(/not finished within the grace; back on the queue/);
    // Back at once, not after its lock lapses; and nothing half-written left behind.
    expect((await queueStatus(url)).counts).toMatchObject({ completed: 0, active: 0, waiting: FILES });
    expect(tempFilesUnder(outDir)).toEqual([]);
  }, 60_000);

  it('exits at once with 143 on a second SIGTERM', async () => {
    const url = redis.url('second-signal');
    await enqueue({ queue: url, input, pipeline: await loadPipelineFile(slowPipelineFile(30_000)) });
    const worker = spawnWorker(url, tempDir(), [...LOCK, '--grace', '20'], { drained: false });
    await until(started(worker), 'a job to start', worker.stderr);
    worker.child.kill('SIGTERM');
    await until(() => /taking no new files/.test(worker.stderr()), 'the stopping line', worker.stderr);
    const second = await signalAndTime(worker, 'SIGTERM');
    times['second SIGTERM'] = second.seconds;
    expect(second.code).toBe(143);
    expect(second.seconds).toBeLessThan(3);
  }, 60_000);

  it('on SIGTERM with Redis down mid-file, exits 0 within the grace; the file returns once Redis does', async () => {
    const url = redis.url('down-mid-file');
    await enqueue({ queue: url, input, pipeline: await loadPipelineFile(slowPipelineFile(30_000)) });
    const worker = spawnWorker(url, tempDir(), [...LOCK, '--grace', '2'], { drained: false });
    await until(started(worker), 'a job to start', worker.stderr);
    await redis.down();
    try {
      await until(() => /lost Redis/.test(worker.stderr()), 'the lost line', worker.stderr);
      const stop = await signalAndTime(worker, 'SIGTERM');
      times['redis down, mid-file, 2 s grace'] = stop.seconds;
      expect(stop.code, worker.stderr()).toBe(0);
      expect(stop.seconds).toBeLessThan(6);
      expect(worker.stderr()).toMatch(/returns to the queue when its lock lapses/);
      expect(worker.stderr()).not.toMatch(NO_STACK);
    } finally {
      await redis.up();
    }
    // Still active in Redis until a live worker's stalled check sees its lock gone.
    expect((await queueStatus(url)).counts).toMatchObject({ completed: 0, active: 1 });
  }, 60_000);
});
