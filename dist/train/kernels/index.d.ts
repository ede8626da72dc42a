export { setBackpropFilterColLimit } from './conv2d-backprop-filter.ts';
export { setBackpropInputColLimit } from './conv2d-backprop-input.ts';
/** The speed-ups, each of which can be left out to measure what it buys (bench/train.ts --ablation). */
export declare const KERNEL_STEPS: readonly ["input", "batchnorm", "reduce", "maxpool", "bnforward", "bntrain", "identity", "relu", "conv", "bias"];
export type KernelStep = (typeof KERNEL_STEPS)[number];
/**
 * Which steps to register: all, unless BIRDCALL_WASM_KERNELS lists some ('none' for none). For benchmarks
 * only; training always wants all of them.
 */
export declare function enabledSteps(env?: string | undefined): Set<KernelStep>;
/**
 * The training hot path on wasm (issue 10): kernels that replace the stock wasm ones where a profiled
 * training step spent its time, and gradients that avoid materialising broadcast tensors. Call before the
 * wasm backend initialises (replaced kernels keep the stock set-up, which binds their fallbacks). Each has
 * a gradient-equality test against the cpu backend in test/train/kernels.test.ts.
 */
export declare function registerTrainingKernels(steps?: Set<KernelStep>): void;
