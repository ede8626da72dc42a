import type * as tf from '@tensorflow/tfjs';
import { type KernelArgs } from './wasm.ts';
/**
 * Identity that shares the input's data (as the cpu backend's does) instead of copying it (wasm's stock
 * kernel). Strings keep the stock kernel.
 */
export declare function sharedIdentityWasm(stock: tf.KernelConfig | undefined): (args: KernelArgs) => tf.TensorInfo;
