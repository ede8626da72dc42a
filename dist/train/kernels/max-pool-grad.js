import * as tf from '@tensorflow/tfjs';
import { address, nativeKernels } from "./native.js";
import { heapF32 } from "./wasm.js";
/**
 * dx of max pooling (NHWC): each output's gradient goes to the first maximum of its window in row-major
 * order, as the cpu backend does, so ties (common after a ReLU) resolve alike. 2x2 windows at stride 2
 * (every pooling layer of our models) take the SIMD kernel max_pool_2x2_grad of native/kernels.c; other
 * windows this loop, with the channel loop innermost so reads and writes are contiguous runs.
 */
export function maxPoolGradWasm(args) {
    const backend = args.backend;
    const { dy, input } = args.inputs;
    const attrs = args.attrs;
    const info = tf.backend_util.computePool2DInfo(input.shape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const out = backend.makeOutput(input.shape, 'float32');
    if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * ho <= h && 2 * wo <= w) {
        nativeKernels(backend).kernels.max_pool_2x2_grad(address(backend, input), address(backend, dy), address(backend, out), n, h, w, c, ho, wo);
        return out;
    }
    const dx = heapF32(backend, out);
    const x = heapF32(backend, input);
    const g = heapF32(backend, dy);
    dx.fill(0);
    let o = 0;
    for (let b = 0; b < n; b++) {
        const image = b * h * w * c;
        for (let oy = 0; oy < ho; oy++) {
            const y0 = Math.max(0, oy * sh - top);
            const y1 = Math.min(h, oy * sh - top + fh);
            for (let ox = 0; ox < wo; ox++, o += c) {
                const x0 = Math.max(0, ox * sw - left);
                const x1 = Math.min(w, ox * sw - left + fw);
                for (let ch = 0; ch < c; ch++) {
                    let best = -Infinity;
                    let at = -1;
                    for (let iy = y0; iy < y1; iy++) {
                        for (let ix = x0; ix < x1; ix++) {
                            const i = image + (iy * w + ix) * c + ch;
                            if (x[i] > best || at < 0) {
                                best = x[i];
                                at = i;
                            }
                        }
                    }
                    if (at >= 0)
                        dx[at] += g[o + ch];
                }
            }
        }
    }
    return out;
}
//# sourceMappingURL=max-pool-grad.js.map