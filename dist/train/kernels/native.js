import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
const wasmApi = globalThis.WebAssembly;
let compiled;
function compiledModule() {
    compiled ??= new wasmApi.Module(readFileSync(new URL('./native/kernels.wasm', import.meta.url)));
    return compiled;
}
/** The backend's WebAssembly.Memory: tfjs 4.22's SIMD build keeps it as the module's `asm.memory` export. */
function memoryOf(heap) {
    const memory = heap.asm?.memory ?? heap.wasmMemory;
    if (!(memory instanceof wasmApi.Memory))
        throw new Error('the tfjs wasm backend exposes no WebAssembly.Memory; the training kernels need tfjs 4.22');
    return memory;
}
/** A tensor's byte address in the backend's memory. */
export function address(backend, t) {
    return backend.dataIdMap.get(t.dataId).memoryOffset;
}
export class NativeKernels {
    kernels;
    heap;
    scratch = 0;
    scratchBytes = 0;
    constructor(backend) {
        this.heap = backend.wasm;
        const instance = new wasmApi.Instance(compiledModule(), { env: { memory: memoryOf(this.heap) } });
        this.kernels = instance.exports;
    }
    /** At least `bytes` of scratch (8-byte aligned, as malloc returns); may grow the memory. */
    reserve(bytes) {
        if (bytes > this.scratchBytes) {
            if (this.scratch !== 0)
                this.heap._free(this.scratch);
            this.scratchBytes = Math.max(bytes, 2 * this.scratchBytes, 4096);
            this.scratch = this.heap._malloc(this.scratchBytes);
        }
        return this.scratch;
    }
    /**
     * Per channel over rows of `channels` values: s0 = Σ (a - ka), s1 = Σ (a - ka)·(b - kb), in float64 from
     * float32 partial sums over L1-sized blocks. a and b are addresses of [rows, channels] tensors.
     */
    channelSums(a, ka, b, kb, rows, channels) {
        const base = this.reserve(channels * 24);
        const heap = this.heap;
        heap.HEAPF64.fill(0, base / 8, base / 8 + 2 * channels);
        heap.HEAPF32.set(ka, base / 4 + 4 * channels);
        heap.HEAPF32.set(kb, base / 4 + 5 * channels);
        this.kernels.channel_sums(a, base + 16 * channels, b, base + 20 * channels, rows, channels, base, base + 8 * channels);
        const sums = heap.HEAPF64.slice(base / 8, base / 8 + 2 * channels);
        return { s0: sums.subarray(0, channels), s1: sums.subarray(channels) };
    }
    /** Per channel: Σ a over the rows. */
    channelSum(a, rows, channels) {
        const base = this.reserve(channels * 8);
        const heap = this.heap;
        heap.HEAPF64.fill(0, base / 8, base / 8 + channels);
        this.kernels.channel_sum(a, rows, channels, base);
        return heap.HEAPF64.slice(base / 8, base / 8 + channels);
    }
    /** out = a·ka[c] + b·kb[c] + k0[c] per position (without the b term when b is undefined). */
    channelAffine(a, ka, b, k0, rows, channels, out) {
        const base = this.reserve(channels * 12);
        const f32 = this.heap.HEAPF32;
        f32.set(ka, base / 4);
        f32.set(k0, base / 4 + channels);
        if (b !== undefined)
            f32.set(b.k, base / 4 + 2 * channels);
        this.kernels.channel_affine(a, base, b?.at ?? 0, base + 8 * channels, base + 4 * channels, rows, channels, out);
    }
}
const instances = new WeakMap();
/** The kernels bound to this backend's memory (one instance per backend, so per worker thread). */
export function nativeKernels(backend) {
    let native = instances.get(backend);
    if (native === undefined) {
        native = new NativeKernels(backend);
        instances.set(backend, native);
    }
    return native;
}
//# sourceMappingURL=native.js.map