/**
 * Queue-mode overhead (issue 8, item 4): files/s through Redis + BullMQ with 1, 2 and 4 `birdcall worker`
 * processes, against plain `convert --jobs` on the same input and pipeline, on this machine.
 *
 *   npx tsx bench/queue.ts [INPUT] [--jobs N]     # INPUT defaults to ../shared/data/birdcalls/clips; prints JSON
 *
 * Each queue run gets a fresh queue and output folder. Two figures per run:
 *  - `filesPerSecond`: from spawning the workers to the queue drained, process start-up included (what a
 *    user waits for);
 *  - `steadyFilesPerSecond`: from the first job started to the last one done (the queue's own cost).
 * `ratio` = convert's files/s over the queue's steady files/s: 1.0 means no overhead. On a shared, loaded
 * machine wall times are noisy; compare runs made back to back.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert } from '../src/batch/convert.ts';
import { presetPipeline } from '../src/pipeline/pipeline.ts';
import { enqueue, removeQueue } from '../src/scale/queue.ts';
import { startRedis } from '../test/helpers/redis.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface QueueRun {
  workers: number;
  files: number;
  seconds: number;
  filesPerSecond: number;
  steadySeconds: number;
  steadyFilesPerSecond: number;
  /** convert files/s over steady queue files/s with as many workers as convert had jobs, else undefined. */
  ratio?: number;
}

export interface QueueBenchResult {
  input: string;
  preset: string;
  cpus: number;
  convert: { jobs: number; files: number; seconds: number; filesPerSecond: number };
  queue: QueueRun[];
}

function runWorkers(url: string, outDir: string, count: number): Promise<{ seconds: number; steadySeconds: number }> {
  const started = performance.now();
  let firstStart = Infinity;
  let lastDone = 0;
  const exits = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'birdcall.js'), 'worker', '--queue', url, '-o', outDir, '--exit-when-drained', '--verbose'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (data: Buffer) => {
      const now = performance.now();
      for (const line of data.toString().split('\n')) {
        if (line.startsWith('start ')) firstStart = Math.min(firstStart, now);
        if (line.startsWith('done ')) lastDone = Math.max(lastDone, now);
      }
    });
    return new Promise<void>((resolveExit, reject) =>
      child.once('exit', (code) => (code === 0 ? resolveExit() : reject(new Error(`worker exited with ${code}`)))),
    );
  });
  return Promise.all(exits).then(() => ({ seconds: (lastDone - started) / 1000, steadySeconds: (lastDone - firstStart) / 1000 }));
}

export async function benchQueue(
  options: { input?: string; preset?: string; jobs?: number; workerCounts?: number[] } = {},
): Promise<QueueBenchResult> {
  const input = resolve(options.input ?? join(ROOT, '..', 'shared', 'data', 'birdcalls', 'clips'));
  const preset = options.preset ?? 'default';
  const jobs = options.jobs ?? 2;
  const pipeline = presetPipeline(preset);
  const redis = await startRedis();
  const scratch = mkdtempSync(join(tmpdir(), 'birdcall-bench-queue-'));
  try {
    const plain = await convert({ input, outDir: join(scratch, 'convert'), pipeline, jobs });
    const convertRun = { jobs, files: plain.files, seconds: plain.elapsedSeconds, filesPerSecond: plain.filesPerSecond };
    const queue: QueueRun[] = [];
    for (const workers of options.workerCounts ?? [1, 2, 4]) {
      const url = redis.url(`bench-${workers}`);
      const { sources } = await enqueue({ queue: url, input, pipeline });
      const timing = await runWorkers(url, join(scratch, `queue-${workers}`), workers);
      await removeQueue(url);
      const steadyFilesPerSecond = sources / timing.steadySeconds;
      queue.push({
        workers,
        files: sources,
        seconds: timing.seconds,
        filesPerSecond: sources / timing.seconds,
        steadySeconds: timing.steadySeconds,
        steadyFilesPerSecond,
        ratio: workers === jobs ? convertRun.filesPerSecond / steadyFilesPerSecond : undefined,
      });
    }
    return { input, preset, cpus: (await import('node:os')).availableParallelism(), convert: convertRun, queue };
  } finally {
    await redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const jobsAt = args.indexOf('--jobs');
  const jobs = jobsAt >= 0 ? Number(args[jobsAt + 1]) : undefined;
  const input = args.find((a, i) => !a.startsWith('--') && (jobsAt < 0 || i !== jobsAt + 1));
  const result = await benchQueue({ input, jobs });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
