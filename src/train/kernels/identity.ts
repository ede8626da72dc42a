import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callKernel, type KernelArgs } from './wasm.ts';

/**
 * Identity that shares the input's data (as the cpu backend's does) instead of copying it (wasm's stock
 * kernel). Strings keep the stock kernel.
 */
export function sharedIdentityWasm(stock: tf.KernelConfig | undefined): (args: KernelArgs) => tf.TensorInfo {
  return (args) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') {
      if (stock === undefined) throw new Error('wasm Identity kernel missing');
      return callKernel(stock, backend, args.inputs, {});
    }
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
