import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BirdcallError } from '../errors.ts';
import { melWorkerEntry, type WorkerEntry } from '../worker-bundle.ts';
import type { MelTask, MelTaskResult } from './parallel.ts';

/**
 * A small pool of mel worker threads, kept between calls because starting one costs 0.2 s (the esbuild
 * bundle, see worker-bundle.ts) to 1 s of CPU (the tsx fallback). Idle workers are unref'd so they
 * never keep the process alive.
 */
export class MelWorkerPool {
  private readonly workers: (Worker | undefined)[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 0;
  private nextWorker = 0;
  /** How the workers start: the bundled plain-JS worker, or the TypeScript one through tsx. */
  readonly entry: WorkerEntry;

  constructor(
    readonly size: number,
    options: { entry?: 'bundle' | 'tsx' } = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new BirdcallError('PARAM_INVALID', `a worker pool needs at least one thread, got ${size}`);
    this.entry = melWorkerEntry(options.entry ?? 'bundle');
  }

  /**
   * Start every worker now, without a task, so their start-up overlaps whatever this thread does next
   * (reading and decoding the file); a task posted later waits in the worker's queue if it is not ready.
   */
  warm(): void {
    for (let i = 0; i < this.size; i++) this.worker(i);
  }

  /** Run one task on the next worker (round robin; callers give each worker one task at a time). */
  run(task: Omit<MelTask, 'id'>): Promise<void> {
    const worker = this.worker(this.nextWorker++ % this.size);
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      worker.ref();
      worker.postMessage({ ...task, id } satisfies MelTask);
    });
  }

  /** Stop every worker; pending tasks fail. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0).filter((w): w is Worker => w !== undefined);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private worker(index: number): Worker {
    const existing = this.workers[index];
    if (existing) return existing;
    const { url, execArgv } = this.entry;
    const worker = execArgv ? new Worker(url, { execArgv }) : new Worker(url);
    worker.on('message', (result: MelTaskResult) => {
      const job = this.pending.get(result.id);
      if (!job) return;
      this.pending.delete(result.id);
      if (![...this.pending.values()].some((p) => p.worker === worker)) worker.unref();
      if (result.error) job.reject(new BirdcallError(result.error.code ?? 'WORKER_FAILED', result.error.reason, result.error.file));
      else job.resolve();
    });
    worker.on('error', (err) => this.failAll(worker, err));
    worker.on('exit', (code) => this.failAll(worker, new Error(`mel worker exited with code ${code}`)));
    // After the listeners: the first 'message' listener refs the worker's port, which would keep the process
    // alive when a warmed worker never gets a task.
    worker.unref();
    this.workers[index] = worker;
    return worker;
  }

  private failAll(worker: Worker, err: Error): void {
    for (const [id, job] of this.pending) {
      if (job.worker !== worker) continue;
      this.pending.delete(id);
      job.reject(err);
    }
    // a dead worker's slot is refilled on next use
    const i = this.workers.indexOf(worker);
    if (i >= 0) this.workers[i] = undefined;
  }
}

let sharedPool: MelWorkerPool | null = null;

/** The process-wide pool (replaced when a call asks for more threads, or another worker entry). */
export function poolFor(threads: number, entry: 'bundle' | 'tsx' = 'bundle'): MelWorkerPool {
  const wantBundle = entry === 'bundle' && melWorkerEntry().bundled;
  if (!sharedPool || sharedPool.size < threads || sharedPool.entry.bundled !== wantBundle) {
    void sharedPool?.close();
    sharedPool = new MelWorkerPool(threads, { entry });
  }
  return sharedPool;
}

/**
 * Start the shared pool's workers for a later melSpectrogramParallel({ jobs }) now, e.g. before reading
 * and decoding the audio, so the first parallel call finds them running. Costs nothing if they are.
 */
export function warmMelWorkers(jobs: number = availableParallelism()): void {
  if (!Number.isInteger(jobs) || jobs < 1) throw new BirdcallError('PARAM_INVALID', `jobs must be a positive integer, got ${jobs}`);
  if (jobs > 1) poolFor(jobs - 1).warm();
}

/** Stop the shared worker threads (tests and benchmarks; a CLI process may simply exit). */
export async function closeMelWorkers(): Promise<void> {
  const pool = sharedPool;
  sharedPool = null;
  await pool?.close();
}

