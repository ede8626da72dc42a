import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/train/backend.ts';
import { SpectrogramDataset, splitByRecording } from '../../src/train/dataset.ts';
import { buildModel } from '../../src/train/models.ts';
import { TrainRng } from '../../src/train/random.ts';
import { ReplicaGroup, shareGradients, type Batch } from '../../src/train/replicas.ts';
import { trainModel, type TrainParamsInput } from '../../src/train/train.ts';
import { syntheticSet } from './synthetic.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

const [H, W, CLASSES] = [16, 32, 3];

function randomBatch(size: number, seed: number): Batch {
  const rng = new TrainRng(seed);
  return {
    x: Float32Array.from({ length: size * H * W }, () => rng.uniform(0, 1)),
    y: Float32Array.from({ length: size * CLASSES }, () => (rng.next() < 0.4 ? 1 : 0)),
    sampleWeights: Float32Array.from({ length: size }, () => rng.uniform(0.5, 1.5)),
    size,
  };
}

/** Max |a - b| over max(1, max |a|). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return diff / scale;
}

describe('data-parallel training (replica groups)', () => {
  let model: tf.LayersModel;
  let variables: tf.Variable[];
  let group: ReplicaGroup;

  beforeAll(async () => {
    await initBackend();
    model = buildModel({ name: 'compact', inputShape: [H, W, 1], classes: CLASSES, seed: 5 });
    variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    group = await ReplicaGroup.start(model, 2);
  }, 60_000);

  afterAll(async () => {
    await group.dispose();
    model.dispose();
  });

  it.each([6, 7])('gives the gradients, loss and batchnorm statistics of one thread on the whole batch (batch of %i)', async (size) => {
    const batch = randomBatch(size, size);
    const movingBefore = model.getWeights().map((t) => t.dataSync().slice());
    const one = shareGradients(model, variables, { ...batch, rows: size, batchSize: size, focalGamma: 0 });
    const movingOne = model.getWeights().map((t) => t.dataSync().slice());
    // Put the moving averages back, so the two-thread step starts from the same state.
    model.setWeights(movingBefore.map((v, i) => tf.tensor(v, model.getWeights()[i].shape)));
    const two = await group.gradients(model, variables, batch, 0);
    const movingTwo = model.getWeights().map((t) => t.dataSync().slice());
    expect(Math.abs(two.loss.dataSync()[0] - one.loss.dataSync()[0])).toBeLessThan(1e-6);
    for (const v of variables) {
      expect(relativeError(one.grads[v.name].dataSync(), two.grads[v.name].dataSync()), v.name).toBeLessThan(1e-4);
    }
    // Batchnorm's moving mean and variance moved by the whole batch's statistics, not by a half's.
    movingOne.forEach((v, i) => expect(relativeError(v, movingTwo[i])).toBeLessThan(1e-5));
    tf.dispose([one.loss, two.loss, ...Object.values(one.grads), ...Object.values(two.grads)]);
  });

  it('predicts a batch shared between the threads like one thread, with the current weights', async () => {
    const batch = randomBatch(5, 11);
    const one = (model.predict(tf.tensor4d(batch.x, [5, H, W, 1])) as tf.Tensor).dataSync();
    const two = await group.predict(model, batch.x, 5);
    expect(two.length).toBe(one.length);
    expect(relativeError(one, two)).toBeLessThan(1e-6);
  });

  it('differs from one thread when a share normalises with its own statistics (the test can fail)', async () => {
    // Same model, no reducer: each half would use its own batch statistics. Computed on this thread alone.
    const batch = randomBatch(8, 3);
    const whole = shareGradients(model, variables, { ...batch, rows: 8, batchSize: 8, focalGamma: 0 });
    const half = (from: number): ReturnType<typeof shareGradients> =>
      shareGradients(model, variables, {
        x: batch.x.slice(from * H * W, (from + 4) * H * W),
        y: batch.y.slice(from * CLASSES, (from + 4) * CLASSES),
        sampleWeights: batch.sampleWeights.slice(from, from + 4),
        rows: 4,
        batchSize: 8,
        focalGamma: 0,
      });
    const [a, b] = [half(0), half(4)];
    const first = variables[0].name;
    const summed = tf.add(a.grads[first], b.grads[first]);
    expect(relativeError(whole.grads[first].dataSync(), summed.dataSync())).toBeGreaterThan(1e-3);
    tf.dispose([summed, whole.loss, a.loss, b.loss, ...[whole, a, b].flatMap((g) => Object.values(g.grads))]);
  });
});

describe('a replica group whose worker fails', () => {
  it('rejects the step with the reason instead of waiting forever at a batchnorm barrier, and stays failed', async () => {
    await initBackend();
    const model = buildModel({ name: 'tiny', inputShape: [H, W, 1], classes: CLASSES, seed: 9 });
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const group = await ReplicaGroup.start(model, 2);
    try {
      // The worker is sent one weight too few: it fails assigning them, while this thread computes its share.
      await expect(group.gradients(model, variables.slice(0, -1), randomBatch(4, 1), 0)).rejects.toThrow(/training thread/);
      await expect(group.gradients(model, variables, randomBatch(4, 2), 0)).rejects.toThrow();
    } finally {
      await group.dispose();
      model.dispose();
    }
  }, 60_000);
});

describe('trainModel with threads', () => {
  it('trains on 2 threads like on 1 (same seed, same history up to rounding)', async () => {
    await initBackend();
    const set = await syntheticSet({ classes: 3, recordings: 6, chunks: 3, h: H, w: W });
    const dataset = new SpectrogramDataset(set.rows, { root: set.root, classes: set.classes });
    const split = splitByRecording(dataset.rows, { validationFraction: 0.3, seed: 1 });
    const params: TrainParamsInput = { model: 'compact', epochs: 2, batchSize: 8, learningRate: 0.003, mixupAlpha: 0, patience: 0, schedule: 'constant' };
    const lines: string[] = [];
    const one = await trainModel({ dataset, split, params: { ...params, threads: 1 } });
    const two = await trainModel({ dataset, split, params: { ...params, threads: 2 }, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/threads: 2 \(data-parallel/);
    two.history.forEach((epoch, i) => {
      expect(Math.abs(epoch.loss - one.history[i].loss)).toBeLessThan(2e-3);
      expect(Math.abs((epoch.validation?.loss ?? 0) - (one.history[i].validation?.loss ?? 0))).toBeLessThan(2e-3);
    });
    one.model.dispose();
    two.model.dispose();
  }, 120_000);
});
