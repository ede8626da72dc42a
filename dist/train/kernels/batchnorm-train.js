import * as tf from '@tensorflow/tfjs';
import { address, nativeKernels } from "./native.js";
import { heapF32 } from "./wasm.js";
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
 * The sums are float64 totals of float32 partial sums over shifted values (native/kernels.c: channel_sums),
 * so the one-pass variance does not cancel. Between the two passes of each kernel the per-channel sums can be combined across
 * data-parallel replicas (setReplicaReducer): then every replica normalises with the statistics of the
 * whole batch, and training on two threads matches training on one.
 */
export const BATCHNORM_TRAIN = 'BirdcallBatchNormTrain';
export const BATCHNORM_TRAIN_GRAD = 'BirdcallBatchNormTrainGrad';
let reducer;
/** Set (or clear, with undefined) the cross-replica reduction the batchnorm kernels apply; returns the previous one. */
export function setReplicaReducer(next) {
    const previous = reducer;
    reducer = next;
    return previous;
}
function channelsOf(x) {
    return x.shape[x.shape.length - 1];
}
function batchNormTrainWasm(args) {
    const backend = args.backend;
    const { x, gamma, beta } = args.inputs;
    const { epsilon } = args.attrs;
    const channels = channelsOf(x);
    const yOut = backend.makeOutput(x.shape, 'float32');
    const meanOut = backend.makeOutput([channels], 'float32');
    const varOut = backend.makeOutput([channels], 'float32');
    const native = nativeKernels(backend);
    const rows = tf.util.sizeFromShape(x.shape) / channels;
    // Shifted by the first row, a sample of each channel's values, so the float32 partial sums are of values
    // near zero; then unshifted in float64, the form the replica reducer adds.
    const shift = heapF32(backend, x).slice(0, channels);
    const { s0, s1 } = native.channelSums(address(backend, x), shift, address(backend, x), shift, rows, channels);
    const sums = new Float64Array(2 * channels + 1);
    for (let c = 0; c < channels; c++) {
        sums[c] = s0[c] + rows * shift[c];
        sums[channels + c] = s1[c] + 2 * shift[c] * s0[c] + rows * shift[c] * shift[c];
    }
    sums[2 * channels] = rows;
    reducer?.(sums);
    const n = sums[2 * channels];
    const g = heapF32(backend, gamma);
    const b = heapF32(backend, beta);
    const mean = heapF32(backend, meanOut);
    const variance = heapF32(backend, varOut);
    const a = new Float32Array(channels);
    const offset = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
        const m = sums[c] / n;
        const v = Math.max(0, sums[channels + c] / n - m * m);
        mean[c] = m;
        variance[c] = v;
        a[c] = g[c] / Math.sqrt(v + epsilon);
        offset[c] = b[c] - m * a[c];
    }
    native.channelAffine(address(backend, x), a, undefined, offset, rows, channels, address(backend, yOut));
    return [yOut, meanOut, varOut];
}
function batchNormTrainGradWasm(args) {
    const backend = args.backend;
    const { dy, x, mean, variance, gamma } = args.inputs;
    const { epsilon } = args.attrs;
    const channels = channelsOf(x);
    const dxOut = backend.makeOutput(x.shape, 'float32');
    const dGammaOut = backend.makeOutput([channels], 'float32');
    const dBetaOut = backend.makeOutput([channels], 'float32');
    const native = nativeKernels(backend);
    const rows = tf.util.sizeFromShape(x.shape) / channels;
    const m = heapF32(backend, mean).slice();
    // S1 = Σ dy and S2 = Σ dy·(x - mean) in one pass over dy and x.
    const { s0, s1 } = native.channelSums(address(backend, dy), new Float32Array(channels), address(backend, x), m, rows, channels);
    const sums = new Float64Array(2 * channels + 1);
    sums.set(s0);
    sums.set(s1, channels);
    sums[2 * channels] = rows;
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
    native.channelAffine(address(backend, dy), k, { at: address(backend, x), k: p }, q, rows, channels, address(backend, dxOut));
    return [dxOut, dGammaOut, dBetaOut];
}
let registered = false;
/** Register both kernels and the forward one's gradient on wasm (other backends keep tfjs-layers' graph). */
export function registerBatchNormTrain() {
    if (registered)
        return;
    registered = true;
    tf.registerKernel({ kernelName: BATCHNORM_TRAIN, backendName: 'wasm', kernelFunc: batchNormTrainWasm });
    tf.registerKernel({ kernelName: BATCHNORM_TRAIN_GRAD, backendName: 'wasm', kernelFunc: batchNormTrainGradWasm });
    tf.registerGradient({
        kernelName: BATCHNORM_TRAIN,
        inputsToSave: ['x', 'gamma'],
        outputsToSave: [false, true, true],
        gradFunc: (dy, saved, attrs) => {
            const [x, gamma, mean, variance] = saved;
            // Only y reaches the loss; mean and variance feed the moving averages, outside the gradient.
            const dyY = Array.isArray(dy) ? dy[0] : dy;
            const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCHNORM_TRAIN_GRAD, { dy: dyY, x, mean, variance, gamma }, attrs);
            return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
        },
    });
}
/** True when the training kernels can run on x with the current backend (float32, channels last, wasm). */
export function canBatchNormTrain(x) {
    return registered && tf.getBackend() === 'wasm' && x.dtype === 'float32' && x.rank >= 2;
}
/**
 * y, and the batch mean and (biased) variance per channel, of x [..., channels] in training mode. The
 * gradient reaches x, gamma and beta, through the batch statistics.
 */
export function batchNormTrain(x, gamma, beta, epsilon) {
    const [y, mean, variance] = tf.engine().runKernel(BATCHNORM_TRAIN, { x, gamma, beta }, { epsilon });
    return [y, mean, variance];
}
//# sourceMappingURL=batchnorm-train.js.map