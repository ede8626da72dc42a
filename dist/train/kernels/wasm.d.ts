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
export declare function heapF32(backend: BackendWasm, t: tf.TensorInfo): Float32Array;
/** The stock wasm kernel of that name, which our kernels fall back to outside the cases they speed up. */
export declare function stockKernel(name: string): tf.KernelConfig;
/**
 * Replace (or add) a wasm kernel. A replaced kernel keeps the stock setupFunc, which binds the C++ entry
 * point our kernel falls back to; without it the fallback would call an unbound function.
 */
export declare function replaceWasmKernel(name: string, make: (stock: tf.KernelConfig | undefined) => KernelFunc): void;
/** Call a kernel function directly (no engine bookkeeping): the result is ours to return or dispose. */
export declare function callKernel(config: tf.KernelConfig, backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: object): tf.TensorInfo;
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
export declare function padOnGrid(backend: BackendWasm, x: tf.TensorInfo, grid: {
    hp: number;
    wp: number;
}, top: number, left: number): tf.TensorInfo;
