import * as tf from '@tensorflow/tfjs';
import { address, nativeKernels } from "./native.js";
import { callKernel, heapF32, replaceWasmKernel } from "./wasm.js";
/**
 * Per-channel reductions. Batchnorm statistics, bias gradients and the batchnorm gradient reduce an NHWC
 * tensor over its leading axes [0, 1, 2]; the stock wasm Mean and Sum first transpose the whole tensor so
 * the reduced axes come last. Here the leading rows are summed in place into a running total per trailing
 * element: one pass, no copy.
 */
/** Rows and row length when `axis` is exactly the leading axes 0..k-1 (0 < k < rank), else undefined. */
export function leadingSplit(shape, axis) {
    if (axis === undefined)
        return undefined;
    const axes = [...tf.util.parseAxisParam(axis, [...shape])].sort((a, b) => a - b);
    const k = axes.length;
    if (k === 0 || k >= shape.length || axes.some((a, i) => a !== i))
        return undefined;
    const rows = shape.slice(0, k).reduce((a, b) => a * b, 1);
    return { rows, length: shape.slice(k).reduce((a, b) => a * b, 1), k };
}
function reduceKernel(kind, stock) {
    return (args) => {
        const backend = args.backend;
        const { x } = args.inputs;
        const attrs = args.attrs;
        const split = x.dtype === 'float32' ? leadingSplit(x.shape, attrs.axis) : undefined;
        if (split === undefined) {
            if (stock === undefined)
                throw new Error(`wasm ${kind} kernel missing`);
            return callKernel(stock, backend, args.inputs, attrs);
        }
        const outShape = attrs.keepDims ? x.shape.map((d, i) => (i < split.k ? 1 : d)) : x.shape.slice(split.k);
        const out = backend.makeOutput(outShape, 'float32');
        // The rows are the positions and the trailing elements the channels: the batchnorm loops' layout.
        const total = nativeKernels(backend).channelSum(address(backend, x), split.rows, split.length);
        const scale = kind === 'Mean' ? 1 / split.rows : 1;
        const o = heapF32(backend, out);
        for (let j = 0; j < split.length; j++)
            o[j] = total[j] * scale;
        return out;
    };
}
export const BROADCAST_ROWS = 'BirdcallBroadcastRows';
/** Outer, reduced and inner sizes when `axis` is one contiguous run of axes, not all of them; else undefined. */
export function contiguousSplit(shape, axis) {
    if (axis === undefined)
        return undefined;
    const axes = [...tf.util.parseAxisParam(axis, [...shape])].sort((a, b) => a - b);
    if (axes.length === 0 || axes.length >= shape.length || axes.some((a, i) => a !== axes[0] + i))
        return undefined;
    const size = (from, to) => shape.slice(from, to).reduce((a, b) => a * b, 1);
    const first = axes[0];
    const end = first + axes.length;
    return { outer: size(0, first), rows: size(first, end), inner: size(end, shape.length) };
}
/**
 * out[o, r, j] = x[o, j] * scale for every row r: the gradient of a mean over a contiguous run of axes
 * (batchnorm statistics over the leading axes, global average pooling over height and width). The stock
 * gradient multiplies by a materialised ones(x.shape) with a broadcasting Multiply, slow on wasm.
 */
function broadcastRowsWasm(args) {
    const backend = args.backend;
    const { x } = args.inputs;
    const { shape, scale, outer, rows } = args.attrs;
    const out = backend.makeOutput(shape, 'float32');
    const src = heapF32(backend, x);
    const dst = heapF32(backend, out);
    const inner = src.length / outer;
    for (let o = 0, base = 0; o < outer; o++) {
        const from = o * inner;
        for (let r = 0; r < rows; r++, base += inner) {
            for (let j = 0; j < inner; j++)
                dst[base + j] = src[from + j] * scale;
        }
    }
    return out;
}
let registered = false;
export function registerReduceKernels() {
    if (registered)
        return;
    registered = true;
    replaceWasmKernel('Sum', (stock) => reduceKernel('Sum', stock));
    replaceWasmKernel('Mean', (stock) => reduceKernel('Mean', stock));
    tf.registerKernel({ kernelName: BROADCAST_ROWS, backendName: 'wasm', kernelFunc: broadcastRowsWasm });
    // The stock Mean gradient multiplies dy by a materialised ones(x.shape) and then divides: two full passes
    // and a full-size temporary. On wasm, for a contiguous run of axes, write dy/n directly.
    const stockGrad = tf.getGradient('Mean');
    if (stockGrad === undefined)
        throw new Error('tfjs has no Mean gradient');
    tf.registerGradient({
        ...stockGrad,
        gradFunc: (dy, saved, attrs) => {
            const [x] = saved;
            const { axis } = attrs;
            const split = tf.getBackend() === 'wasm' && !Array.isArray(dy) && x.dtype === 'float32' ? contiguousSplit(x.shape, axis) : undefined;
            if (split === undefined)
                return stockGrad.gradFunc(dy, saved, attrs);
            const g = dy;
            const broadcast = { shape: x.shape, scale: 1 / split.rows, outer: split.outer, rows: split.rows };
            return { x: () => tf.engine().runKernel(BROADCAST_ROWS, { x: g }, broadcast) };
        },
    });
}
//# sourceMappingURL=reduce-leading.js.map