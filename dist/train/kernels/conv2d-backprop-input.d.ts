import * as tf from '@tensorflow/tfjs';
import { type KernelArgs } from './wasm.ts';
/** For tests: a small limit exercises the split-batch path on small tensors. Returns the previous limit. */
export declare function setBackpropInputColLimit(floats: number): number;
/**
 * dx of a 2-D convolution (NHWC) on the backend's fast kernels instead of the stock wasm loop nest, which
 * took more time than every other kernel of a training step together.
 * - stride 1: dx is itself a stride-1 convolution of dy with the filter rotated 180 degrees and its channel
 *   axes swapped, padded by (filter - 1 - pad); it runs on XNNPACK's forward convolution.
 * - larger strides, input channels a multiple of 4 (our models' strided layers): the SIMD kernel
 *   conv_input_grad (native/kernels.c) scatters each output pixel's dy · W^T onto the zero-padded input grid,
 *   which is then cropped to dx.
 * - otherwise: cols = dy · W^T as one matrix product [N*Ho*Wo, Co] x [Co, fh*fw*Ci], then col2im adds each
 *   column back onto the input pixel it came from.
 */
export declare function conv2dBackpropInputWasm(args: KernelArgs): tf.TensorInfo;
