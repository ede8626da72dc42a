import * as tf from '@tensorflow/tfjs';
import { address, nativeKernels } from "./native.js";
import { callKernel, heapF32 } from "./wasm.js";
/**
 * Add where one side is a per-channel vector over the other's last axis (a conv or dense layer's bias while
 * training): one SIMD pass (channel_affine) instead of the stock kernel's general broadcasting loop, which
 * cost about 1 ns per value. Every other Add goes to the stock kernel.
 */
export function biasAddWasm(stock) {
    return (args) => {
        const backend = args.backend;
        const { a, b } = args.inputs;
        const [x, bias] = isBias(a, b) ? [a, b] : isBias(b, a) ? [b, a] : [undefined, undefined];
        if (x === undefined || bias === undefined) {
            if (stock === undefined)
                throw new Error('wasm Add kernel missing');
            return callKernel(stock, backend, args.inputs, {});
        }
        const channels = x.shape[x.shape.length - 1];
        const out = backend.makeOutput(x.shape, 'float32');
        const offset = heapF32(backend, bias).slice();
        nativeKernels(backend).channelAffine(address(backend, x), new Float32Array(channels).fill(1), undefined, offset, tf.util.sizeFromShape(x.shape) / channels, channels, address(backend, out));
        return out;
    };
}
/** True when b is one value per channel of x's last axis, and x is the larger, float32 operand. */
function isBias(x, b) {
    const channels = x.shape[x.shape.length - 1];
    return (x.dtype === 'float32' &&
        b.dtype === 'float32' &&
        x.shape.length >= 2 &&
        b.shape.length >= 1 &&
        b.shape.length <= x.shape.length &&
        b.shape[b.shape.length - 1] === channels &&
        b.shape.slice(0, -1).every((d) => d === 1) &&
        tf.util.sizeFromShape(x.shape) > channels);
}
//# sourceMappingURL=bias-add.js.map