import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { channelSum } from './channel-loops.ts';
import { callKernel, heapF32, replaceWasmKernel, type KernelArgs, type KernelFunc } from './wasm.ts';

/**
 * Per-channel reductions. Batchnorm statistics, bias gradients and the batchnorm gradient reduce an NHWC
 * tensor over its leading axes [0, 1, 2]; the stock wasm Mean and Sum first transpose the whole tensor so
 * the reduced axes come last. Here the leading rows are summed in place into a running total per trailing
 * element: one pass, no copy.
 */

/** Rows and row length when `axis` is exactly the leading axes 0..k-1 (0 < k < rank), else undefined. */
export function leadingSplit(shape: readonly number[], axis: number | number[] | undefined): { rows: number; length: number; k: number } | undefined {
  if (axis === undefined) return undefined;
  const axes = [...tf.util.parseAxisParam(axis, [...shape])].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= shape.length || axes.some((a, i) => a !== i)) return undefined;
  const rows = shape.slice(0, k).reduce((a, b) => a * b, 1);
  return { rows, length: shape.slice(k).reduce((a, b) => a * b, 1), k };
}

function reduceKernel(kind: 'Sum' | 'Mean', stock: tf.KernelConfig | undefined): KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const attrs = args.attrs as { axis: number | number[]; keepDims: boolean };
    const split = x.dtype === 'float32' ? leadingSplit(x.shape, attrs.axis) : undefined;
    if (split === undefined) {
      if (stock === undefined) throw new Error(`wasm ${kind} kernel missing`);
      return callKernel(stock, backend, args.inputs, attrs);
    }
    const outShape = attrs.keepDims ? x.shape.map((d, i) => (i < split.k ? 1 : d)) : x.shape.slice(split.k);
    const out = backend.makeOutput(outShape, 'float32');
    const total = new Float64Array(split.length);
    // The rows are the positions and the trailing elements the channels: the batchnorm loops' layout.
    channelSum(heapF32(backend, x), split.length, total);
    const scale = kind === 'Mean' ? 1 / split.rows : 1;
    const o = heapF32(backend, out);
    for (let j = 0; j < split.length; j++) o[j] = total[j] * scale;
    return out;
  };
}

export const BROADCAST_ROWS = 'BirdcallBroadcastRows';

/** out[r * length + j] = x[j] * scale for every row r: the gradient of a mean over leading axes. */
function broadcastRowsWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { shape, scale } = args.attrs as { shape: number[]; scale: number };
  const out = backend.makeOutput(shape, 'float32');
  const src = heapF32(backend, x);
  const dst = heapF32(backend, out);
  const length = src.length;
  for (let base = 0; base < dst.length; base += length) {
    for (let j = 0; j < length; j++) dst[base + j] = src[j] * scale;
  }
  return out;
}

let registered = false;

export function registerReduceKernels(): void {
  if (registered) return;
  registered = true;
  replaceWasmKernel('Sum', (stock) => reduceKernel('Sum', stock));
  replaceWasmKernel('Mean', (stock) => reduceKernel('Mean', stock));
  tf.registerKernel({ kernelName: BROADCAST_ROWS, backendName: 'wasm', kernelFunc: broadcastRowsWasm as tf.KernelFunc });
  // The stock Mean gradient multiplies dy by a materialised ones(x.shape) and then divides: two full passes
  // and a full-size temporary, per batchnorm statistic. On wasm, for leading axes, write dy/n directly.
  const stockGrad = tf.getGradient('Mean');
  if (stockGrad === undefined) throw new Error('tfjs has no Mean gradient');
  tf.registerGradient({
    ...stockGrad,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { axis } = attrs as unknown as { axis: number | number[] };
      const split = tf.getBackend() === 'wasm' && !Array.isArray(dy) ? leadingSplit(x.shape, axis) : undefined;
      if (split === undefined) return stockGrad.gradFunc(dy, saved, attrs);
      const g = dy as tf.Tensor;
      return { x: () => tf.engine().runKernel(BROADCAST_ROWS, { x: g }, { shape: x.shape, scale: 1 / split.rows }) as tf.Tensor };
    },
  });
}
