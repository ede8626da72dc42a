import * as tf from '@tensorflow/tfjs';
import { address, nativeKernels } from "./native.js";
import { heapF32 } from "./wasm.js";
export const BATCHNORM_GRAD = 'BirdcallBatchNormGrad';
/**
 * Every gradient of y = (x - mean) * rsqrt(variance + eps) * scale + offset with per-channel (last axis)
 * statistics, from one pass over x and dy. The stock gradient tiles rsqrt(variance) to the full tensor
 * (tfjs's generic Tile is slow on wasm), then makes about ten full-size temporaries and four transposing
 * reductions. With S1 = sum(dy) and S2 = sum(dy * (x - mean)) per channel and r = rsqrt(variance + eps):
 * dx = dy * scale * r, dOffset = S1, dScale = S2 * r, dMean = -scale * r * S1, dVariance = -scale * r^3 * S2 / 2.
 * Outputs, in order: dx, dMean, dVariance, dScale, dOffset.
 */
function batchNormGradWasm(args) {
    const backend = args.backend;
    const { x, dy, mean, variance, scale } = args.inputs;
    const { varianceEpsilon } = args.attrs;
    const channels = mean.shape.reduce((a, b) => a * b, 1);
    const outputs = [
        backend.makeOutput(x.shape, 'float32'),
        ...[0, 1, 2, 3].map(() => backend.makeOutput([channels], 'float32')),
    ];
    const [dxOut, dMeanOut, dVarOut, dScaleOut, dOffsetOut] = outputs;
    const native = nativeKernels(backend);
    const rows = tf.util.sizeFromShape(x.shape) / channels;
    const m = heapF32(backend, mean).slice();
    const v = heapF32(backend, variance).slice();
    const s = scale === undefined ? undefined : heapF32(backend, scale).slice();
    const r = new Float64Array(channels);
    const gain = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
        r[c] = 1 / Math.sqrt(v[c] + varianceEpsilon);
        gain[c] = (s === undefined ? 1 : s[c]) * r[c];
    }
    const { s0: s1, s1: s2 } = native.channelSums(address(backend, dy), new Float32Array(channels), address(backend, x), m, rows, channels);
    native.channelAffine(address(backend, dy), gain, undefined, new Float32Array(channels), rows, channels, address(backend, dxOut));
    const dMean = heapF32(backend, dMeanOut);
    const dVar = heapF32(backend, dVarOut);
    const dScale = heapF32(backend, dScaleOut);
    const dOffset = heapF32(backend, dOffsetOut);
    for (let c = 0; c < channels; c++) {
        const sc = s === undefined ? 1 : s[c];
        dOffset[c] = s1[c];
        dScale[c] = s2[c] * r[c];
        dMean[c] = -sc * r[c] * s1[c];
        dVar[c] = -0.5 * sc * r[c] * r[c] * r[c] * s2[c];
    }
    return outputs;
}
let registered = false;
/**
 * Register the kernel on wasm and route FusedBatchNorm's gradient through it there. Other backends, and
 * statistics that are not one value per last-axis channel, keep tfjs's own gradient.
 */
export function registerBatchNormGrad() {
    if (registered)
        return;
    registered = true;
    tf.registerKernel({ kernelName: BATCHNORM_GRAD, backendName: 'wasm', kernelFunc: batchNormGradWasm });
    const stock = tf.getGradient('FusedBatchNorm');
    if (stock === undefined)
        throw new Error('tfjs has no FusedBatchNorm gradient');
    tf.registerGradient({
        ...stock,
        gradFunc: (dy, saved, attrs) => {
            const [x, mean, variance, scale] = saved;
            const channels = x.shape[x.rank - 1];
            const fits = tf.getBackend() === 'wasm' &&
                !Array.isArray(dy) &&
                x.dtype === 'float32' &&
                mean.rank === 1 &&
                variance.rank === 1 &&
                mean.size === channels &&
                variance.size === channels &&
                (scale === undefined || scale === null || scale.size === channels);
            if (!fits)
                return stock.gradFunc(dy, saved, attrs);
            const inputs = { x, dy: dy, mean, variance };
            if (scale !== undefined && scale !== null)
                inputs.scale = scale;
            const [dx, dMean, dVariance, dScale, dOffset] = tf.engine().runKernel(BATCHNORM_GRAD, inputs, attrs);
            return {
                x: () => dx,
                mean: () => dMean.reshape(mean.shape),
                variance: () => dVariance.reshape(variance.shape),
                scale: () => (scale === undefined || scale === null ? dScale : dScale.reshape(scale.shape)),
                offset: () => dOffset.reshape(mean.shape),
            };
        },
    });
}
/**
 * The batchnorm forward pass, y = x * a[c] + b[c] with a = scale * rsqrt(variance + eps) and
 * b = offset - mean * a folded per channel first. The stock wasm kernel cost about 10 ns per element
 * (profiled: 40% of the convolutions' time at inference); this is one multiply-add per element. Statistics
 * that are not one value per last-axis channel go to the stock kernel.
 */
export function fusedBatchNormWasm(stock) {
    return (args) => {
        const backend = args.backend;
        const { x, mean, variance, offset, scale } = args.inputs;
        const { varianceEpsilon } = args.attrs;
        const channels = x.shape[x.shape.length - 1];
        const perChannel = (t) => t === undefined || t === null || (t.dtype === 'float32' && t.shape.reduce((a, b) => a * b, 1) === channels);
        if (x.dtype !== 'float32' || x.shape.length < 2 || ![mean, variance, offset, scale].every(perChannel)) {
            if (stock === undefined)
                throw new Error('wasm FusedBatchNorm kernel missing');
            return stock.kernelFunc(args);
        }
        const out = backend.makeOutput(x.shape, 'float32');
        const m = heapF32(backend, mean);
        const v = heapF32(backend, variance);
        const s = scale === undefined || scale === null ? undefined : heapF32(backend, scale);
        const o = offset === undefined || offset === null ? undefined : heapF32(backend, offset);
        const a = new Float32Array(channels);
        const b = new Float32Array(channels);
        for (let c = 0; c < channels; c++) {
            a[c] = (s === undefined ? 1 : s[c]) / Math.sqrt(v[c] + varianceEpsilon);
            b[c] = (o === undefined ? 0 : o[c]) - m[c] * a[c];
        }
        nativeKernels(backend).channelAffine(address(backend, x), a, undefined, b, tf.util.sizeFromShape(x.shape) / channels, channels, address(backend, out));
        return out;
    };
}
//# sourceMappingURL=batchnorm-grad.js.map