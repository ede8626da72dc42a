import * as tf from '@tensorflow/tfjs';
import { transposeInto } from "./conv2d-backprop-filter.js";
import { address, nativeKernels } from "./native.js";
import { callKernel, heapF32, stockKernel } from "./wasm.js";
/** Upper bound on the column matrix of the strided path, in floats (64 MB); larger batches go in parts. */
let colMaxFloats = 16 * 1024 * 1024;
/** For tests: a small limit exercises the split-batch path on small tensors. Returns the previous limit. */
export function setBackpropInputColLimit(floats) {
    const previous = colMaxFloats;
    colMaxFloats = floats;
    return previous;
}
/**
 * dx of a 2-D convolution (NHWC) on the backend's fast kernels instead of the stock wasm loop nest, which
 * took more time than every other kernel of a training step together.
 * - stride 1: dx is itself a stride-1 convolution of dy with the filter rotated 180 degrees and its channel
 *   axes swapped, padded by (filter - 1 - pad); it runs on XNNPACK's forward convolution.
 * - larger strides, input channels a multiple of 4 (our models' strided layers): the SIMD kernel
 *   conv_input_grad (native/kernels.c) scatters each output pixel's dy · W^T onto the zero-padded input grid,
 *   which is then cropped to dx.
 * - otherwise: cols = dy · W^T as one matrix product [N*Ho*Wo, Co] x [Co, fh*fw*Ci], then col2im adds each
 *   column back onto the input pixel it came from.
 */
export function conv2dBackpropInputWasm(args) {
    const backend = args.backend;
    const { dy, filter } = args.inputs;
    const attrs = args.attrs;
    if (attrs.dataFormat !== 'NHWC' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
        return callKernel(stockKernel('Conv2DBackpropInput'), backend, args.inputs, attrs);
    }
    const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    if (info.strideHeight === 1 && info.strideWidth === 1) {
        const top = info.filterHeight - 1 - info.padInfo.top;
        const left = info.filterWidth - 1 - info.padInfo.left;
        const bottom = info.inHeight - info.outHeight + info.filterHeight - 1 - top;
        const right = info.inWidth - info.outWidth + info.filterWidth - 1 - left;
        // Explicit paddings wider than the filter would need negative padding here; the stock kernel handles those.
        if (top >= 0 && left >= 0 && bottom >= 0 && right >= 0)
            return asConvolution(backend, dy, filter, info, [top, bottom, left, right]);
    }
    if (info.inChannels % 4 === 0 && info.padInfo.top >= 0 && info.padInfo.left >= 0)
        return scatteredOnGrid(backend, dy, filter, info);
    return viaColumns(backend, dy, filter, info);
}
function asConvolution(backend, dy, filter, info, pads) {
    const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = info;
    const rotated = backend.makeOutput([fh, fw, co, ci], 'float32');
    const w = heapF32(backend, filter);
    const r = heapF32(backend, rotated);
    for (let ky = 0; ky < fh; ky++) {
        for (let kx = 0; kx < fw; kx++) {
            const src = ((fh - 1 - ky) * fw + (fw - 1 - kx)) * ci * co;
            const dst = (ky * fw + kx) * co * ci;
            for (let i = 0; i < ci; i++)
                for (let o = 0; o < co; o++)
                    r[dst + o * ci + i] = w[src + i * co + o];
        }
    }
    const [top, bottom, left, right] = pads;
    const dx = callKernel(stockKernel('Conv2D'), backend, { x: dy, filter: rotated }, {
        strides: 1,
        pad: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: 1,
    });
    backend.disposeData(rotated.dataId);
    return dx;
}
function scatteredOnGrid(backend, dy, filter, info) {
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const hp = (ho - 1) * sh + fh;
    const wp = (wo - 1) * sw + fw;
    const dx = backend.makeOutput([n, h, w, ci], 'float32');
    const grid = backend.makeOutput([n * hp * wp * ci], 'float32');
    const swapped = backend.makeOutput([fh, fw, co, ci], 'float32');
    const wIn = heapF32(backend, filter);
    const wOut = heapF32(backend, swapped);
    for (let t = 0; t < fh * fw; t++)
        transposeInto(wOut.subarray(t * co * ci, (t + 1) * co * ci), wIn.subarray(t * ci * co, (t + 1) * ci * co), ci, co);
    heapF32(backend, grid).fill(0);
    nativeKernels(backend).kernels.conv_input_grad(address(backend, dy), address(backend, swapped), address(backend, grid), n, ho, wo, hp, wp, fh, fw, ci, co, sh, sw);
    // Crop: input pixel (y, x) is grid position (top + y, left + x); pixels off the grid were never read (0).
    const target = heapF32(backend, dx);
    const source = heapF32(backend, grid);
    target.fill(0);
    const rows = Math.min(h, hp - top);
    const run = Math.min(w, wp - left) * ci;
    for (let b = 0; b < n; b++) {
        for (let y = 0; y < rows; y++) {
            const from = ((b * hp + top + y) * wp + left) * ci;
            target.set(source.subarray(from, from + run), (b * h + y) * w * ci);
        }
    }
    backend.disposeData(grid.dataId);
    backend.disposeData(swapped.dataId);
    return dx;
}
function viaColumns(backend, dy, filter, info) {
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo, outChannels: co } = info;
    const { filterHeight: fh, filterWidth: fw } = info;
    const k = fh * fw * ci;
    const perExample = ho * wo;
    const chunk = Math.max(1, Math.min(n, Math.floor(colMaxFloats / (k * perExample))));
    const matMul = stockKernel('BatchMatMul');
    // The filter [fh, fw, Ci, Co] read as [K, Co], transposed once here: the wasm matMul is fast only when
    // neither operand is flagged as transposed.
    const filterT = backend.makeOutput([1, co, k], 'float32');
    transposeInto(heapF32(backend, filterT), heapF32(backend, filter), k, co);
    const dx = backend.makeOutput([n, h, w, ci], 'float32');
    heapF32(backend, dx).fill(0);
    for (let n0 = 0; n0 < n; n0 += chunk) {
        const nb = Math.min(chunk, n - n0);
        const p = nb * perExample;
        let dyPart = { ...dy, shape: [1, p, co] };
        const copied = nb !== n;
        if (copied) {
            dyPart = backend.makeOutput([1, p, co], 'float32');
            heapF32(backend, dyPart).set(heapF32(backend, dy).subarray(n0 * perExample * co, (n0 + nb) * perExample * co));
        }
        const cols = callKernel(matMul, backend, { a: dyPart, b: filterT }, { transposeA: false, transposeB: false });
        col2im(heapF32(backend, cols), heapF32(backend, dx), n0, nb, info);
        backend.disposeData(cols.dataId);
        if (copied)
            backend.disposeData(dyPart.dataId);
    }
    backend.disposeData(filterT.dataId);
    return dx;
}
/**
 * Row p = (b, oy, ox) of cols holds, for each tap (ky, kx), the Ci values that output pixel sends back to
 * input pixel (oy*sh + ky - top, ox*sw + kx - left); taps in the padding are dropped. Hot loop: runs of Ci
 * contiguous floats, no allocation.
 */
function col2im(cols, dx, n0, nb, info) {
    const { inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const k = fh * fw * ci;
    let row = 0;
    for (let b = n0; b < n0 + nb; b++) {
        const image = b * h * w * ci;
        for (let oy = 0; oy < ho; oy++) {
            for (let ox = 0; ox < wo; ox++, row += k) {
                for (let ky = 0; ky < fh; ky++) {
                    const iy = oy * sh + ky - top;
                    if (iy < 0 || iy >= h)
                        continue;
                    for (let kx = 0; kx < fw; kx++) {
                        const ix = ox * sw + kx - left;
                        if (ix < 0 || ix >= w)
                            continue;
                        const src = row + (ky * fw + kx) * ci;
                        const dst = image + (iy * w + ix) * ci;
                        for (let c = 0; c < ci; c++)
                            dx[dst + c] += cols[src + c];
                    }
                }
            }
        }
    }
}
//# sourceMappingURL=conv2d-backprop-input.js.map