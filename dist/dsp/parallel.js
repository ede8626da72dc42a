import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BirdcallError } from "../errors.js";
import { melFramesInto, melSpectrogramConfig, melSpectrogramOf } from "./mel.js";
import { paramError } from "../params.js";
import { checkFinite, frameLayout } from "./stft.js";
import { melWorkerEntry } from "../worker-bundle.js";
/**
 * A small pool of mel worker threads, kept between calls because starting one costs 0.2 s (the esbuild
 * bundle, see worker-bundle.ts) to 1 s of CPU (the tsx fallback). Idle workers are unref'd so they
 * never keep the process alive.
 */
export class MelWorkerPool {
    size;
    workers = [];
    pending = new Map();
    nextId = 0;
    nextWorker = 0;
    /** How the workers start: the bundled plain-JS worker, or the TypeScript one through tsx. */
    entry;
    constructor(size, options = {}) {
        this.size = size;
        if (!Number.isInteger(size) || size < 1)
            paramError(`a worker pool needs at least one thread, got ${size}`);
        this.entry = melWorkerEntry(options.entry ?? 'bundle');
    }
    /**
     * Start every worker now, without a task, so their start-up overlaps whatever this thread does next
     * (reading and decoding the file); a task posted later waits in the worker's queue if it is not ready.
     */
    warm() {
        for (let i = 0; i < this.size; i++)
            this.worker(i);
    }
    /** Run one task on the next worker (round robin; callers give each worker one task at a time). */
    run(task) {
        const worker = this.worker(this.nextWorker++ % this.size);
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject, worker });
            worker.ref();
            worker.postMessage({ ...task, id });
        });
    }
    /** Stop every worker; pending tasks fail. */
    async close() {
        const workers = this.workers.splice(0).filter((w) => w !== undefined);
        await Promise.all(workers.map((w) => w.terminate()));
    }
    worker(index) {
        const existing = this.workers[index];
        if (existing)
            return existing;
        const { url, execArgv } = this.entry;
        const worker = execArgv ? new Worker(url, { execArgv }) : new Worker(url);
        worker.unref();
        worker.on('message', (result) => {
            const job = this.pending.get(result.id);
            if (!job)
                return;
            this.pending.delete(result.id);
            if (![...this.pending.values()].some((p) => p.worker === worker))
                worker.unref();
            if (result.error)
                job.reject(new BirdcallError(result.error.code ?? 'WORKER_FAILED', result.error.reason, result.error.file));
            else
                job.resolve();
        });
        worker.on('error', (err) => this.failAll(worker, err));
        worker.on('exit', (code) => this.failAll(worker, new Error(`mel worker exited with code ${code}`)));
        this.workers[index] = worker;
        return worker;
    }
    failAll(worker, err) {
        for (const [id, job] of this.pending) {
            if (job.worker !== worker)
                continue;
            this.pending.delete(id);
            job.reject(err);
        }
        // a dead worker's slot is refilled on next use
        const i = this.workers.indexOf(worker);
        if (i >= 0)
            this.workers[i] = undefined;
    }
}
let sharedPool = null;
/** The process-wide pool (replaced when a call asks for more threads, or another worker entry). */
function poolFor(threads, entry = 'bundle') {
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
export function warmMelWorkers(jobs = availableParallelism()) {
    if (!Number.isInteger(jobs) || jobs < 1)
        paramError(`jobs must be a positive integer, got ${jobs}`);
    if (jobs > 1)
        poolFor(jobs - 1).warm();
}
/** Stop the shared worker threads (tests and benchmarks; a CLI process may simply exit). */
export async function closeMelWorkers() {
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
 * Every thread (the caller and each worker) runs this same loop on the same counter. With `ready` (see
 * MelTask.ready) a chunk first waits until the samples under it are copied in, and the loop stops when
 * [1] is set; only worker threads may wait (Atomics.wait), so the caller passes it only once all is in.
 */
export function melChunksInto(samples, config, t0, t1, counter, chunkFrames, out, file, ready) {
    const { hopLength, nFft } = config.stft;
    for (;;) {
        const start = t0 + Atomics.add(counter, 0, 1) * chunkFrames;
        if (start >= t1)
            return;
        const end = Math.min(start + chunkFrames, t1);
        if (ready) {
            // the last frame of the chunk reads no sample at or beyond (end - 1) * hop + nFft (centred or not)
            const needed = Math.min(samples.length, (end - 1) * hopLength + nFft);
            for (;;) {
                if (Atomics.load(ready, 1) !== 0)
                    return;
                const copied = Atomics.load(ready, 0);
                if (copied >= needed)
                    break;
                Atomics.wait(ready, 0, copied, 100);
            }
        }
        melFramesInto(samples, config, start, end, out, file);
    }
}
/** Samples copied per step of copyFiniteInto (4 MB of float32): small next to a 10-minute file. */
const COPY_STEP = 1 << 20;
/**
 * Copy the signal into shared memory step by step, checking for non-finite samples in the same pass and
 * publishing progress in ready[0] (waking waiting workers), so the workers compute the chunks already
 * copied while the rest is copied. Serially, checkFinite (about 90 ms on a 10-minute file) and the copy
 * (about 65 ms, mostly page faults) took a fifth of a two-thread run and capped the speed-up near 1.7x
 * (docs/decisions/fft.md). `v - v === 0` is false exactly for NaN and +-Infinity. Returns false on a
 * non-finite sample, after setting ready[1] so the workers stop.
 */
function copyFiniteInto(samples, view, ready) {
    const n = samples.length;
    for (let from = 0; from < n; from += COPY_STEP) {
        const to = Math.min(n, from + COPY_STEP);
        let bad = false;
        for (let i = from; i < to; i++) {
            const v = samples[i];
            view[i] = v;
            if (!(v - v === 0))
                bad = true;
        }
        if (bad) {
            Atomics.store(ready, 1, 1);
            Atomics.notify(ready, 0);
            return false;
        }
        Atomics.store(ready, 0, to);
        Atomics.notify(ready, 0);
    }
    return true;
}
/** Whether the signal has a non-finite sample, in the fast form of checkFinite's test. */
function hasNonFinite(samples) {
    let bad = false;
    for (let i = 0; i < samples.length; i++) {
        const v = samples[i];
        if (!(v - v === 0))
            bad = true;
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
export async function melSpectrogramParallel(samples, params = {}, options = {}) {
    const jobs = options.jobs ?? availableParallelism();
    if (!Number.isInteger(jobs) || jobs < 1)
        paramError(`jobs must be a positive integer, got ${jobs}`);
    const config = melSpectrogramConfig(params);
    const { stft: cfg, filterbank: fb } = config;
    for (const w of fb.warnings)
        options.warn?.(w);
    let frames;
    try {
        frames = frameLayout(samples.length, cfg, options.file).frames;
    }
    catch (err) {
        // a non-finite sample is reported first, as melSpectrogram does
        checkFinite(samples, options.file);
        throw err;
    }
    const parts = Math.max(1, Math.min(jobs, Math.floor(frames / Math.max(1, options.minFramesPerPart ?? MIN_FRAMES_PER_PART))));
    // Several threads: a signal not yet in shared memory is checked while it is copied there (below),
    // with the workers already computing; a shared one is checked here, as is a one-thread call.
    const alreadyShared = samples.buffer instanceof SharedArrayBuffer && samples.byteOffset === 0;
    if (parts === 1)
        checkFinite(samples, options.file);
    else if (alreadyShared && hasNonFinite(samples))
        checkFinite(samples, options.file);
    if (cfg.center && cfg.nFft > samples.length) {
        options.warn?.(`nFft=${cfg.nFft} is too large for a signal of ${samples.length} samples`);
    }
    const float64 = cfg.dtype === 'float64';
    const outBuffer = parts > 1 ? new SharedArrayBuffer(fb.nMels * frames * (float64 ? 8 : 4)) : null;
    const values = outBuffer
        ? float64
            ? new Float64Array(outBuffer)
            : new Float32Array(outBuffer)
        : float64
            ? new Float64Array(fb.nMels * frames)
            : new Float32Array(fb.nMels * frames);
    const tasks = [];
    if (outBuffer) {
        // Frames are shared out in chunks through one atomic counter rather than cut into equal parts up
        // front: on a loaded machine one thread often gets less CPU than another, and on the first call the
        // worker is still loading, so equal parts left the faster thread waiting (see docs/decisions/fft.md).
        const counter = new SharedArrayBuffer(4);
        const chunkFrames = Math.max(1, Math.ceil(frames / (parts * CHUNKS_PER_THREAD)));
        const pool = poolFor(parts - 1, options.workers);
        const shared = alreadyShared ? samples.buffer : new SharedArrayBuffer(samples.byteLength);
        const readyBuffer = new SharedArrayBuffer(8);
        const ready = new Int32Array(readyBuffer);
        if (alreadyShared)
            ready[0] = samples.length;
        for (let p = 1; p < parts; p++) {
            tasks.push(pool.run({
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
                ready: readyBuffer,
                file: options.file,
            }));
        }
        if (!alreadyShared) {
            const view = samples instanceof Float64Array ? new Float64Array(shared) : new Float32Array(shared);
            let finite = false;
            try {
                finite = copyFiniteInto(samples, view, ready);
            }
            finally {
                if (!finite) {
                    // stop the workers (also on an unexpected error), then report as melSpectrogram does
                    Atomics.store(ready, 1, 1);
                    Atomics.notify(ready, 0);
                    await Promise.allSettled(tasks);
                }
            }
            if (!finite)
                checkFinite(samples, options.file);
        }
        // this thread takes chunks too while the workers run (or start)
        try {
            melChunksInto(samples, config, 0, frames, new Int32Array(counter), chunkFrames, values, options.file);
        }
        catch (err) {
            await Promise.allSettled(tasks);
            throw err;
        }
    }
    else {
        melFramesInto(samples, config, 0, frames, values, options.file);
    }
    await Promise.all(tasks);
    return melSpectrogramOf(values, frames, config);
}
//# sourceMappingURL=parallel.js.map