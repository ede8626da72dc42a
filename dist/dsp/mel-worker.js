import { parentPort } from 'node:worker_threads';
import { melFramesInto, melSpectrogramConfig } from "./mel.js";
import { melChunksInto } from "./parallel.js";
/**
 * One worker of the parallel mel spectrogram: computes a frame range of a signal that lives in shared
 * memory into a shared output, with the same melFramesInto the single-threaded path runs, so the values
 * are identical. The filterbank is built once per worker (melFilterbank caches it).
 */
parentPort?.on('message', (task) => {
    let result;
    try {
        const samples = task.samplesFloat64
            ? new Float64Array(task.samples, 0, task.length)
            : new Float32Array(task.samples, 0, task.length);
        const out = task.outFloat64 ? new Float64Array(task.out) : new Float32Array(task.out);
        const config = melSpectrogramConfig(task.params);
        if (task.counter && task.chunkFrames) {
            const ready = task.ready ? new Int32Array(task.ready) : undefined;
            melChunksInto(samples, config, task.t0, task.t1, new Int32Array(task.counter), task.chunkFrames, out, task.file, ready);
        }
        else {
            melFramesInto(samples, config, task.t0, task.t1, out, task.file);
        }
        result = { id: task.id };
    }
    catch (err) {
        const e = err;
        result = { id: task.id, error: { reason: e.reason ?? e.message, code: e.code, file: e.file } };
    }
    parentPort?.postMessage(result);
});
//# sourceMappingURL=mel-worker.js.map