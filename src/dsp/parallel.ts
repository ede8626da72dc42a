import { availableParallelism } from 'node:os';
import { BirdcallError } from '../errors.ts';
import type { Spectrogram } from './types.ts';
import { melFramesInto, melSpectrogramConfig, melSpectrogramOf, type MelSpectrogramConfig, type MelSpectrogramParamsInput } from './mel.ts';
import { paramError } from '../params.ts';
import { checkFinite, frameLayout, type Samples, type SpectralOptions } from './stft.ts';
import { poolFor } from './mel-pool.ts';

// The pool lives in mel-pool.ts (no zod, no DSP: `birdcall melspec` starts its threads before loading them).
export { closeMelWorkers, MelWorkerPool, warmMelWorkers } from './mel-pool.ts';

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
  /**
   * Optional Int32Array(2) in shared memory while the caller is still copying the signal in: [0] samples
   * copied so far, [1] non-zero to stop (a non-finite sample was found). A chunk waits until its samples
   * are in, so the workers start computing while the copy runs instead of after it.
   */
  ready?: SharedArrayBuffer;
  file?: string;
}

export interface MelTaskResult {
  id: number;
  error?: { reason: string; code?: string; file?: string };
}

/** Below this many frames per thread, a worker's message round trip outweighs its share of the work. */
export const MIN_FRAMES_PER_PART = 2000;

/** Chunks per thread when threads share the frames out (more chunks balance better, each costs a setup). */
const CHUNKS_PER_THREAD = 8;

/**
 * Compute the frame chunks of [t0, t1) that this thread wins from the shared counter, until none is left.
 * Every thread (the caller and each worker) runs this same loop on the same counter. With `ready` (see
 * MelTask.ready) a chunk first waits until the samples under it are copied in, and the loop stops when
 * [1] is set; only worker threads may wait (Atomics.wait), so the caller passes it only once all is in.
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
  ready?: Int32Array,
): void {
  const { hopLength, nFft } = config.stft;
  for (;;) {
    const start = t0 + Atomics.add(counter, 0, 1) * chunkFrames;
    if (start >= t1) return;
    const end = Math.min(start + chunkFrames, t1);
    if (ready) {
      // the last frame of the chunk reads no sample at or beyond (end - 1) * hop + nFft (centred or not)
      const needed = Math.min(samples.length, (end - 1) * hopLength + nFft);
      for (;;) {
        if (Atomics.load(ready, 1) !== 0) return;
        const copied = Atomics.load(ready, 0);
        if (copied >= needed) break;
        Atomics.wait(ready, 0, copied, 100);
      }
    }
    melFramesInto(samples, config, start, end, out, file);
  }
}

export interface ParallelMelOptions extends SpectralOptions {
  /** Threads in total, this one included (default: the machine's available parallelism). */
  jobs?: number;
  /** Fewer frames than this per thread and fewer threads are used (default MIN_FRAMES_PER_PART). */
  minFramesPerPart?: number;
  /**
   * How worker threads start: 'bundle' (default; the esbuild bundle, tsx fallback when it cannot be
   * built) or 'tsx' (the TypeScript worker through tsx; benchmarks compare the two).
   */
  workers?: 'bundle' | 'tsx';
}

/** Samples copied per step of copyFiniteInto (4 MB of float32): small next to a 10-minute file. */
const COPY_STEP = 1 << 20;

/**
 * Copy the signal into shared memory step by step, checking for non-finite samples in the same pass and
 * publishing progress in ready[0] (waking waiting workers), so the workers compute the chunks already
 * copied while the rest is copied. Serially, checkFinite (about 90 ms on a 10-minute file) and the copy
 * (about 65 ms, mostly page faults) took a fifth of a two-thread run and capped the speed-up near 1.7x
 * (docs/decisions/fft.md). `v - v === 0` is false exactly for NaN and +-Infinity. Returns false on a
 * non-finite sample (runShared then stops the workers).
 */
function copyFiniteInto(samples: Samples, view: Float32Array | Float64Array, ready: Int32Array): boolean {
  const n = samples.length;
  for (let from = 0; from < n; from += COPY_STEP) {
    const to = Math.min(n, from + COPY_STEP);
    let bad = false;
    for (let i = from; i < to; i++) {
      const v = samples[i];
      view[i] = v;
      if (!(v - v === 0)) bad = true;
    }
    if (bad) return false;
    Atomics.store(ready, 0, to);
    Atomics.notify(ready, 0);
  }
  return true;
}

/** Whether the signal has a non-finite sample, in the fast form of checkFinite's test. */
function hasNonFinite(samples: Samples): boolean {
  let bad = false;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (!(v - v === 0)) bad = true;
  }
  return bad;
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
  const plan = planParallel(samples.length, params, options, () => checkFinite(samples, options.file));
  const { config, frames, parts } = plan;
  // Several threads: a signal not yet in shared memory is checked while it is copied there (below),
  // with the workers already computing; a shared one is checked here, as is a one-thread call.
  const alreadyShared = samples.buffer instanceof SharedArrayBuffer && samples.byteOffset === 0;
  if (parts === 1) checkFinite(samples, options.file);
  else if (alreadyShared && hasNonFinite(samples)) checkFinite(samples, options.file);
  warnTooShort(config, samples.length, options);
  if (parts === 1) {
    const values = plan.float64 ? new Float64Array(config.filterbank.nMels * frames) : new Float32Array(config.filterbank.nMels * frames);
    melFramesInto(samples, config, 0, frames, values, options.file);
    return melSpectrogramOf(values, frames, config);
  }
  const shared = alreadyShared ? (samples.buffer as SharedArrayBuffer) : new SharedArrayBuffer(samples.byteLength);
  const view = samples instanceof Float64Array ? new Float64Array(shared, 0, samples.length) : new Float32Array(shared, 0, samples.length);
  const mel = await runShared(plan, params, options, view, async (ready) => {
    if (!alreadyShared) return copyFiniteInto(samples, view, ready);
    ready[0] = samples.length;
    return true;
  });
  if (!mel) checkFinite(samples, options.file);
  return mel!;
}

function warnTooShort(config: MelSpectrogramConfig, length: number, options: ParallelMelOptions): void {
  const cfg = config.stft;
  if (cfg.center && cfg.nFft > length) options.warn?.(`nFft=${cfg.nFft} is too large for a signal of ${length} samples`);
}

/**
 * melSpectrogramParallel of a signal that arrives in float32 blocks (a WAV file read piece by piece) and is
 * `length` samples long: the workers compute the frames whose samples are in while this thread reads the
 * rest, then this thread computes too. Same values as melSpectrogram of the blocks joined. A source that
 * yields fewer samples than `length` (a file cut short after its header was read) is computed as the
 * samples it gave. `finite` says the blocks hold no NaN or infinity (a WAV decoder's, which replaces them by
 * 0): they are then copied without the check.
 */
export async function melSpectrogramParallelBlocks(
  length: number,
  blocks: AsyncIterable<Float32Array>,
  params: MelSpectrogramParamsInput = {},
  options: ParallelMelOptions & { finite?: boolean } = {},
): Promise<Spectrogram> {
  const view = new Float32Array(new SharedArrayBuffer(4 * length));
  let filled = 0;
  const append = (block: Float32Array): void => {
    const next = appendBlock(view, filled, block, options.finite === true);
    if (next < 0) checkFinite(view.subarray(0, filled + block.length), options.file);
    filled = next;
  };
  const plan = planParallel(length, params, options, () => {});
  if (plan.parts === 1) {
    for await (const block of blocks) append(block);
    return melSpectrogramParallel(view.subarray(0, filled), params, options);
  }
  const mel = await runShared(plan, params, options, view, async (ready) => {
    for await (const block of blocks) {
      append(block);
      Atomics.store(ready, 0, filled);
      Atomics.notify(ready, 0);
    }
    return filled === length;
  });
  if (mel) warnTooShort(plan.config, length, options);
  return mel ?? melSpectrogramParallel(view.subarray(0, filled), params, options);
}

/**
 * Appends a block at `filled` in one pass that also checks it (as copyFiniteInto) unless it is known
 * `finite`: returns the new fill, or -1 when the block holds a non-finite sample. A block beyond the
 * announced length is refused.
 */
function appendBlock(view: Float32Array, filled: number, block: Float32Array, finite: boolean): number {
  const n = block.length;
  if (filled + n > view.length) throw new BirdcallError('INTERNAL', `the signal is longer than the ${view.length} samples announced`);
  if (finite) {
    view.set(block, filled);
    return filled + n;
  }
  let bad = false;
  for (let i = 0; i < n; i++) {
    const v = block[i];
    view[filled + i] = v;
    if (!(v - v === 0)) bad = true;
  }
  return bad ? -1 : filled + n;
}

function stopWorkers(ready: Int32Array): void {
  Atomics.store(ready, 1, 1);
  Atomics.notify(ready, 0);
}

interface ParallelPlan {
  config: MelSpectrogramConfig;
  frames: number;
  parts: number;
  float64: boolean;
}

/** The configuration, frame count and thread count of a parallel call (warnings reported once here). */
function planParallel(length: number, params: MelSpectrogramParamsInput, options: ParallelMelOptions, reportNonFinite: () => void): ParallelPlan {
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) paramError(`jobs must be a positive integer, got ${jobs}`);
  const config = melSpectrogramConfig(params);
  const { stft: cfg, filterbank: fb } = config;
  for (const w of fb.warnings) options.warn?.(w);
  let frames: number;
  try {
    frames = frameLayout(length, cfg, options.file).frames;
  } catch (err) {
    // a non-finite sample is reported first, as melSpectrogram does
    reportNonFinite();
    throw err;
  }
  const parts = Math.max(1, Math.min(jobs, Math.floor(frames / Math.max(1, options.minFramesPerPart ?? MIN_FRAMES_PER_PART))));
  return { config, frames, parts, float64: cfg.dtype === 'float64' };
}

/**
 * Runs a parallel plan on `view`, a signal in shared memory that `fill` puts there: fill publishes how many
 * samples are in (ready[0]) as it goes and returns false when the workers must stop (a non-finite sample,
 * a signal cut short); runShared then stops them and returns undefined, for the caller to report.
 * Frames are shared out in chunks through one atomic counter rather than cut into equal parts up front: on
 * a loaded machine one thread often gets less CPU than another, and on the first call the worker is still
 * loading, so equal parts left the faster thread waiting (see docs/decisions/fft.md).
 */
async function runShared(
  plan: ParallelPlan,
  params: MelSpectrogramParamsInput,
  options: ParallelMelOptions,
  view: Float32Array | Float64Array,
  fill: (ready: Int32Array) => Promise<boolean>,
): Promise<Spectrogram | undefined> {
  const { config, frames, parts, float64 } = plan;
  const outBuffer = new SharedArrayBuffer(config.filterbank.nMels * frames * (float64 ? 8 : 4));
  const values = float64 ? new Float64Array(outBuffer) : new Float32Array(outBuffer);
  const counter = new SharedArrayBuffer(4);
  const chunkFrames = Math.max(1, Math.ceil(frames / (parts * CHUNKS_PER_THREAD)));
  const pool = poolFor(parts - 1, options.workers);
  const readyBuffer = new SharedArrayBuffer(8);
  const ready = new Int32Array(readyBuffer);
  const task = {
    samples: view.buffer as SharedArrayBuffer,
    samplesFloat64: view instanceof Float64Array,
    length: view.length,
    out: outBuffer,
    outFloat64: float64,
    params,
    t0: 0,
    t1: frames,
    counter,
    chunkFrames,
    ready: readyBuffer,
    file: options.file,
  };
  const tasks = Array.from({ length: parts - 1 }, () => pool.run(task));
  const stop = async (): Promise<void> => {
    stopWorkers(ready);
    await Promise.allSettled(tasks);
  };
  try {
    if (!(await fill(ready))) {
      await stop();
      return undefined;
    }
    // this thread takes chunks too while the workers run (or start)
    melChunksInto(view, config, 0, frames, new Int32Array(counter), chunkFrames, values, options.file);
  } catch (err) {
    await stop();
    throw err;
  }
  await Promise.all(tasks);
  return melSpectrogramOf(values, frames, config);
}
