import * as tf from '@tensorflow/tfjs';
import { type ReplicaReducer } from './kernels/batchnorm-train.ts';
/** Shared memory of one replica group: a barrier and two banks of per-thread slots. */
export interface SyncMemory {
    control: SharedArrayBuffer;
    slots: SharedArrayBuffer;
}
export declare function createSyncMemory(replicas: number): SyncMemory;
/**
 * The reducer of thread `replica` of `replicas`: writes its sums to its slot, waits for the others, then
 * adds all slots in thread order (so every thread computes bit-identical totals). Banks alternate from one
 * call to the next, so a thread that races ahead never overwrites sums another thread is still reading.
 */
export declare function replicaReducer(memory: SyncMemory, replica: number, replicas: number): ReplicaReducer & {
    reset(): void;
};
/** Tell every thread waiting at (or arriving at) a barrier that the step is off. */
export declare function abortGroup(memory: SyncMemory): void;
/** What a worker is told once. */
export interface ReplicaInit {
    type: 'init';
    /** The model's topology (model.toJSON), rebuilt in the worker with the same layer classes. */
    topology: object;
    memory: SyncMemory;
    replica: number;
    replicas: number;
}
/** One step's share. Weights are the trainable weights in model.trainableWeights order. */
export interface ReplicaStep {
    type: 'step';
    weights: Float32Array[];
    x: Float32Array;
    y: Float32Array;
    sampleWeights: Float32Array;
    rows: number;
    batchSize: number;
    focalGamma: number;
}
/** Inference on a share: all weights (model.getWeights order, batchnorm statistics included) and the rows. */
export interface ReplicaPredict {
    type: 'predict';
    weights: Float32Array[];
    x: Float32Array;
    rows: number;
}
export type ReplicaMessage = ReplicaInit | ReplicaStep | ReplicaPredict;
export type ReplicaReply = {
    type: 'ready';
    backend: string;
} | {
    type: 'step';
    loss: number;
    grads: Float32Array[];
} | {
    type: 'predict';
    y: Float32Array;
} | {
    type: 'error';
    message: string;
};
/** A training batch as train.ts assembles it: rows of x, y (multi-hot) and per-example loss weights. */
export interface Batch {
    x: Float32Array;
    y: Float32Array;
    sampleWeights: Float32Array;
    size: number;
}
/** The loss of `rows` rows of a batch of `batchSize`, and its gradients for `variables`. */
export declare function shareGradients(model: tf.LayersModel, variables: tf.Variable[], share: {
    x: Float32Array;
    y: Float32Array;
    sampleWeights: Float32Array;
    rows: number;
    batchSize: number;
    focalGamma: number;
}): {
    loss: tf.Scalar;
    grads: tf.NamedTensorMap;
};
/**
 * This thread plus `threads - 1` workers. `gradients` returns the whole batch's loss and gradients (summed
 * over the shares), ready for optimizer.applyGradients.
 */
export declare class ReplicaGroup {
    readonly threads: number;
    private readonly workers;
    private readonly memory;
    private readonly reducer;
    private readonly pending;
    private broken;
    private constructor();
    /** Start the workers and rebuild `model` in each; resolves when all are ready. */
    static start(model: tf.LayersModel, threads: number): Promise<ReplicaGroup>;
    private fail;
    private request;
    /** Loss and gradients of the whole batch; the batch is cut into one share per thread. */
    gradients(model: tf.LayersModel, variables: tf.Variable[], batch: Batch, focalGamma: number): Promise<{
        loss: tf.Scalar;
        grads: tf.NamedTensorMap;
    }>;
    /**
     * Inference-mode outputs of `rows` inputs (x is rows × input size, row-major), the rows shared between
     * the threads like a training batch; the workers get the model's current weights with their share.
     */
    predict(model: tf.LayersModel, x: Float32Array, rows: number): Promise<Float32Array>;
    dispose(): Promise<void>;
}
/** True when a batch can be shared by `threads` threads (every share needs a row). */
export declare function canShare(batchSize: number, threads: number): boolean;
