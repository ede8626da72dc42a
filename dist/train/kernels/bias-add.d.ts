import * as tf from '@tensorflow/tfjs';
import { type KernelFunc } from './wasm.ts';
/**
 * Add where one side is a per-channel vector over the other's last axis (a conv or dense layer's bias while
 * training): one SIMD pass (channel_affine) instead of the stock kernel's general broadcasting loop, which
 * cost about 1 ns per value. Every other Add goes to the stock kernel.
 */
export declare function biasAddWasm(stock: tf.KernelConfig | undefined): KernelFunc;
