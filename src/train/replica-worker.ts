import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.ts';
import { setReplicaReducer } from './kernels/batchnorm-train.ts';
// The fast layer classes must be registered before the topology is read back.
import './layers.ts';
import { predictFlat } from './predict.ts';
import { abortGroup, replicaReducer, shareGradients, type ReplicaInit, type ReplicaMessage, type ReplicaPredict, type ReplicaReply, type ReplicaStep, type SyncMemory } from './replicas.ts';

/**
 * One worker of a replica group (src/train/replicas.ts): its own wasm backend and copy of the model; per
 * step it takes the current weights and its share of the batch, and answers with the share's loss and
 * gradients. Its batchnorm kernels sum their statistics with the other threads through shared memory.
 */
let model: tf.LayersModel | undefined;
let variables: tf.Variable[] = [];
let memory: SyncMemory | undefined;
let reducer: ReturnType<typeof replicaReducer> | undefined;

function reply(message: ReplicaReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

async function init(message: ReplicaInit): Promise<void> {
  const backend = await initBackend();
  model = await tf.models.modelFromJSON(message.topology as tf.io.ModelJSON);
  variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  memory = message.memory;
  reducer = replicaReducer(message.memory, message.replica, message.replicas);
  setReplicaReducer(reducer);
  reply({ type: 'ready', backend: backend.description });
}

function step(message: ReplicaStep): void {
  if (model === undefined || reducer === undefined) throw new Error('step before init');
  tf.tidy(() => variables.forEach((v, k) => v.assign(tf.tensor(message.weights[k], v.shape))));
  reducer.reset();
  const { loss, grads } = shareGradients(model, variables, message);
  const arrays = variables.map((v) => grads[v.name].dataSync() as Float32Array);
  const value = loss.dataSync()[0];
  tf.dispose([loss, ...Object.values(grads)]);
  reply({ type: 'step', loss: value, grads: arrays }, arrays.map((a) => a.buffer as ArrayBuffer));
}

function predict(message: ReplicaPredict): void {
  if (model === undefined) throw new Error('predict before init');
  const current = model;
  tf.tidy(() => current.setWeights(current.getWeights().map((w, k) => tf.tensor(message.weights[k], w.shape))));
  const y = predictFlat(current, message.x, message.rows, current.inputs[0].shape.slice(1) as number[]);
  reply({ type: 'predict', y }, [y.buffer as ArrayBuffer]);
}

parentPort?.on('message', (message: ReplicaMessage) => {
  const run = message.type === 'init' ? init(message) : Promise.resolve().then(() => (message.type === 'step' ? step(message) : predict(message)));
  run.catch((error: unknown) => {
    // The other threads may be waiting for this one at a batchnorm barrier: release them.
    if (memory !== undefined) abortGroup(memory);
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
});
