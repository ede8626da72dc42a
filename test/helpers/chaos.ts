import { loadPipelineFile } from '../../src/pipeline/pipeline.ts';
import { mulberry32 } from '../../src/random.ts';
import { enqueue, finishQueue, queueStatus } from '../../src/scale/queue.ts';
import { checkOutputs, inputSources, makeInput, slowPipelineFile, spawnWorker, tempDir, type OutputCheck, type Spawned } from './queue.ts';
import { startRedis } from './redis.ts';

/**
 * A chaos run of queue mode on a real Redis (appendonly on): `workers` worker processes convert `files`
 * small WAVs while a random worker is SIGKILLed (and replaced) every `killEveryMs` or so (see `productive`), Redis itself is
 * stopped and started again once, and one worker gets SIGTERM in the middle of a file. Then `queue
 * finish` builds the manifest, which is checked against the disk. Used by test/scale/chaos.test.ts (short)
 * and `npm run bench -- --only chaos` (long).
 */

export interface ChaosOptions {
  files: number;
  workers: number;
  /** Mean time between two worker kills (each waits 0.5x to 1.5x of it). */
  killEveryMs: number;
  /** No more kills after this many (bounds the short run's time: each kill costs a worker start-up). */
  maxKills?: number;
  /** Each file holds its worker this long, so kills land mid-file. */
  holdMs: number;
  /** Lock of a job; a killed worker's job is back after about this. */
  lockMs: number;
  /** How long Redis stays down. */
  redisDownMs: number;
  seed?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface ChaosResult {
  files: number;
  seconds: number;
  workerKills: number;
  /** Kills that landed while the worker was in the middle of a file. */
  killsMidFile: number;
  redisRestarts: number;
  sigterm?: { midFile: boolean; code: number | null; seconds: number };
  /** Workers started in all, replacements included. */
  workersStarted: number;
  /** Jobs that failed for good in the queue (finish then converts their sources itself), and why. */
  failedJobs: number;
  failureReasons: string[];
  /** What `queue finish` did: sources the workers had done, and sources it converted itself. */
  finish: { skipped: number; converted: number; failed: number };
  check: Omit<OutputCheck, 'rows'> & { rows: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when the worker's last file line says it started a file it has not finished. */
function midFile(worker: Spawned): boolean {
  const lines = worker.stderr().split('\n').filter((l) => /^(start|done|failed|will retry) /.test(l));
  return lines.at(-1)?.startsWith('start ') ?? false;
}

/**
 * Only workers that have finished a file since they started are shot: on a loaded machine a new worker can
 * take longer to start than the kill interval, and shooting those would stall the run, not test it.
 */
const productive = (w: Spawned) => /^done /m.test(w.stderr());

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => {});
  const random = mulberry32(options.seed ?? 1);
  const redis = await startRedis({ appendonly: true });
  const workers: Spawned[] = [];
  try {
    const input = makeInput(options.files);
    const outDir = tempDir();
    const url = redis.url('chaos');
    await enqueue({ queue: url, input, pipeline: await loadPipelineFile(slowPipelineFile(options.holdMs)) });
    const lock = ['--lock-duration', String(options.lockMs), '--stalled-interval', String(Math.max(250, options.lockMs / 4))];
    const spawn = (): void => void workers.push(spawnWorker(url, outDir, [...lock, '--grace', '10'], { drained: false }));
    for (let i = 0; i < options.workers; i++) spawn();
    const live = () => workers.filter((w) => w.exitedAt() === undefined && w.child.signalCode === null && w.child.exitCode === null);
    const result: ChaosResult = {
      files: options.files,
      seconds: 0,
      workerKills: 0,
      killsMidFile: 0,
      redisRestarts: 0,
      workersStarted: 0,
      failedJobs: 0,
      failureReasons: [],
      finish: { skipped: 0, converted: 0, failed: 0 },
      check: { rows: 0, duplicateRows: [], missingSources: [], unexpectedSources: [], corrupt: [], strayFiles: [], tempFiles: [] },
    };
    const started = performance.now();
    let nextKill = started + options.killEveryMs * (0.5 + random());
    for (;;) {
      await sleep(100);
      const status = await queueStatus(url).catch(() => undefined);
      if (!status) continue;
      const { completed, failed, waiting, active, delayed } = status.counts;
      if (completed + failed === options.files && waiting + active + delayed === 0) break;
      const doneShare = (completed + failed) / options.files;
      const candidates = live().filter(productive);
      if (result.sigterm === undefined && doneShare >= 0.2) {
        const victim = candidates.find(midFile);
        if (victim) {
          result.sigterm = await sigtermWorker(victim);
          log(`SIGTERM mid-file: exit ${result.sigterm.code} after ${result.sigterm.seconds.toFixed(2)} s`);
          spawn();
          continue;
        }
      }
      if (result.redisRestarts === 0 && doneShare >= 0.4) {
        await redis.down();
        await sleep(options.redisDownMs);
        await redis.up();
        result.redisRestarts++;
        log(`Redis restarted at ${completed}/${options.files} completed`);
        continue;
      }
      if (performance.now() >= nextKill && candidates.length > 0 && result.workerKills < (options.maxKills ?? Infinity)) {
        const victim = candidates[Math.floor(random() * candidates.length)];
        if (midFile(victim)) result.killsMidFile++;
        victim.child.kill('SIGKILL');
        await victim.exited;
        result.workerKills++;
        spawn();
        nextKill = performance.now() + options.killEveryMs * (0.5 + random());
        log(`kill ${result.workerKills} at ${completed}/${options.files} completed`);
      }
    }
    result.seconds = (performance.now() - started) / 1000;
    await Promise.all(live().map((w) => sigtermWorker(w)));
    result.workersStarted = workers.length;
    const end = await queueStatus(url);
    result.failedJobs = end.counts.failed;
    result.failureReasons = [...new Set(end.failures.map((f) => f.reason))];
    const summary = await finishQueue({ queue: url, outDir, jobs: 1 });
    result.finish = { skipped: summary.skipped, converted: summary.converted, failed: summary.failed };
    const check = await checkOutputs(outDir, inputSources(options.files));
    result.check = { ...check, rows: check.rows.length };
    return result;
  } finally {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await redis.stop();
  }
}

async function sigtermWorker(worker: Spawned): Promise<{ midFile: boolean; code: number | null; seconds: number }> {
  const wasMidFile = midFile(worker);
  const sent = performance.now();
  worker.child.kill('SIGTERM');
  const code = await worker.exited;
  return { midFile: wasMidFile, code, seconds: (worker.exitedAt()! - sent) / 1000 };
}
