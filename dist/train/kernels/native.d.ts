import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
/**
 * The SIMD kernels of native/kernels.c, instantiated on the wasm backend's own memory so they read and
 * write tensors in place. Their arguments are byte addresses in that memory (`address`), which stay valid
 * when the memory grows, unlike typed-array views of it. Per-channel constants and sums are copied through a
 * scratch block that this module allocates with tfjs's malloc and keeps.
 */
interface Exports {
    channel_sums(a: number, ka: number, b: number, kb: number, rows: number, channels: number, s0: number, s1: number): void;
    channel_sum(a: number, rows: number, channels: number, s: number): void;
    channel_affine(a: number, ka: number, b: number, kb: number, k0: number, rows: number, channels: number, out: number): void;
    relu_grad(dy: number, x: number, dx: number, n: number): void;
    max_pool_2x2_grad(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, ho: number, wo: number): void;
    conv2d(xp: number, hp: number, wp: number, w: number, bias: number, y: number, nb: number, ho: number, wo: number, fh: number, fw: number, ci: number, co: number, sh: number, sw: number, relu: number): void;
    conv_input_grad(dy: number, wt: number, dxp: number, nb: number, ho: number, wo: number, hp: number, wp: number, fh: number, fw: number, ci: number, co: number, sh: number, sw: number): void;
    filter_grad(xp: number, wp: number, plane: number, dy: number, dw: number, nb: number, ho: number, wo: number, fh: number, fw: number, ci: number, co: number, sh: number, sw: number): void;
}
/** A tensor's byte address in the backend's memory. */
export declare function address(backend: BackendWasm, t: tf.TensorInfo): number;
export declare class NativeKernels {
    readonly kernels: Exports;
    private readonly heap;
    private scratch;
    private scratchBytes;
    constructor(backend: BackendWasm);
    /** At least `bytes` of scratch (8-byte aligned, as malloc returns); may grow the memory. */
    private reserve;
    /**
     * Per channel over rows of `channels` values: s0 = Σ (a - ka), s1 = Σ (a - ka)·(b - kb), in float64 from
     * float32 partial sums over L1-sized blocks. a and b are addresses of [rows, channels] tensors.
     */
    channelSums(a: number, ka: Float32Array, b: number, kb: Float32Array, rows: number, channels: number): {
        s0: Float64Array;
        s1: Float64Array;
    };
    /** Per channel: Σ a over the rows. */
    channelSum(a: number, rows: number, channels: number): Float64Array;
    /** out = a·ka[c] + b·kb[c] + k0[c] per position (without the b term when b is undefined). */
    channelAffine(a: number, ka: Float32Array, b: {
        at: number;
        k: Float32Array;
    } | undefined, k0: Float32Array, rows: number, channels: number, out: number): void;
}
/** The kernels bound to this backend's memory (one instance per backend, so per worker thread). */
export declare function nativeKernels(backend: BackendWasm): NativeKernels;
export {};
