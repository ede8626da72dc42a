var __rewriteRelativeImportExtension = (this && this.__rewriteRelativeImportExtension) || function (path, preserveJsx) {
    if (typeof path === "string" && /^\.\.?\//.test(path)) {
        return path.replace(/\.(tsx)$|((?:\.d)?)((?:\.[^./]+?)?)\.([cm]?)ts$/i, function (m, tsx, d, ext, cm) {
            return tsx ? preserveJsx ? ".jsx" : ".js" : d && (!ext || !cm) ? m : (d + ext + "." + cm.toLowerCase() + "js");
        });
    }
    return path;
};
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BirdcallError } from "../errors.js";
import { registerTrainingKernels } from "./kernels/index.js";
let ready;
/**
 * Choose and initialise the backend once per process: tfjs-node when it loads, else wasm. Never the stock
 * cpu backend, which trains about 50x slower than wasm (6.7 s per example on the compact model): if neither
 * loads, this throws rather than letting a run crawl.
 */
export function initBackend() {
    ready ??= chooseBackend().catch((error) => {
        ready = undefined;
        throw error;
    });
    return ready;
}
async function chooseBackend() {
    if (await tryTfjsNode()) {
        return {
            name: 'tensorflow',
            tfjsVersion: tf.version.tfjs,
            description: `tensorflow (tfjs-node ${tf.version.tfjs}, native libtensorflow)`,
        };
    }
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm binaries ship inside the package; point the loader at them so nothing is fetched.
    const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${wasmDir}/`);
    registerWasmKernels();
    const ok = await tf.setBackend('wasm');
    if (!ok || tf.getBackend() !== 'wasm') {
        throw new BirdcallError('BACKEND_UNAVAILABLE', `the wasm backend failed to initialise (files in ${wasmDir}); refusing to train on the slow cpu backend`);
    }
    await tf.ready();
    return {
        name: 'wasm',
        tfjsVersion: tf.version.tfjs,
        description: `wasm (tfjs ${tf.version.tfjs}, ${wasm.getThreadsCount()} thread${wasm.getThreadsCount() === 1 ? '' : 's'}; @tensorflow/tfjs-node not available)`,
    };
}
async function tryTfjsNode() {
    if (process.env.BIRDCALL_BACKEND === 'wasm')
        return false;
    try {
        // A variable specifier keeps bundlers and tsc from requiring the optional package to exist.
        const name = '@tensorflow/tfjs-node';
        await import(__rewriteRelativeImportExtension(name));
        return (await tf.setBackend('tensorflow')) && tf.getBackend() === 'tensorflow';
    }
    catch {
        return false;
    }
}
let kernelsRegistered = false;
/**
 * Kernels tfjs 4.22 lacks on wasm (Conv2DBackpropFilter) or runs slowly there (see src/train/kernels/ and
 * docs/decisions/training-speed.md). Exported for the gradient tests, which also run them beside cpu.
 */
export function registerWasmKernels() {
    if (kernelsRegistered)
        return;
    kernelsRegistered = true;
    registerTrainingKernels();
}
//# sourceMappingURL=backend.js.map