import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
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
 * loads, this throws rather than letting a run crawl.
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

/** Kernels tfjs 4.22 lacks on wasm. Exported for the gradient test, which also runs them beside cpu. */
export function registerWasmKernels(): void {
  if (kernelsRegistered) return;
  kernelsRegistered = true;
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilterWasm });
  }
  registerTrainingKernels();
}

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backendUtilPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}
type backendUtilPadding = tf.backend_util.ExplicitPadding;

/** Upper bound on the im2col matrix, in floats (64 MB); larger batches are split and the products summed. */
let im2colMaxFloats = 16 * 1024 * 1024;

/** For tests: a small limit exercises the split-batch path on small tensors. Returns the previous limit. */
export function setIm2colLimit(floats: number): number {
  const previous = im2colMaxFloats;
  im2colMaxFloats = floats;
  return previous;
}

/**
 * dW = im2col(x)^T · dy, one GEMM on the backend's XNNPACK matMul rather than a slice-and-multiply per
 * filter tap: the gradient of every tap comes out of one pass over the patches.
 * x [N, H, W, Ci], dy [N, Ho, Wo, Co] -> dW [fh, fw, Ci, Co]. The im2col matrix is written transposed,
 * [fh*fw*Ci, N*Ho*Wo], so the product needs no transposed operand (XNNPACK's fast path).
 */
function conv2dBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as BackpropFilterAttrs;
  if (attrs.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${attrs.dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const k = fh * fw * ci;
  const perExample = ho * wo;
  const chunk = Math.max(1, Math.min(n, Math.floor(im2colMaxFloats / (k * perExample))));

  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (matMul === undefined) throw new Error('wasm BatchMatMul kernel missing');

  const out = backend.makeOutput([fh, fw, ci, co], 'float32');
  let accumulated = false;
  for (let n0 = 0; n0 < n; n0 += chunk) {
    const nb = Math.min(chunk, n - n0);
    const p = nb * perExample;
    const col = backend.makeOutput([1, k, p], 'float32');
    const dyPart = backend.makeOutput([1, p, co], 'float32');
    // Views are taken after every allocation: growing the wasm heap detaches earlier views.
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const dys = backend.typedArrayFromHeap(dy) as Float32Array;
    fillIm2colT(backend.typedArrayFromHeap(col) as Float32Array, xs, n0, nb, h, w, ci, ho, wo, fh, fw, sh, sw, top, left);
    (backend.typedArrayFromHeap(dyPart) as Float32Array).set(dys.subarray(n0 * perExample * co, (n0 + nb) * perExample * co));
    const product = matMul.kernelFunc({
      inputs: { a: col, b: dyPart },
      attrs: { transposeA: false, transposeB: false },
      backend,
    }) as tf.TensorInfo;
    const result = backend.typedArrayFromHeap({ ...product, shape: [k * co] }) as Float32Array;
    const target = backend.typedArrayFromHeap(out) as Float32Array;
    if (accumulated) {
      for (let i = 0; i < target.length; i++) target[i] += result[i];
    } else {
      target.set(result);
      accumulated = true;
    }
    backend.disposeData(product.dataId);
    backend.disposeData(col.dataId);
    backend.disposeData(dyPart.dataId);
  }
  return out;
}

/**
 * Row r = (ky, kx, c) of the transposed im2col matrix holds x[b, oy*sh + ky - top, ox*sw + kx - left, c]
 * for every output pixel (b, oy, ox), zero where the tap falls in the padding. Hot loop: index arithmetic
 * only, writes are contiguous.
 */
function fillIm2colT(
  col: Float32Array,
  x: Float32Array,
  n0: number,
  nb: number,
  h: number,
  w: number,
  ci: number,
  ho: number,
  wo: number,
  fh: number,
  fw: number,
  sh: number,
  sw: number,
  top: number,
  left: number,
): void {
  const p = nb * ho * wo;
  const rowStride = w * ci;
  const imageStride = h * rowStride;
  for (let ky = 0; ky < fh; ky++) {
    for (let kx = 0; kx < fw; kx++) {
      for (let c = 0; c < ci; c++) {
        let o = ((ky * fw + kx) * ci + c) * p;
        for (let b = 0; b < nb; b++) {
          const base = (n0 + b) * imageStride + c;
          for (let oy = 0; oy < ho; oy++) {
            const iy = oy * sh + ky - top;
            if (iy < 0 || iy >= h) {
              col.fill(0, o, o + wo);
              o += wo;
              continue;
            }
            const rowBase = base + iy * rowStride;
            for (let ox = 0; ox < wo; ox++) {
              const ix = ox * sw + kx - left;
              col[o++] = ix >= 0 && ix < w ? x[rowBase + ix * ci] : 0;
            }
          }
        }
      }
    }
  }
}
