import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BirdcallError } from '../errors.ts';
import type { Spectrogram } from './types.ts';
import { melFramesInto, melSpectrogramConfig, melSpectrogramOf, type MelSpectrogramConfig, type MelSpectrogramParamsInput } from './mel.ts';
import { paramError } from './params.ts';
import { checkFinite, frameLayout, type Samples, type SpectralOptions } from './stft.ts';

/** A frame range for one worker: the signal and the output live in shared memory. */
export interface MelTask {
  id: number;
  samples: SharedArrayBuffer;
  samplesFloat64: boolean;
  length: number;
  out: SharedArrayBuffer;
  outFloat64: boolean;
  params: MelSpectrogramParamsInput;
  t0: number;
  t1: number;
  /**
   * Optional work sharing: an Int32Array(1) counter in shared memory and a chunk size. When present, the
   * threads take chunks of [t0, t1) in turn (chunk c = Atomics.add(counter, 0, 1)) instead of the thread
   * computing the whole range, so a thread the OS runs less, or a worker still starting, does less.
   */
  counter?: SharedArrayBuffer;
  chunkFrames?: number;
  file?: string;
}

export interface MelTaskResult {
  id: number;
  error?: { reason: string; code?: string; file?: string };
}

const ENTRY = new URL('./mel-worker-entry.mjs', import.meta.url);

/**
 * A small pool of mel worker threads, kept between calls because starting one costs a TypeScript load
 * (hundreds of milliseconds). Idle workers are unref'd so they never keep the process alive.
 */
export class MelWorkerPool {
  private readonly workers: (Worker | undefined)[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 0;
  private nextWorker = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) paramError(`a worker pool needs at least one thread, got ${size}`);
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
    const worker = new Worker(ENTRY);
    worker.unref();
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

/** The process-wide pool (grown when a call asks for more threads than it has). */
function poolFor(threads: number): MelWorkerPool {
  if (!sharedPool || sharedPool.size < threads) {
    void sharedPool?.close();
    sharedPool = new MelWorkerPool(threads);
  }
  return sharedPool;
}

/** Stop the shared worker threads (tests and benchmarks; a CLI process may simply exit). */
export async function closeMelWorkers(): Promise<void> {
  const pool = sharedPool;
  sharedPool = null;
  await pool?.close();
}

/** Below this many frames per thread, a worker's message round trip outweighs its share of the work. */
export const MIN_FRAMES_PER_PART = 2000;

/** Chunks per thread when threads share the frames out (more chunks balance better, each costs a setup). */
const CHUNKS_PER_THREAD = 8;

/**
 * Compute the frame chunks of [t0, t1) that this thread wins from the shared counter, until none is left.
 * Every thread (the caller and each worker) runs this same loop on the same counter.
 */
export function melChunksInto(
  samples: Samples,
  config: MelSpectrogramConfig,
  t0: number,
  t1: number,
  counter: Int32Array,
  chunkFrames: number,
  out: Float32Array | Float64Array,
  file?: string,
): void {
  for (;;) {
    const start = t0 + Atomics.add(counter, 0, 1) * chunkFrames;
    if (start >= t1) return;
    melFramesInto(samples, config, start, Math.min(start + chunkFrames, t1), out, file);
  }
}

export interface ParallelMelOptions extends SpectralOptions {
  /** Threads in total, this one included (default: the machine's available parallelism). */
  jobs?: number;
  /** Fewer frames than this per thread and fewer threads are used (default MIN_FRAMES_PER_PART). */
  minFramesPerPart?: number;
}

/** The signal in shared memory, copied there once unless it already is. */
function shareSamples(samples: Samples): SharedArrayBuffer {
  if (samples.buffer instanceof SharedArrayBuffer && samples.byteOffset === 0) return samples.buffer;
  const buffer = new SharedArrayBuffer(samples.byteLength);
  const view = samples instanceof Float64Array ? new Float64Array(buffer) : new Float32Array(buffer);
  view.set(samples);
  return buffer;
}

/**
 * melSpectrogram on `jobs` threads: this thread and jobs - 1 worker threads take chunks of the frame
 * range in turn from a shared counter, all through melFramesInto on the same shared signal into one
 * shared output. Frame t reads only the samples under it, so the result is identical, value
 * for value, to melSpectrogram's. Worth it for long signals; below about 2000 frames per part the
 * messages cost more than they save, so short signals use fewer threads (see minFramesPerPart).
 */
export async function melSpectrogramParallel(
  samples: Samples,
  params: MelSpectrogramParamsInput = {},
  options: ParallelMelOptions = {},
): Promise<Spectrogram> {
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) paramError(`jobs must be a positive integer, got ${jobs}`);
  const config = melSpectrogramConfig(params);
  const { stft: cfg, filterbank: fb } = config;
  for (const w of fb.warnings) options.warn?.(w);
  checkFinite(samples, options.file);
  const { frames } = frameLayout(samples.length, cfg, options.file);
  if (cfg.center && cfg.nFft > samples.length) {
    options.warn?.(`nFft=${cfg.nFft} is too large for a signal of ${samples.length} samples`);
  }
  const parts = Math.max(1, Math.min(jobs, Math.floor(frames / Math.max(1, options.minFramesPerPart ?? MIN_FRAMES_PER_PART))));
  const float64 = cfg.dtype === 'float64';
  const outBuffer = parts > 1 ? new SharedArrayBuffer(fb.nMels * frames * (float64 ? 8 : 4)) : null;
  const values = outBuffer
    ? float64
      ? new Float64Array(outBuffer)
      : new Float32Array(outBuffer)
    : float64
      ? new Float64Array(fb.nMels * frames)
      : new Float32Array(fb.nMels * frames);
  const tasks: Promise<void>[] = [];
  if (outBuffer) {
    // Frames are shared out in chunks through one atomic counter rather than cut into equal parts up
    // front: on a loaded machine one thread often gets less CPU than another, and on the first call the
    // worker is still loading, so equal parts left the faster thread waiting (see docs/decisions/fft.md).
    const counter = new SharedArrayBuffer(4);
    const chunkFrames = Math.max(1, Math.ceil(frames / (parts * CHUNKS_PER_THREAD)));
    const pool = poolFor(parts - 1);
    const shared = shareSamples(samples);
    for (let p = 1; p < parts; p++) {
      tasks.push(
        pool.run({
          samples: shared,
          samplesFloat64: samples instanceof Float64Array,
          length: samples.length,
          out: outBuffer,
          outFloat64: float64,
          params,
          t0: 0,
          t1: frames,
          counter,
          chunkFrames,
          file: options.file,
        }),
      );
    }
    // this thread takes chunks too while the workers run (or start)
    try {
      melChunksInto(samples, config, 0, frames, new Int32Array(counter), chunkFrames, values, options.file);
    } catch (err) {
      await Promise.allSettled(tasks);
      throw err;
    }
  } else {
    melFramesInto(samples, config, 0, frames, values, options.file);
  }
  await Promise.all(tasks);
  return melSpectrogramOf(values, frames, config);
}
