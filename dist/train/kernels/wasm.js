import * as tf from '@tensorflow/tfjs';
/**
 * A float32 view of a tensor on the wasm heap. Take views after the last allocation of a kernel: growing the
 * heap (any makeOutput) detaches earlier views.
 */
export function heapF32(backend, t) {
    return backend.typedArrayFromHeap(t);
}
/** The stock wasm kernel of that name, which our kernels fall back to outside the cases they speed up. */
export function stockKernel(name) {
    const config = tf.getKernel(name, 'wasm');
    if (config === undefined)
        throw new Error(`wasm kernel ${name} is not registered`);
    return config;
}
/**
 * Replace (or add) a wasm kernel. A replaced kernel keeps the stock setupFunc, which binds the C++ entry
 * point our kernel falls back to; without it the fallback would call an unbound function.
 */
export function replaceWasmKernel(name, make) {
    const stock = tf.getKernel(name, 'wasm');
    if (stock !== undefined)
        tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
        kernelName: name,
        backendName: 'wasm',
        setupFunc: stock?.setupFunc,
        kernelFunc: make(stock),
    });
}
/** Call a kernel function directly (no engine bookkeeping): the result is ours to return or dispose. */
export function callKernel(config, backend, inputs, attrs) {
    return config.kernelFunc({ inputs, backend, attrs: attrs });
}
/**
 * x [n, h, w, c] zero-padded onto a grid of hp x wp positions per image, with x's first pixel at grid
 * position (top, left); rows and columns of x that fall outside the grid (never read by any output of a
 * strided 'valid' convolution) are left out. The input the direct SIMD convolution kernels read without
 * bounds tests, made with one block copy per input row. A temporary tensor (flat), for the caller to dispose.
 */
export function padOnGrid(backend, x, grid, top, left) {
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
//# sourceMappingURL=wasm.js.map