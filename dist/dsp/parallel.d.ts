import type { Spectrogram } from './types.ts';
import { type MelSpectrogramConfig, type MelSpectrogramParamsInput } from './mel.ts';
import { type Samples, type SpectralOptions } from './stft.ts';
import { type WorkerEntry } from '../worker-bundle.ts';
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
    error?: {
        reason: string;
        code?: string;
        file?: string;
    };
}
/**
 * A small pool of mel worker threads, kept between calls because starting one costs 0.2 s (the esbuild
 * bundle, see worker-bundle.ts) to 1 s of CPU (the tsx fallback). Idle workers are unref'd so they
 * never keep the process alive.
 */
export declare class MelWorkerPool {
    readonly size: number;
    private readonly workers;
    private readonly pending;
    private nextId;
    private nextWorker;
    /** How the workers start: the bundled plain-JS worker, or the TypeScript one through tsx. */
    readonly entry: WorkerEntry;
    constructor(size: number, options?: {
        entry?: 'bundle' | 'tsx';
    });
    /**
     * Start every worker now, without a task, so their start-up overlaps whatever this thread does next
     * (reading and decoding the file); a task posted later waits in the worker's queue if it is not ready.
     */
    warm(): void;
    /** Run one task on the next worker (round robin; callers give each worker one task at a time). */
    run(task: Omit<MelTask, 'id'>): Promise<void>;
    /** Stop every worker; pending tasks fail. */
    close(): Promise<void>;
    private worker;
    private failAll;
}
/**
 * Start the shared pool's workers for a later melSpectrogramParallel({ jobs }) now, e.g. before reading
 * and decoding the audio, so the first parallel call finds them running. Costs nothing if they are.
 */
export declare function warmMelWorkers(jobs?: number): void;
/** Stop the shared worker threads (tests and benchmarks; a CLI process may simply exit). */
export declare function closeMelWorkers(): Promise<void>;
/** Below this many frames per thread, a worker's message round trip outweighs its share of the work. */
export declare const MIN_FRAMES_PER_PART = 2000;
/**
 * Compute the frame chunks of [t0, t1) that this thread wins from the shared counter, until none is left.
 * Every thread (the caller and each worker) runs this same loop on the same counter. With `ready` (see
 * MelTask.ready) a chunk first waits until the samples under it are copied in, and the loop stops when
 * [1] is set; only worker threads may wait (Atomics.wait), so the caller passes it only once all is in.
 */
export declare function melChunksInto(samples: Samples, config: MelSpectrogramConfig, t0: number, t1: number, counter: Int32Array, chunkFrames: number, out: Float32Array | Float64Array, file?: string, ready?: Int32Array): void;
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
/**
 * melSpectrogram on `jobs` threads: this thread and jobs - 1 worker threads take chunks of the frame
 * range in turn from a shared counter, all through melFramesInto on the same shared signal into one
 * shared output. Frame t reads only the samples under it, so the result is identical, value
 * for value, to melSpectrogram's. Worth it for long signals; below about 2000 frames per part the
 * messages cost more than they save, so short signals use fewer threads (see minFramesPerPart).
 */
export declare function melSpectrogramParallel(samples: Samples, params?: MelSpectrogramParamsInput, options?: ParallelMelOptions): Promise<Spectrogram>;
