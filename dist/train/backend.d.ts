/** Which TensorFlow.js backend trains and predicts. */
export interface BackendInfo {
    /** 'tensorflow' when @tensorflow/tfjs-node loaded (native libtensorflow), else 'wasm' (XNNPACK, SIMD). */
    name: 'tensorflow' | 'wasm';
    /** tfjs-core version, for the artifacts. */
    tfjsVersion: string;
    /** One line for logs and backend.txt, e.g. 'wasm (tfjs 4.22.0, SIMD, 1 thread)'. */
    description: string;
}
/**
 * Choose and initialise the backend once per process: tfjs-node when it loads, else wasm. Never the stock
 * cpu backend, which trains about 50x slower than wasm (6.7 s per example on the compact model): if neither
 * loads, this throws rather than letting a run crawl.
 */
export declare function initBackend(): Promise<BackendInfo>;
/**
 * Kernels tfjs 4.22 lacks on wasm (Conv2DBackpropFilter) or runs slowly there (see src/train/kernels/ and
 * docs/decisions/training-speed.md). Exported for the gradient tests, which also run them beside cpu.
 */
export declare function registerWasmKernels(): void;
