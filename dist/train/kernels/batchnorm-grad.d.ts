import * as tf from '@tensorflow/tfjs';
import { type KernelArgs } from './wasm.ts';
export declare const BATCHNORM_GRAD = "BirdcallBatchNormGrad";
/**
 * Register the kernel on wasm and route FusedBatchNorm's gradient through it there. Other backends, and
 * statistics that are not one value per last-axis channel, keep tfjs's own gradient.
 */
export declare function registerBatchNormGrad(): void;
/**
 * The batchnorm forward pass, y = x * a[c] + b[c] with a = scale * rsqrt(variance + eps) and
 * b = offset - mean * a folded per channel first. The stock wasm kernel cost about 10 ns per element
 * (profiled: 40% of the convolutions' time at inference); this is one multiply-add per element. Statistics
 * that are not one value per last-axis channel go to the stock kernel.
 */
export declare function fusedBatchNormWasm(stock: tf.KernelConfig | undefined): (args: KernelArgs) => tf.TensorInfo;
