/**
 * Queue-mode load and overhead (issues 8 and 19): N small jobs through Redis + BullMQ with 1, 2 and 4
 * `birdcall worker` processes, each against plain `convert --jobs` with as many threads, run back to back
 * on the same files and pipeline; plus Redis's peak memory for the queue.
 *
 *   npx tsx bench/queue.ts [INPUT] [--files N] [--workers 1,2,4]   # default: one 1 s WAV under 10,000 names; prints JSON
 *
 * Each queue run gets a fresh Redis (so used_memory_peak is the queue's own), queue and output folder.
 *  - `filesPerSecond`: from spawning the workers to the queue drained, process start-up included;
 *  - `steadyFilesPerSecond`: from the first job started to the last one done (the queue's own cost);
 *  - `ratio` = convert's files/s over the queue's steady files/s at the same parallelism: 1.0 = no overhead.
 * The load average is recorded beside each run: on a shared machine wall times are noisy.
 */
import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { encodeWav } from '../src/audio/wav-encode.ts';
import { convert } from '../src/batch/convert.ts';
import { presetPipeline } from '../src/pipeline/pipeline.ts';
import { enqueue } from '../src/scale/queue.ts';
import { startRedis } from '../test/helpers/redis.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface QueueRun {
  workers: number;
  files: number;
  enqueueSeconds: number;
  seconds: number;
  filesPerSecond: number;
  steadySeconds: number;
  steadyFilesPerSecond: number;
  /** Redis INFO memory used_memory_peak after the run, bytes (fresh server per run). */
  redisPeakBytes: number;
  convert: { jobs: number; seconds: number; filesPerSecond: number; loadavg: number[] };
  /** convert files/s over the queue's steady files/s at the same parallelism. */
  ratio: number;
  loadavg: number[];
}

export interface QueueBenchResult {
  input: string;
  preset: string;
  cpus: number;
  queue: QueueRun[];
}

/** One 1 s WAV at 32 kHz linked under `files` names: as many jobs as wanted for the cost of one file. */
function sameFileInput(files: number): string {
  const root = mkdtempSync(join(tmpdir(), 'birdcall-bench-load-'));
  const folder = join(root, 'wren');
  mkdirSync(folder, { recursive: true });
  const samples = new Float32Array(32_000);
  for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 2500 * i) / 32_000) * Math.sin((Math.PI * i) / samples.length);
  const first = join(folder, 'clip00000.wav');
  writeFileSync(first, encodeWav(samples, 32_000));
  for (let i = 1; i < files; i++) linkSync(first, join(folder, `clip${String(i).padStart(5, '0')}.wav`));
  return root;
}

async function redisPeakBytes(port: number): Promise<number> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  try {
    await client.connect();
    return Number(/used_memory_peak:(\d+)/.exec(await client.info('memory'))?.[1] ?? NaN);
  } finally {
    client.disconnect();
  }
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
    let tail = '';
    child.stderr.on('data', (data: Buffer) => {
      const now = performance.now();
      tail = (tail + data.toString()).slice(-2000);
      for (const line of data.toString().split('\n')) {
        if (line.startsWith('start ')) firstStart = Math.min(firstStart, now);
        if (line.startsWith('done ')) lastDone = Math.max(lastDone, now);
      }
    });
    return new Promise<void>((resolveExit, reject) =>
      child.once('exit', (code) => (code === 0 ? resolveExit() : reject(new Error(`worker exited with ${code}: ${tail}`)))),
    );
  });
  return Promise.all(exits).then(() => ({ seconds: (lastDone - started) / 1000, steadySeconds: (lastDone - firstStart) / 1000 }));
}

export async function benchQueue(
  options: { input?: string; files?: number; preset?: string; workerCounts?: number[] } = {},
): Promise<QueueBenchResult> {
  const made = options.input === undefined ? sameFileInput(options.files ?? 10_000) : undefined;
  const input = resolve(options.input ?? made!);
  const preset = options.preset ?? 'default';
  const pipeline = presetPipeline(preset);
  const scratch = mkdtempSync(join(tmpdir(), 'birdcall-bench-queue-'));
  try {
    const queue: QueueRun[] = [];
    for (const workers of options.workerCounts ?? [1, 2, 4]) {
      // Plain convert first, then the queue, at the same parallelism, back to back.
      const plain = await convert({ input, outDir: join(scratch, `convert-${workers}`), pipeline, jobs: workers });
      const convertRun = { jobs: workers, seconds: plain.elapsedSeconds, filesPerSecond: plain.filesPerSecond, loadavg: loadavg() };
      const redis = await startRedis();
      try {
        const url = redis.url(`bench-${workers}`);
        const t0 = performance.now();
        const { sources } = await enqueue({ queue: url, input, pipeline });
        const enqueueSeconds = (performance.now() - t0) / 1000;
        const timing = await runWorkers(url, join(scratch, `queue-${workers}`), workers);
        const steadyFilesPerSecond = sources / timing.steadySeconds;
        queue.push({
          workers,
          files: sources,
          enqueueSeconds,
          seconds: timing.seconds,
          filesPerSecond: sources / timing.seconds,
          steadySeconds: timing.steadySeconds,
          steadyFilesPerSecond,
          redisPeakBytes: await redisPeakBytes(redis.port),
          convert: convertRun,
          ratio: convertRun.filesPerSecond / steadyFilesPerSecond,
          loadavg: loadavg(),
        });
      } finally {
        await redis.stop();
      }
      rmSync(join(scratch, `convert-${workers}`), { recursive: true, force: true });
      rmSync(join(scratch, `queue-${workers}`), { recursive: true, force: true });
    }
    return { input: made === undefined ? input : `one 1 s WAV under ${options.files ?? 10_000} names`, preset, cpus: availableParallelism(), queue };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    if (made !== undefined) rmSync(made, { recursive: true, force: true });
  }
}

/** One line per worker count, for the bench report. */
export function formatQueueRun(r: QueueRun): string {
  return (
    `${r.workers} worker(s): ${r.files} jobs, ${r.steadyFilesPerSecond.toFixed(1)} jobs/s steady (${r.filesPerSecond.toFixed(1)} with start-up; ` +
    `enqueue ${r.enqueueSeconds.toFixed(1)} s); convert --jobs ${r.workers}: ${r.convert.filesPerSecond.toFixed(1)} files/s; ` +
    `ratio ${r.ratio.toFixed(2)}; Redis peak ${(r.redisPeakBytes / 2 ** 20).toFixed(1)} MiB; load ${r.loadavg.map((x) => x.toFixed(1)).join(' ')}`
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const valueOf = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const files = valueOf('--files') === undefined ? undefined : Number(valueOf('--files'));
  const workerCounts = valueOf('--workers')?.split(',').map(Number);
  const input = args.find((a, i) => !a.startsWith('--') && !['--files', '--workers'].includes(args[i - 1] ?? ''));
  const result = await benchQueue({ input, files, workerCounts });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
