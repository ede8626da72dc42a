import * as tf from '@tensorflow/tfjs';
/**
 * Class probabilities for each input (inference mode: batchnorm uses its moving statistics).
 * `inputs` are [h * w * c] arrays in the layout the model was trained on (row-major, channels last);
 * `shape` is [h, w] or [h, w, c] (c defaults to 1). Runs in batches of `batchSize` to bound memory.
 */
export declare function predictBatch(model: tf.LayersModel, inputs: readonly Float32Array[], shape: readonly number[], batchSize?: number): Float32Array[];
/** Inference-mode outputs of `rows` inputs stored flat in x (rows × input size), flattened in turn. */
export declare function predictFlat(model: tf.LayersModel, x: Float32Array, rows: number, inputShape: readonly number[]): Float32Array;
