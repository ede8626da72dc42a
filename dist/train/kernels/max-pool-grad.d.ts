import * as tf from '@tensorflow/tfjs';
import { type KernelArgs } from './wasm.ts';
/**
 * dx of max pooling (NHWC): each output's gradient goes to the first maximum of its window in row-major
 * order, as the cpu backend does, so ties (common after a ReLU) resolve alike. 2x2 windows at stride 2
 * (every pooling layer of our models) take the SIMD kernel max_pool_2x2_grad of native/kernels.c; other
 * windows this loop, with the channel loop innermost so reads and writes are contiguous runs.
 */
export declare function maxPoolGradWasm(args: KernelArgs): tf.TensorInfo;
