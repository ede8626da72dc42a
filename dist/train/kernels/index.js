import { fusedBatchNormWasm, registerBatchNormGrad } from "./batchnorm-grad.js";
import { registerBatchNormTrain } from "./batchnorm-train.js";
import { conv2dBackpropFilterWasm } from "./conv2d-backprop-filter.js";
import { conv2dBackpropInputWasm } from "./conv2d-backprop-input.js";
import { maxPoolGradWasm } from "./max-pool-grad.js";
import { registerReduceKernels } from "./reduce-leading.js";
import { registerReluGrad } from "./relu-grad.js";
import { conv2dWasm, fusedConv2dWasm } from "./conv2d.js";
import { biasAddWasm } from "./bias-add.js";
import { sharedIdentityWasm } from "./identity.js";
import { replaceWasmKernel } from "./wasm.js";
export { setBackpropFilterColLimit } from "./conv2d-backprop-filter.js";
export { setBackpropInputColLimit } from "./conv2d-backprop-input.js";
/** The speed-ups, each of which can be left out to measure what it buys (bench/train.ts --ablation). */
export const KERNEL_STEPS = ['input', 'batchnorm', 'reduce', 'maxpool', 'bnforward', 'bntrain', 'identity', 'relu', 'conv', 'bias'];
/**
 * Which steps to register: all, unless BIRDCALL_WASM_KERNELS lists some ('none' for none). For benchmarks
 * only; training always wants all of them.
 */
export function enabledSteps(env = process.env.BIRDCALL_WASM_KERNELS) {
    if (env === undefined || env.trim() === '')
        return new Set(KERNEL_STEPS);
    const listed = env.split(',').map((s) => s.trim());
    return new Set(KERNEL_STEPS.filter((s) => listed.includes(s)));
}
let registered = false;
/**
 * The training hot path on wasm (issue 10): kernels that replace the stock wasm ones where a profiled
 * training step spent its time, and gradients that avoid materialising broadcast tensors. Call before the
 * wasm backend initialises (replaced kernels keep the stock set-up, which binds their fallbacks). Each has
 * a gradient-equality test against the cpu backend in test/train/kernels.test.ts.
 */
export function registerTrainingKernels(steps = enabledSteps()) {
    if (registered)
        return;
    registered = true;
    // The filter gradient: one GEMM on an im2col matrix. Always: tfjs 4.22 has no wasm kernel at all, so
    // without it nothing trains (the ablation's 'none' row is stock tfjs plus this kernel).
    replaceWasmKernel('Conv2DBackpropFilter', () => conv2dBackpropFilterWasm);
    // The input gradient: a forward convolution (stride 1) or GEMM + col2im, instead of the stock loop nest.
    if (steps.has('input'))
        replaceWasmKernel('Conv2DBackpropInput', () => conv2dBackpropInputWasm);
    // Batchnorm backward in one pass per layer, no Tile.
    if (steps.has('batchnorm'))
        registerBatchNormGrad();
    // Sum and Mean over leading axes without a transpose; the Mean gradient without ones(x.shape).
    if (steps.has('reduce'))
        registerReduceKernels();
    if (steps.has('maxpool'))
        replaceWasmKernel('MaxPoolGrad', () => maxPoolGradWasm);
    // Batchnorm forward (training and inference) as one multiply-add per element.
    if (steps.has('bnforward'))
        replaceWasmKernel('FusedBatchNorm', fusedBatchNormWasm);
    // Batchnorm in training mode as one fused kernel pair (src/train/batchnorm-layer.ts uses it): no tf.moments graph.
    if (steps.has('bntrain'))
        registerBatchNormTrain();
    // tfjs clones every tensor it keeps for the backward pass (about 90 per step of the compact model); wasm's
    // Identity copies the data where cpu's shares it. Tensors are immutable (a variable's assign swaps its
    // data rather than writing into it), so share: 7% of a step.
    if (steps.has('identity'))
        replaceWasmKernel('Identity', sharedIdentityWasm);
    // The ReLU gradient as one pass instead of Step, Cast and Multiply.
    if (steps.has('relu'))
        registerReluGrad();
    // Stride-1 convolutions (forward, inference with bias and ReLU, and through them the input gradient) on
    // our SIMD kernel instead of XNNPACK.
    if (steps.has('conv')) {
        replaceWasmKernel('Conv2D', conv2dWasm);
        replaceWasmKernel('FusedConv2D', fusedConv2dWasm);
    }
    // A layer's bias added per channel in one pass.
    if (steps.has('bias'))
        replaceWasmKernel('Add', biasAddWasm);
}
//# sourceMappingURL=index.js.map