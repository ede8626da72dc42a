import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelFunc } from './wasm.ts';
interface ConvAttrs {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dilations: [number, number] | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    /** FusedConv2D only. */
    activation?: string;
}
/**
 * The convolutions of our models (NHWC, float32, any strides, no dilation, output channels a multiple of 4)
 * on the SIMD kernel conv2d of native/kernels.c, with bias and ReLU fused; everything else on the stock
 * kernel (XNNPACK). Measured on the compact model's layers at 64x128, batch 16, and on the strided model:
 * see docs/decisions/training-speed.md, round 3.
 */
export declare function conv2dDirect(backend: BackendWasm, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | undefined, relu: boolean, attrs: ConvAttrs): tf.TensorInfo | undefined;
/** Conv2D: ours where conv2dDirect applies, else the stock kernel. */
export declare function conv2dWasm(stock: tf.KernelConfig | undefined): KernelFunc;
/** FusedConv2D (inference after batchnorm folding): ours for no activation or ReLU, else the stock kernel. */
export declare function fusedConv2dWasm(stock: tf.KernelConfig | undefined): KernelFunc;
export {};
