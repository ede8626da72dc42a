import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { channelAffine, channelSums } from './channel-loops.ts';
import { heapF32, type KernelArgs } from './wasm.ts';

/**
 * Batchnorm in training mode as two kernels, forward and backward, each two passes over the activations.
 * tfjs-layers builds it from tf.moments (Mean, Sub, Square, Mean) and batchNorm, and its gradient from the
 * gradients of each: about a dozen full-size passes and temporaries per layer and step, over a third of a
 * training step of the compact model on wasm. Per channel c (the last axis), over the n positions:
 *
 *   forward:  mean = S0 / n, variance = Sq / n - mean² (biased, as tf.moments), r = rsqrt(variance + eps),
 *             y = (x - mean) · r · gamma + beta
 *   backward: S1 = Σ dy, S2 = Σ dy · (x - mean), dbeta = S1, dgamma = S2 · r,
 *             dx = gamma · r · (dy - S1 / n - (x - mean) · r² · S2 / n)
 *
 * Sums run in float64. Between the two passes of each kernel the per-channel sums can be combined across
 * data-parallel replicas (setReplicaReducer): then every replica normalises with the statistics of the
 * whole batch, and training on two threads matches training on one.
 */
export const BATCHNORM_TRAIN = 'BirdcallBatchNormTrain';
export const BATCHNORM_TRAIN_GRAD = 'BirdcallBatchNormTrainGrad';

/**
 * Adds the per-channel sums of the other replicas into `sums` in place (every replica must end with the
 * same values, added in the same order). `sums` holds the channel sums, then a final element with the
 * replica's position count.
 */
export type ReplicaReducer = (sums: Float64Array) => void;

let reducer: ReplicaReducer | undefined;

/** Set (or clear, with undefined) the cross-replica reduction the batchnorm kernels apply; returns the previous one. */
export function setReplicaReducer(next: ReplicaReducer | undefined): ReplicaReducer | undefined {
  const previous = reducer;
  reducer = next;
  return previous;
}

function channelsOf(x: tf.TensorInfo): number {
  return x.shape[x.shape.length - 1];
}

function batchNormTrainWasm(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, gamma, beta } = args.inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
  const { epsilon } = args.attrs as { epsilon: number };
  const channels = channelsOf(x);
  const yOut = backend.makeOutput(x.shape, 'float32');
  const meanOut = backend.makeOutput([channels], 'float32');
  const varOut = backend.makeOutput([channels], 'float32');
  const xs = heapF32(backend, x);
  const sums = new Float64Array(2 * channels + 1);
  channelSums(xs, xs, channels, sums.subarray(0, channels), sums.subarray(channels, 2 * channels));
  sums[2 * channels] = xs.length / channels;
  reducer?.(sums);
  const n = sums[2 * channels];
  const g = heapF32(backend, gamma);
  const b = heapF32(backend, beta);
  const mean = heapF32(backend, meanOut);
  const variance = heapF32(backend, varOut);
  const a = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = sums[c] / n;
    const v = Math.max(0, sums[channels + c] / n - m * m);
    mean[c] = m;
    variance[c] = v;
    a[c] = g[c] / Math.sqrt(v + epsilon);
    shift[c] = b[c] - m * a[c];
  }
  channelAffine(xs, a, undefined, undefined, shift, channels, heapF32(backend, yOut));
  return [yOut, meanOut, varOut];
}

function batchNormTrainGradWasm(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { dy, x, mean, variance, gamma } = args.inputs as Record<'dy' | 'x' | 'mean' | 'variance' | 'gamma', tf.TensorInfo>;
  const { epsilon } = args.attrs as { epsilon: number };
  const channels = channelsOf(x);
  const dxOut = backend.makeOutput(x.shape, 'float32');
  const dGammaOut = backend.makeOutput([channels], 'float32');
  const dBetaOut = backend.makeOutput([channels], 'float32');
  const xs = heapF32(backend, x);
  const g = heapF32(backend, dy);
  const m = heapF32(backend, mean);
  const sums = new Float64Array(2 * channels + 1);
  // S2 = Σ dy·(x - mean) = Σ dy·x - mean·Σ dy, so one pass over dy and x serves both sums.
  channelSums(g, xs, channels, sums.subarray(0, channels), sums.subarray(channels, 2 * channels));
  for (let c = 0; c < channels; c++) sums[channels + c] -= m[c] * sums[c];
  sums[2 * channels] = xs.length / channels;
  // dgamma and dbeta are this thread's share (the replica group adds the threads' weight gradients); dx
  // needs the whole batch's sums.
  const local = sums.slice(0, 2 * channels);
  reducer?.(sums);
  const n = sums[2 * channels];
  const v = heapF32(backend, variance);
  const gm = heapF32(backend, gamma);
  const dGamma = heapF32(backend, dGammaOut);
  const dBeta = heapF32(backend, dBetaOut);
  // dx = k · dy - k · S1 / n - (x - mean) · k · r² · S2 / n, with k = gamma · r: per channel dx = dy·k + x·p + q.
  const k = new Float32Array(channels);
  const p = new Float32Array(channels);
  const q = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const r = 1 / Math.sqrt(v[c] + epsilon);
    dBeta[c] = local[c];
    dGamma[c] = local[channels + c] * r;
    k[c] = gm[c] * r;
    p[c] = (-gm[c] * r * r * r * sums[channels + c]) / n;
    q[c] = (-gm[c] * r * sums[c]) / n - m[c] * p[c];
  }
  channelAffine(g, k, xs, p, q, channels, heapF32(backend, dxOut));
  return [dxOut, dGammaOut, dBetaOut];
}

let registered = false;

/** Register both kernels and the forward one's gradient on wasm (other backends keep tfjs-layers' graph). */
export function registerBatchNormTrain(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: BATCHNORM_TRAIN, backendName: 'wasm', kernelFunc: batchNormTrainWasm as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BATCHNORM_TRAIN_GRAD, backendName: 'wasm', kernelFunc: batchNormTrainGradWasm as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: BATCHNORM_TRAIN,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dy, saved, attrs) => {
      const [x, gamma, mean, variance] = saved;
      // Only y reaches the loss; mean and variance feed the moving averages, outside the gradient.
      const dyY = Array.isArray(dy) ? dy[0] : dy;
      const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCHNORM_TRAIN_GRAD, { dy: dyY, x, mean, variance, gamma }, attrs) as unknown as tf.Tensor[];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
}

/** True when the training kernels can run on x with the current backend (float32, channels last, wasm). */
export function canBatchNormTrain(x: tf.Tensor): boolean {
  return registered && tf.getBackend() === 'wasm' && x.dtype === 'float32' && x.rank >= 2;
}

/**
 * y, and the batch mean and (biased) variance per channel, of x [..., channels] in training mode. The
 * gradient reaches x, gamma and beta, through the batch statistics.
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  const [y, mean, variance] = tf.engine().runKernel(BATCHNORM_TRAIN, { x, gamma, beta }, { epsilon }) as unknown as tf.Tensor[];
  return [y, mean as tf.Tensor1D, variance as tf.Tensor1D];
}
