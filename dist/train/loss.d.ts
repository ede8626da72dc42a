import * as tf from '@tensorflow/tfjs';
/**
 * Per-example loss, averaged over classes, weighted per example, summed and divided by the batch size.
 * Probabilities are clipped away from 0 and 1 so log stays finite (the model ends in a sigmoid, not logits).
 * `batchSize` is the whole batch's when these rows are one thread's share of it (src/train/replicas.ts):
 * the shares' losses, and so their gradients, then add up to the whole batch's.
 */
export declare function lossOf(y: tf.Tensor2D, p: tf.Tensor2D, weights: tf.Tensor1D, focalGamma: number, batchSize?: number): tf.Scalar;
