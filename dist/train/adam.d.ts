import * as tf from '@tensorflow/tfjs';
/**
 * Adam (Kingma & Ba 2015) with tfjs's defaults (beta1 0.9, beta2 0.999, epsilon 1e-7), as one JavaScript
 * loop per variable. tf.train.adam builds about ten tensor ops per variable and step; on wasm those small
 * ops cost 12 ms a step for the compact model (4-5% of it at 64x128, all of it on the main thread while the
 * data-parallel workers wait). The update is tfjs's, term for term:
 *
 *   m = beta1·m + (1 - beta1)·g,   v = beta2·v + (1 - beta2)·g²,
 *   w -= learningRate · (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 *
 * computed in float64 and stored in float32 (tfjs computes in float32 throughout: results agree to float32
 * rounding, see the tests).
 */
export declare class Adam {
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
    /** Read at every step, so a schedule can change it between steps. */
    learningRate: number;
    private step;
    private readonly moments;
    constructor(learningRate: number, beta1?: number, beta2?: number, epsilon?: number);
    /** One step: every variable moves by its gradient (grads keyed by variable name). */
    applyGradients(variables: readonly tf.Variable[], grads: tf.NamedTensorMap): void;
    dispose(): void;
}
