import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** What tfjs hands a kernel function. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: unknown;
}

export type KernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/**
 * A float32 view of a tensor on the wasm heap. Take views after the last allocation of a kernel: growing the
 * heap (any makeOutput) detaches earlier views.
 */
export function heapF32(backend: BackendWasm, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The stock wasm kernel of that name, which our kernels fall back to outside the cases they speed up. */
export function stockKernel(name: string): tf.KernelConfig {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`wasm kernel ${name} is not registered`);
  return config;
}

/**
 * Replace (or add) a wasm kernel. A replaced kernel keeps the stock setupFunc, which binds the C++ entry
 * point our kernel falls back to; without it the fallback would call an unbound function.
 */
export function replaceWasmKernel(name: string, make: (stock: tf.KernelConfig | undefined) => KernelFunc): void {
  const stock = tf.getKernel(name, 'wasm');
  if (stock !== undefined) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    setupFunc: stock?.setupFunc,
    kernelFunc: make(stock) as tf.KernelFunc,
  });
}

/** Call a kernel function directly (no engine bookkeeping): the result is ours to return or dispose. */
export function callKernel(config: tf.KernelConfig, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: object): tf.TensorInfo {
  return config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/** The attributes tfjs passes to both convolution gradient kernels (each adds the shape it reconstructs). */
export interface Conv2DBackpropAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * x [n, h, w, c] zero-padded onto a grid of hp x wp positions per image, with x's first pixel at grid
 * position (top, left); rows and columns of x that fall outside the grid (never read by any output of a
 * strided 'valid' convolution) are left out. The input the direct SIMD convolution kernels read without
 * bounds tests, made with one block copy per input row. A temporary tensor (flat), for the caller to dispose.
 */
export function padOnGrid(backend: BackendWasm, x: tf.TensorInfo, grid: { hp: number; wp: number }, top: number, left: number): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const plane = grid.hp * grid.wp;
  const padded = backend.makeOutput([n * plane * c], 'float32');
  const target = heapF32(backend, padded);
  const source = heapF32(backend, x);
  target.fill(0);
  const rows = Math.min(h, grid.hp - top);
  const run = Math.min(w, grid.wp - left) * c;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < rows; y++) {
      const from = (b * h + y) * w * c;
      target.set(source.subarray(from, from + run), (b * plane + (top + y) * grid.wp + left) * c);
    }
  }
  return padded;
}
