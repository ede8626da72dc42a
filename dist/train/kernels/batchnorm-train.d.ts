import * as tf from '@tensorflow/tfjs';
/**
 * Batchnorm in training mode as two kernels, forward and backward, each two passes over the activations.
 * tfjs-layers builds it from tf.moments (Mean, Sub, Square, Mean) and batchNorm, and its gradient from the
 * gradients of each: about a dozen full-size passes and temporaries per layer and step, over a third of a
 * training step of the compact model on wasm. Per channel c (the last axis), over the n positions:
 *
 *   forward:  mean = S0 / n, variance = Sq / n - mean² (biased, as tf.moments), r = rsqrt(variance + eps),
 *             y = (x - mean) · r · gamma + beta
 *   backward: S1 = Σ dy, S2 = Σ dy · (x - mean), dbeta = S1, dgamma = S2 · r,
 *             dx = gamma · r · (dy - S1 / n - (x - mean) · r² · S2 / n)
 *
 * The sums are float64 totals of float32 partial sums over shifted values (native/kernels.c: channel_sums),
 * so the one-pass variance does not cancel. Between the two passes of each kernel the per-channel sums can be combined across
 * data-parallel replicas (setReplicaReducer): then every replica normalises with the statistics of the
 * whole batch, and training on two threads matches training on one.
 */
export declare const BATCHNORM_TRAIN = "BirdcallBatchNormTrain";
export declare const BATCHNORM_TRAIN_GRAD = "BirdcallBatchNormTrainGrad";
/**
 * Adds the per-channel sums of the other replicas into `sums` in place (every replica must end with the
 * same values, added in the same order). `sums` holds the channel sums, then a final element with the
 * replica's position count.
 */
export type ReplicaReducer = (sums: Float64Array) => void;
/** Set (or clear, with undefined) the cross-replica reduction the batchnorm kernels apply; returns the previous one. */
export declare function setReplicaReducer(next: ReplicaReducer | undefined): ReplicaReducer | undefined;
/** Register both kernels and the forward one's gradient on wasm (other backends keep tfjs-layers' graph). */
export declare function registerBatchNormTrain(): void;
/** True when the training kernels can run on x with the current backend (float32, channels last, wasm). */
export declare function canBatchNormTrain(x: tf.Tensor): boolean;
/**
 * y, and the batch mean and (biased) variance per channel, of x [..., channels] in training mode. The
 * gradient reaches x, gamma and beta, through the batch statistics.
 */
export declare function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
