export declare const RELU_GRAD = "BirdcallReluGrad";
/**
 * The ReLU gradient on wasm as one kernel. tfjs's is dy * cast(step(x)): three kernels and two full-size
 * temporaries per ReLU layer and step. Other backends and dtypes keep tfjs's gradient.
 */
export declare function registerReluGrad(): void;
