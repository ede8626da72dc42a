import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/train/backend.ts';
import { foldBatchNorm } from '../../src/train/fold.ts';
import { conv2d } from '../../src/train/layers.ts';
import { buildModel, MODEL_NAMES } from '../../src/train/models.ts';
import { TrainRng } from '../../src/train/random.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

/** Batchnorm statistics far from the identity (moving mean 0, variance 1), so folding has work to do. */
function randomiseBatchNorm(model: tf.LayersModel, seed: number): void {
  const rng = new TrainRng(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(Float32Array.from({ length: w.size }, () => (i === 3 ? rng.uniform(0.2, 3) : rng.uniform(-1, 1.5))), w.shape)));
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('foldBatchNorm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it.each(MODEL_NAMES)('predicts like the %s model it was folded from, without its batchnorm layers', (name) => {
    const model = buildModel({ name, inputShape: [16, 32, 1], classes: 4, seed: 2 });
    randomiseBatchNorm(model, 3);
    const folded = foldBatchNorm(model);
    const x = tf.randomUniform([3, 16, 32, 1], 0, 1, 'float32', 4);
    const before = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    const after = (folded.predict(x) as tf.Tensor).dataSync() as Float32Array;
    expect(maxDiff(before, after)).toBeLessThan(1e-5);
    const count = (m: tf.LayersModel, cls: string): number => m.layers.filter((l) => l.getClassName() === cls).length;
    // Every batchnorm follows a conv in the zoo: all of them fold.
    expect(count(model, 'BatchNormalization')).toBeGreaterThan(0);
    expect(count(folded, 'BatchNormalization')).toBe(0);
    expect(count(folded, 'Conv2D')).toBe(count(model, 'Conv2D'));
  });

  it('folds a conv that has its own bias, and fuses the ReLU that follows', () => {
    const input = tf.input({ shape: [8, 8, 2] });
    let x = conv2d({ filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.heNormal({ seed: 1 }), biasInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 2 }) }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ axis: -1 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor });
    randomiseBatchNorm(model, 5);
    const folded = foldBatchNorm(model);
    expect(folded.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'GlobalAveragePooling2D']);
    const probe = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 6);
    expect(maxDiff((model.predict(probe) as tf.Tensor).dataSync() as Float32Array, (folded.predict(probe) as tf.Tensor).dataSync() as Float32Array)).toBeLessThan(1e-5);
  });

  it('leaves a model without a conv-batchnorm pair as it is', () => {
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.batchNormalization({}).apply(input)) as tf.SymbolicTensor });
    expect(foldBatchNorm(model)).toBe(model);
  });
});
