import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { BirdcallError } from '../errors.ts';
import { setReplicaReducer, type ReplicaReducer } from './kernels/batchnorm-train.ts';
import { lossOf } from './loss.ts';
import { predictFlat } from './predict.ts';
import { threadEntry } from '../worker-bundle.ts';

/**
 * Data-parallel training on several threads (issue 10: both cores). Each optimiser step's batch is cut into
 * equal shares: this thread computes the gradient of its share while worker threads, each with its own
 * wasm backend and a copy of the model, compute theirs. The shares' losses are scaled by share / batch, so
 * their gradients add up to the whole batch's gradient; the optimiser then runs here, once, and the new
 * weights go to the workers with the next step.
 *
 * Batchnorm needs the statistics of the whole batch, not of a share: the fused batchnorm kernels hand their
 * per-channel sums to a reducer (setReplicaReducer) that adds every thread's sums through shared memory,
 * forward and backward. So every thread normalises as one thread would on the whole batch, and training on
 * n threads equals training on one up to float rounding (the order of a few additions), which the tests check.
 */

/** Doubles per thread and bank: the per-channel sums (2 per channel) and a count, for up to 1023 channels. */
const SLOT = 2048;
/** A thread waiting longer than this at a barrier gives up: another thread has died without saying so. */
const BARRIER_TIMEOUT_MS = 120_000;

/** Shared memory of one replica group: a barrier and two banks of per-thread slots. */
export interface SyncMemory {
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
}

export function createSyncMemory(replicas: number): SyncMemory {
  return { control: new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT), slots: new SharedArrayBuffer(2 * replicas * SLOT * Float64Array.BYTES_PER_ELEMENT) };
}

const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;

/**
 * The reducer of thread `replica` of `replicas`: writes its sums to its slot, waits for the others, then
 * adds all slots in thread order (so every thread computes bit-identical totals). Banks alternate from one
 * call to the next, so a thread that races ahead never overwrites sums another thread is still reading.
 */
export function replicaReducer(memory: SyncMemory, replica: number, replicas: number): ReplicaReducer & { reset(): void } {
  const control = new Int32Array(memory.control);
  const slots = new Float64Array(memory.slots);
  let calls = 0;
  const reduce = (sums: Float64Array): void => {
    if (sums.length > SLOT) throw new Error(`batchnorm over ${(sums.length - 1) / 2} channels exceeds the replica slots`);
    const bank = (calls++ & 1) * replicas * SLOT;
    slots.set(sums, bank + replica * SLOT);
    barrier(control, replicas);
    sums.fill(0);
    for (let r = 0; r < replicas; r++) {
      const from = bank + r * SLOT;
      for (let i = 0; i < sums.length; i++) sums[i] += slots[from + i];
    }
  };
  return Object.assign(reduce, { reset: () => (calls = 0) });
}

function barrier(control: Int32Array, replicas: number): void {
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.add(control, ARRIVED, 1) === replicas - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    return;
  }
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  while (Atomics.load(control, GENERATION) === generation) {
    if (Atomics.load(control, ABORTED) !== 0) throw new Error('another training thread failed');
    if (Date.now() > deadline) throw new Error('a training thread stopped answering');
    Atomics.wait(control, GENERATION, generation, 1000);
  }
}

/** Tell every thread waiting at (or arriving at) a barrier that the step is off. */
export function abortGroup(memory: SyncMemory): void {
  const control = new Int32Array(memory.control);
  Atomics.store(control, ABORTED, 1);
  Atomics.add(control, GENERATION, 1);
  Atomics.notify(control, GENERATION);
}

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

export type ReplicaReply =
  | { type: 'ready'; backend: string }
  | { type: 'step'; loss: number; grads: Float32Array[] }
  | { type: 'predict'; y: Float32Array }
  | { type: 'error'; message: string };

/** A training batch as train.ts assembles it: rows of x, y (multi-hot) and per-example loss weights. */
export interface Batch {
  x: Float32Array;
  y: Float32Array;
  sampleWeights: Float32Array;
  size: number;
}

const ENTRY = threadEntry('train/replica-worker', new URL('./replica-worker-entry.mjs', import.meta.url));

/** The loss of `rows` rows of a batch of `batchSize`, and its gradients for `variables`. */
export function shareGradients(
  model: tf.LayersModel,
  variables: tf.Variable[],
  share: { x: Float32Array; y: Float32Array; sampleWeights: Float32Array; rows: number; batchSize: number; focalGamma: number },
): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
  const [, ...inputShape] = model.inputs[0].shape;
  const classes = model.outputs[0].shape[1] ?? 0;
  return tf.tidy(() => {
    const x = tf.tensor4d(share.x, [share.rows, ...(inputShape as [number, number, number])]);
    const y = tf.tensor2d(share.y, [share.rows, classes]);
    const w = tf.tensor1d(share.sampleWeights);
    const { value, grads } = tf.variableGrads(() => lossOf(y, model.apply(x, { training: true }) as tf.Tensor2D, w, share.focalGamma, share.batchSize), variables);
    return { loss: value, grads };
  });
}

/**
 * This thread plus `threads - 1` workers. `gradients` returns the whole batch's loss and gradients (summed
 * over the shares), ready for optimizer.applyGradients.
 */
export class ReplicaGroup {
  private readonly memory: SyncMemory;
  private readonly reducer: ReturnType<typeof replicaReducer>;
  private readonly pending: ((reply: ReplicaReply) => void)[] = [];
  private broken: Error | undefined;

  private constructor(
    readonly threads: number,
    private readonly workers: Worker[],
    memory: SyncMemory,
  ) {
    this.memory = memory;
    this.reducer = replicaReducer(memory, 0, threads);
  }

  /** Start the workers and rebuild `model` in each; resolves when all are ready. */
  static async start(model: tf.LayersModel, threads: number): Promise<ReplicaGroup> {
    if (!Number.isInteger(threads) || threads < 2) throw new BirdcallError('PARAM_INVALID', `a replica group needs at least 2 threads, got ${threads}`);
    const memory = createSyncMemory(threads);
    const topology = model.toJSON(undefined, false) as object;
    const workers = Array.from({ length: threads - 1 }, () => new Worker(ENTRY));
    const group = new ReplicaGroup(threads, workers, memory);
    try {
      await Promise.all(
        workers.map((worker, i) => {
          worker.on('message', (reply: ReplicaReply) => group.pending[i]?.(reply));
          worker.on('error', (error: Error) => group.fail(i, { type: 'error', message: error.message }));
          worker.on('exit', (code) => group.fail(i, { type: 'error', message: `training thread exited with code ${code}` }));
          return group.request(i, { type: 'init', topology, memory, replica: i + 1, replicas: threads } satisfies ReplicaInit);
        }),
      );
    } catch (error) {
      await group.dispose();
      throw error;
    }
    return group;
  }

  private fail(i: number, reply: ReplicaReply): void {
    this.broken ??= new Error(reply.type === 'error' ? reply.message : 'training thread failed');
    abortGroup(this.memory);
    this.pending[i]?.(reply);
  }

  private request(i: number, message: ReplicaMessage, transfer: ArrayBuffer[] = []): Promise<ReplicaReply> {
    return new Promise((resolve, reject) => {
      this.pending[i] = (reply) => {
        this.pending[i] = () => undefined;
        if (reply.type === 'error') reject(new BirdcallError('TRAIN_THREAD', `training thread ${i + 1}: ${reply.message}`));
        else resolve(reply);
      };
      this.workers[i].postMessage(message, transfer);
    });
  }

  /** Loss and gradients of the whole batch; the batch is cut into one share per thread. */
  async gradients(model: tf.LayersModel, variables: tf.Variable[], batch: Batch, focalGamma: number): Promise<{ loss: tf.Scalar; grads: tf.NamedTensorMap }> {
    if (this.broken !== undefined) throw this.broken;
    const rowSize = batch.x.length / batch.size;
    const classes = batch.y.length / batch.size;
    // Shares as equal as rows allow; this thread takes the first.
    const bounds = Array.from({ length: this.threads + 1 }, (_, i) => Math.round((i * batch.size) / this.threads));
    const share = (t: number): ReplicaStep => ({
      type: 'step',
      weights: [],
      x: batch.x.slice(bounds[t] * rowSize, bounds[t + 1] * rowSize),
      y: batch.y.slice(bounds[t] * classes, bounds[t + 1] * classes),
      sampleWeights: batch.sampleWeights.slice(bounds[t], bounds[t + 1]),
      rows: bounds[t + 1] - bounds[t],
      batchSize: batch.size,
      focalGamma,
    });
    const weights = variables.map((v) => v.dataSync() as Float32Array);
    const replies = this.workers.map((_, i) => {
      const step = { ...share(i + 1), weights: weights.map((w) => w.slice()) };
      return this.request(i, step, [step.x.buffer, step.y.buffer, step.sampleWeights.buffer, ...step.weights.map((w) => w.buffer)] as ArrayBuffer[]);
    });
    // A share of zero rows would skip the batchnorm barriers the others wait at: every share has rows as
    // long as the batch has at least one row per thread, which train.ts ensures.
    const own = share(0);
    this.reducer.reset();
    const previous = setReplicaReducer(this.reducer);
    let mine: { loss: tf.Scalar; grads: tf.NamedTensorMap };
    try {
      mine = shareGradients(model, variables, own);
    } catch (error) {
      abortGroup(this.memory);
      this.broken = error as Error;
      await Promise.allSettled(replies);
      throw error;
    } finally {
      setReplicaReducer(previous);
    }
    let others: ReplicaReply[];
    try {
      others = await Promise.all(replies);
    } catch (error) {
      tf.dispose([mine.loss, ...Object.values(mine.grads)]);
      throw error;
    }
    // Every thread ran: add the workers' gradients (and losses) to this thread's, in thread order.
    const total = tf.tidy(() => {
      let loss: tf.Scalar = mine.loss;
      const grads: tf.NamedTensorMap = {};
      variables.forEach((v, k) => {
        let g = mine.grads[v.name];
        for (const reply of others) if (reply.type === 'step') g = tf.add(g, tf.tensor(reply.grads[k], v.shape));
        grads[v.name] = g;
      });
      for (const reply of others) if (reply.type === 'step') loss = tf.add(loss, reply.loss);
      return { loss, grads };
    });
    tf.dispose([mine.loss, ...Object.values(mine.grads)]);
    return total;
  }

  /**
   * Inference-mode outputs of `rows` inputs (x is rows × input size, row-major), the rows shared between
   * the threads like a training batch; the workers get the model's current weights with their share.
   */
  async predict(model: tf.LayersModel, x: Float32Array, rows: number): Promise<Float32Array> {
    if (this.broken !== undefined) throw this.broken;
    const [, ...inputShape] = model.inputs[0].shape as number[];
    const rowSize = x.length / rows;
    const bounds = Array.from({ length: this.threads + 1 }, (_, i) => Math.round((i * rows) / this.threads));
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const replies = this.workers.map((_, i) => {
      const message: ReplicaPredict = { type: 'predict', weights: weights.map((w) => w.slice()), x: x.slice(bounds[i + 1] * rowSize, bounds[i + 2] * rowSize), rows: bounds[i + 2] - bounds[i + 1] };
      return this.request(i, message, [message.x.buffer, ...message.weights.map((w) => w.buffer)] as ArrayBuffer[]);
    });
    const own = predictFlat(model, x.subarray(0, bounds[1] * rowSize), bounds[1], inputShape);
    const parts = [own, ...(await Promise.all(replies)).map((r) => (r.type === 'predict' ? r.y : new Float32Array(0)))];
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** True when a batch can be shared by `threads` threads (every share needs a row). */
export function canShare(batchSize: number, threads: number): boolean {
  return threads > 1 && batchSize >= threads;
}
