import * as tf from '@tensorflow/tfjs';
import { address, nativeKernels } from "./native.js";
export const RELU_GRAD = 'BirdcallReluGrad';
/** dx = dy where x > 0, else 0: one SIMD pass (relu_grad in native/kernels.c). */
function reluGradWasm(args) {
    const backend = args.backend;
    const { dy, x } = args.inputs;
    const out = backend.makeOutput(x.shape, 'float32');
    nativeKernels(backend).kernels.relu_grad(address(backend, dy), address(backend, x), address(backend, out), tf.util.sizeFromShape(x.shape));
    return out;
}
let registered = false;
/**
 * The ReLU gradient on wasm as one kernel. tfjs's is dy * cast(step(x)): three kernels and two full-size
 * temporaries per ReLU layer and step. Other backends and dtypes keep tfjs's gradient.
 */
export function registerReluGrad() {
    if (registered)
        return;
    registered = true;
    tf.registerKernel({ kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGradWasm });
    const stock = tf.getGradient('Relu');
    if (stock === undefined)
        throw new Error('tfjs has no Relu gradient');
    tf.registerGradient({
        ...stock,
        gradFunc: (dy, saved, attrs) => {
            const [x] = saved;
            if (tf.getBackend() !== 'wasm' || Array.isArray(dy) || x.dtype !== 'float32' || dy.dtype !== 'float32')
                return stock.gradFunc(dy, saved, attrs);
            return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy, x }) };
        },
    });
}
//# sourceMappingURL=relu-grad.js.map