/**
 * Per-channel reductions. Batchnorm statistics, bias gradients and the batchnorm gradient reduce an NHWC
 * tensor over its leading axes [0, 1, 2]; the stock wasm Mean and Sum first transpose the whole tensor so
 * the reduced axes come last. Here the leading rows are summed in place into a running total per trailing
 * element: one pass, no copy.
 */
/** Rows and row length when `axis` is exactly the leading axes 0..k-1 (0 < k < rank), else undefined. */
export declare function leadingSplit(shape: readonly number[], axis: number | number[] | undefined): {
    rows: number;
    length: number;
    k: number;
} | undefined;
export declare const BROADCAST_ROWS = "BirdcallBroadcastRows";
/** Outer, reduced and inner sizes when `axis` is one contiguous run of axes, not all of them; else undefined. */
export declare function contiguousSplit(shape: readonly number[], axis: number | number[] | undefined): {
    outer: number;
    rows: number;
    inner: number;
} | undefined;
export declare function registerReduceKernels(): void;
