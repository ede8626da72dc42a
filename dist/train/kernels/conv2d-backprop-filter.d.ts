import * as tf from '@tensorflow/tfjs';
import { type KernelArgs } from './wasm.ts';
/** For tests: a small limit exercises the split-batch path on small tensors. Returns the previous limit. */
export declare function setBackpropFilterColLimit(floats: number): number;
/**
 * dW of a 2-D convolution (NHWC). Filter counts that are a multiple of 4 (every layer of our models) take
 * the SIMD kernel (filterGradDirect). Others: one matrix product per batch part, dW [K, Co] = colT [K, P] ·
 * dy [P, Co], with K = fh*fw*Ci taps, P = N*Ho*Wo output pixels and colT the transposed im2col matrix of x.
 *
 * The operand order is chosen from measurements of the wasm BatchMatMul: it is fast (XNNPACK) only with
 * neither operand flagged transposed (10x slower otherwise), and it re-packs its right operand on every
 * call, so the right operand must be the smaller one: dy [P, Co], not the im2col matrix [P, K] (packing
 * that made the product 5x slower). The product then comes out in dW's own layout [fh, fw, Ci, Co].
 */
export declare function conv2dBackpropFilterWasm(args: KernelArgs): tf.TensorInfo;
/**
 * out [cols, rows] = in [rows, cols]^T, in blocks of 64 rows: a plain loop writes with a stride of `rows`
 * floats, one cache miss per element, while a block keeps its reads in cache and writes runs of 64
 * contiguous floats.
 */
export declare function transposeInto(out: Float32Array, input: Float32Array, rows: number, cols: number): void;
/**
 * Row t = (ky, kx, c) of the transposed im2col matrix holds x[b, oy*sh + ky - top, ox*sw + kx - left, c] for
 * every output pixel (b, oy, ox), zero where the tap falls in the padding (the path for filter counts that
 * are not a multiple of 4). Hot loop, ordered by output row first: the few input rows one output row reads stay in cache while
 * every tap and channel is written as a contiguous run of Wo floats.
 */
export declare function fillIm2colT(colT: Float32Array, x: Float32Array, n0: number, nb: number, info: tf.backend_util.Conv2DInfo): void;
