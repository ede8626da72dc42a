import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, type KernelArgs } from './wasm.ts';

interface Attrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dx of max pooling (NHWC): each output's gradient goes to the first maximum of its window in row-major
 * order, as the cpu backend does, so ties (common after a ReLU) resolve alike. One pass over the windows
 * with the channel loop innermost, so reads and writes are contiguous runs.
 */
export function maxPoolGradWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as Attrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = backend.makeOutput(input.shape, 'float32');
  const dx = heapF32(backend, out);
  const x = heapF32(backend, input);
  const g = heapF32(backend, dy);
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * ho <= h && 2 * wo <= w) {
    pool2x2Grad(x, g, dx, n, h, w, c, ho, wo);
    return out;
  }
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
          if (at >= 0) dx[at] += g[o + ch];
        }
      }
    }
  }
  return out;
}

/**
 * The common case, 2x2 windows at stride 2, all inside the input: windows do not overlap, so every input is
 * written exactly once (the gradient or 0) in one pass, with no fill and no read-modify-write; rows and
 * columns past the last window are zero.
 */
function pool2x2Grad(x: Float32Array, g: Float32Array, dx: Float32Array, n: number, h: number, w: number, c: number, ho: number, wo: number): void {
  const row = w * c;
  let o = 0;
  for (let b = 0; b < n; b++) {
    const image = b * h * row;
    for (let oy = 0; oy < ho; oy++) {
      const r0 = image + 2 * oy * row;
      const r1 = r0 + row;
      for (let ox = 0; ox < wo; ox++, o += c) {
        const i00 = r0 + 2 * ox * c;
        const i01 = i00 + c;
        const i10 = r1 + 2 * ox * c;
        const i11 = i10 + c;
        for (let ch = 0; ch < c; ch++) {
          // First maximum in row-major order: later positions win only when strictly greater (cpu's ties).
          const v00 = x[i00 + ch];
          const v01 = x[i01 + ch];
          const v10 = x[i10 + ch];
          const v11 = x[i11 + ch];
          let at = 0;
          let best = v00;
          if (v01 > best) {
            best = v01;
            at = 1;
          }
          if (v10 > best) {
            best = v10;
            at = 2;
          }
          if (v11 > best) at = 3;
          const d = g[o + ch];
          dx[i00 + ch] = at === 0 ? d : 0;
          dx[i01 + ch] = at === 1 ? d : 0;
          dx[i10 + ch] = at === 2 ? d : 0;
          dx[i11 + ch] = at === 3 ? d : 0;
        }
      }
      // An odd last column has no window.
      if (2 * wo < w) for (let i = r0 + 2 * wo * c; i < r0 + row; i++) dx[i] = dx[i + row] = 0;
    }
    // An odd last row has no window.
    if (2 * ho < h) dx.fill(0, image + 2 * ho * row, image + h * row);
  }
}
