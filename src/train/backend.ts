import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BirdcallError } from '../errors.ts';
import { registerTrainingKernels } from './kernels/index.ts';

/** Which TensorFlow.js backend trains and predicts. */
export interface BackendInfo {
  /** 'tensorflow' when @tensorflow/tfjs-node loaded (native libtensorflow), else 'wasm' (XNNPACK, SIMD). */
  name: 'tensorflow' | 'wasm';
  /** tfjs-core version, for the artifacts. */
  tfjsVersion: string;
  /** One line for logs and backend.txt, e.g. 'wasm (tfjs 4.22.0, SIMD, 1 thread)'. */
  description: string;
}

let ready: Promise<BackendInfo> | undefined;

/**
 * Choose and initialise the backend once per process: tfjs-node when it loads, else wasm. Never the stock
 * cpu backend, which trains about 50x slower than wasm (6.7 s per example on the compact model): if neither
 * loads, this throws rather than letting a run crawl. Every trainer and predictor calls it; call it yourself
 * before using `buildModel` or tfjs directly.
 *
 * @returns which backend runs, the tfjs version, and a one-line description for logs.
 * @throws BirdcallError when neither tfjs-node nor the wasm backend can start.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { initBackend } from 'birdcall/train';
 *
 * const backend = await initBackend();
 * assert.ok(backend.name === 'wasm' || backend.name === 'tensorflow');
 * assert.match(backend.description, /tfjs/); // e.g. 'wasm (tfjs 4.22.0, 1 thread; @tensorflow/tfjs-node not available)'
 * ```
 */
export function initBackend(): Promise<BackendInfo> {
  ready ??= chooseBackend().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function chooseBackend(): Promise<BackendInfo> {
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

async function tryTfjsNode(): Promise<boolean> {
  if (process.env.BIRDCALL_BACKEND === 'wasm') return false;
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional package to exist.
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return (await tf.setBackend('tensorflow')) && tf.getBackend() === 'tensorflow';
  } catch {
    return false;
  }
}

let kernelsRegistered = false;

/**
 * Kernels tfjs 4.22 lacks on wasm (Conv2DBackpropFilter) or runs slowly there (see src/train/kernels/ and
 * docs/decisions/training-speed.md). Exported for the gradient tests, which also run them beside cpu.
 */
export function registerWasmKernels(): void {
  if (kernelsRegistered) return;
  kernelsRegistered = true;
  registerTrainingKernels();
}
