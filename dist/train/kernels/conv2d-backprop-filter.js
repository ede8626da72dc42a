import * as tf from '@tensorflow/tfjs';
import { address, nativeKernels } from "./native.js";
import { callKernel, heapF32, padOnGrid, stockKernel } from "./wasm.js";
/** Upper bound on the im2col matrix, in floats (64 MB); larger batches are split and the products summed. */
let colMaxFloats = 16 * 1024 * 1024;
/** For tests: a small limit exercises the split-batch path on small tensors. Returns the previous limit. */
export function setBackpropFilterColLimit(floats) {
    const previous = colMaxFloats;
    colMaxFloats = floats;
    return previous;
}
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
export function conv2dBackpropFilterWasm(args) {
    const backend = args.backend;
    const { x, dy } = args.inputs;
    const attrs = args.attrs;
    if (attrs.dataFormat !== 'NHWC')
        throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, got ${attrs.dataFormat}`);
    const info = tf.backend_util.computeConv2DInfo(x.shape, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const { batchSize: n, outHeight: ho, outWidth: wo, outChannels: co, inChannels: ci, filterHeight: fh, filterWidth: fw } = info;
    const k = fh * fw * ci;
    if (co % 4 === 0 && info.padInfo.top >= 0 && info.padInfo.left >= 0)
        return filterGradDirect(backend, x, dy, info);
    const perExample = ho * wo;
    const chunk = Math.max(1, Math.min(n, Math.floor(colMaxFloats / (k * perExample))));
    const matMul = stockKernel('BatchMatMul');
    const out = backend.makeOutput([fh, fw, ci, co], 'float32');
    let accumulated = false;
    for (let n0 = 0; n0 < n; n0 += chunk) {
        const nb = Math.min(chunk, n - n0);
        const p = nb * perExample;
        const colT = backend.makeOutput([1, k, p], 'float32');
        let dyPart = { ...dy, shape: [1, p, co] };
        const copied = nb !== n;
        if (copied)
            dyPart = backend.makeOutput([1, p, co], 'float32');
        // Views after every allocation: growing the wasm heap detaches earlier views.
        if (copied)
            heapF32(backend, dyPart).set(heapF32(backend, dy).subarray(n0 * perExample * co, (n0 + nb) * perExample * co));
        fillIm2colT(heapF32(backend, colT), heapF32(backend, x), n0, nb, info);
        const product = callKernel(matMul, backend, { a: colT, b: dyPart }, { transposeA: false, transposeB: false });
        const part = heapF32(backend, product);
        const target = heapF32(backend, out);
        if (accumulated) {
            for (let i = 0; i < target.length; i++)
                target[i] += part[i];
        }
        else {
            target.set(part);
            accumulated = true;
        }
        backend.disposeData(product.dataId);
        backend.disposeData(colT.dataId);
        if (copied)
            backend.disposeData(dyPart.dataId);
    }
    return out;
}
/**
 * co a multiple of 4 (every layer of our models): the SIMD kernel filter_grad (native/kernels.c) reads x
 * zero-padded on a grid (NHWC) and dy as it is, accumulating dW tile by tile with no im2col matrix and no
 * product call. The im2col + GEMM paths below remain for other filter counts.
 */
function filterGradDirect(backend, x, dy, info) {
    const { batchSize: n, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const grid = { hp: (ho - 1) * sh + fh, wp: (wo - 1) * sw + fw };
    const out = backend.makeOutput([fh, fw, ci, co], 'float32');
    const xp = padOnGrid(backend, x, grid, info.padInfo.top, info.padInfo.left);
    heapF32(backend, out).fill(0);
    nativeKernels(backend).kernels.filter_grad(address(backend, xp), grid.wp, grid.hp * grid.wp, address(backend, dy), address(backend, out), n, ho, wo, fh, fw, ci, co, sh, sw);
    backend.disposeData(xp.dataId);
    return out;
}
/**
 * out [cols, rows] = in [rows, cols]^T, in blocks of 64 rows: a plain loop writes with a stride of `rows`
 * floats, one cache miss per element, while a block keeps its reads in cache and writes runs of 64
 * contiguous floats.
 */
export function transposeInto(out, input, rows, cols) {
    const block = 64;
    for (let r0 = 0; r0 < rows; r0 += block) {
        const r1 = Math.min(rows, r0 + block);
        for (let c = 0; c < cols; c++) {
            const target = c * rows;
            for (let r = r0; r < r1; r++)
                out[target + r] = input[r * cols + c];
        }
    }
}
/**
 * Row t = (ky, kx, c) of the transposed im2col matrix holds x[b, oy*sh + ky - top, ox*sw + kx - left, c] for
 * every output pixel (b, oy, ox), zero where the tap falls in the padding (the path for filter counts that
 * are not a multiple of 4). Hot loop, ordered by output row first: the few input rows one output row reads stay in cache while
 * every tap and channel is written as a contiguous run of Wo floats.
 */
export function fillIm2colT(colT, x, n0, nb, info) {
    const { inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const p = nb * ho * wo;
    const rowStride = w * ci;
    for (let b = 0; b < nb; b++) {
        const image = (n0 + b) * h * rowStride;
        for (let oy = 0; oy < ho; oy++) {
            const start = (b * ho + oy) * wo;
            for (let ky = 0; ky < fh; ky++) {
                const iy = oy * sh + ky - top;
                const inside = iy >= 0 && iy < h;
                const rowBase = image + iy * rowStride;
                for (let kx = 0; kx < fw; kx++) {
                    for (let c = 0; c < ci; c++) {
                        const o = ((ky * fw + kx) * ci + c) * p + start;
                        if (!inside) {
                            colT.fill(0, o, o + wo);
                            continue;
                        }
                        for (let ox = 0; ox < wo; ox++) {
                            const ix = ox * sw + kx - left;
                            colT[o + ox] = ix >= 0 && ix < w ? x[rowBase + ix * ci + c] : 0;
                        }
                    }
                }
            }
        }
    }
}
//# sourceMappingURL=conv2d-backprop-filter.js.map