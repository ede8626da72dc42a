import * as tf from '@tensorflow/tfjs';
import { address, nativeKernels } from "./native.js";
import { callKernel, padOnGrid } from "./wasm.js";
/**
 * The convolutions of our models (NHWC, float32, any strides, no dilation, output channels a multiple of 4)
 * on the SIMD kernel conv2d of native/kernels.c, with bias and ReLU fused; everything else on the stock
 * kernel (XNNPACK). Measured on the compact model's layers at 64x128, batch 16, and on the strided model:
 * see docs/decisions/training-speed.md, round 3.
 */
export function conv2dDirect(backend, x, filter, bias, relu, attrs) {
    if (attrs.dataFormat !== 'NHWC' || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4)
        return undefined;
    const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const { batchSize: n, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const undilated = info.dilationHeight === 1 && info.dilationWidth === 1;
    if (!undilated || co % 4 !== 0 || top < 0 || left < 0 || (bias !== undefined && tf.util.sizeFromShape(bias.shape) !== co))
        return undefined;
    // The zero-padded grid: output pixel (oy, ox) at tap (ky, kx) reads grid position (oy*sh + ky, ox*sw + kx).
    const grid = { hp: (ho - 1) * sh + fh, wp: (wo - 1) * sw + fw };
    const out = backend.makeOutput([n, ho, wo, co], 'float32');
    const xp = padOnGrid(backend, x, grid, top, left);
    nativeKernels(backend).kernels.conv2d(address(backend, xp), grid.hp, grid.wp, address(backend, filter), bias === undefined ? 0 : address(backend, bias), address(backend, out), n, ho, wo, fh, fw, ci, co, sh, sw, relu ? 1 : 0);
    backend.disposeData(xp.dataId);
    return out;
}
/** Conv2D: ours where conv2dDirect applies, else the stock kernel. */
export function conv2dWasm(stock) {
    return (args) => {
        const backend = args.backend;
        const { x, filter } = args.inputs;
        const out = conv2dDirect(backend, x, filter, undefined, false, args.attrs);
        if (out !== undefined)
            return out;
        if (stock === undefined)
            throw new Error('wasm Conv2D kernel missing');
        return callKernel(stock, backend, args.inputs, args.attrs);
    };
}
/** FusedConv2D (inference after batchnorm folding): ours for no activation or ReLU, else the stock kernel. */
export function fusedConv2dWasm(stock) {
    return (args) => {
        const backend = args.backend;
        const { x, filter, bias, preluActivationWeights } = args.inputs;
        const attrs = args.attrs;
        const activation = attrs.activation ?? 'linear';
        if ((activation === 'linear' || activation === 'relu') && preluActivationWeights == null && (bias == null || bias.dtype === 'float32')) {
            const out = conv2dDirect(backend, x, filter, bias ?? undefined, activation === 'relu', attrs);
            if (out !== undefined)
                return out;
        }
        if (stock === undefined)
            throw new Error('wasm FusedConv2D kernel missing');
        return callKernel(stock, backend, args.inputs, args.attrs);
    };
}
//# sourceMappingURL=conv2d.js.map