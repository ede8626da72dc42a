import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from "./backend.js";
import { setReplicaReducer } from "./kernels/batchnorm-train.js";
// The fast layer classes must be registered before the topology is read back.
import "./layers.js";
import { predictFlat } from "./predict.js";
import { abortGroup, replicaReducer, shareGradients } from "./replicas.js";
/**
 * One worker of a replica group (src/train/replicas.ts): its own wasm backend and copy of the model; per
 * step it takes the current weights and its share of the batch, and answers with the share's loss and
 * gradients. Its batchnorm kernels sum their statistics with the other threads through shared memory.
 */
let model;
let variables = [];
let memory;
let reducer;
function reply(message, transfer = []) {
    parentPort?.postMessage(message, transfer);
}
async function init(message) {
    const backend = await initBackend();
    model = await tf.models.modelFromJSON(message.topology);
    variables = model.trainableWeights.map((w) => w.read());
    memory = message.memory;
    reducer = replicaReducer(message.memory, message.replica, message.replicas);
    setReplicaReducer(reducer);
    reply({ type: 'ready', backend: backend.description });
}
function step(message) {
    if (model === undefined || reducer === undefined)
        throw new Error('step before init');
    tf.tidy(() => variables.forEach((v, k) => v.assign(tf.tensor(message.weights[k], v.shape))));
    reducer.reset();
    const { loss, grads } = shareGradients(model, variables, message);
    const arrays = variables.map((v) => grads[v.name].dataSync());
    const value = loss.dataSync()[0];
    tf.dispose([loss, ...Object.values(grads)]);
    reply({ type: 'step', loss: value, grads: arrays }, arrays.map((a) => a.buffer));
}
function predict(message) {
    if (model === undefined)
        throw new Error('predict before init');
    const current = model;
    tf.tidy(() => current.setWeights(current.getWeights().map((w, k) => tf.tensor(message.weights[k], w.shape))));
    const y = predictFlat(current, message.x, message.rows, current.inputs[0].shape.slice(1));
    reply({ type: 'predict', y }, [y.buffer]);
}
parentPort?.on('message', (message) => {
    const run = message.type === 'init' ? init(message) : Promise.resolve().then(() => (message.type === 'step' ? step(message) : predict(message)));
    run.catch((error) => {
        // The other threads may be waiting for this one at a batchnorm barrier: release them.
        if (memory !== undefined)
            abortGroup(memory);
        reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    });
});
//# sourceMappingURL=replica-worker.js.map