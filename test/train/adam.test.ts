import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../src/train/adam.ts';
import { initBackend } from '../../src/train/backend.ts';
import { TrainRng } from '../../src/train/random.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

describe('Adam', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("moves weights as tf.train.adam does, step after step, with a learning rate changed between steps", () => {
    const rng = new TrainRng(7);
    const shapes = [[3, 3, 1, 4], [4], [4, 2]];
    const start = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)));
    const ours = start.map((w, i) => tf.variable(tf.tensor(w, shapes[i]), true, `ours${i}`));
    const theirs = start.map((w, i) => tf.variable(tf.tensor(w, shapes[i]), true, `theirs${i}`));
    const adam = new Adam(0.01);
    const reference = tf.train.adam(0.01);
    for (let step = 0; step < 6; step++) {
      const lr = 0.01 * (1 - step / 10);
      adam.learningRate = lr;
      (reference as unknown as { learningRate: number }).learningRate = lr;
      // Gradients of very different sizes, some exactly zero, as real layers give.
      const grads = shapes.map((s, i) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, k) => (k % 5 === 0 ? 0 : rng.uniform(-1, 1) * 10 ** (i - 2))));
      adam.applyGradients(ours, Object.fromEntries(ours.map((v, i) => [v.name, tf.tensor(grads[i], shapes[i])])));
      reference.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: tf.tensor(grads[i], shapes[i]) })));
    }
    ours.forEach((v, i) => {
      const a = v.dataSync() as Float32Array;
      const b = theirs[i].dataSync() as Float32Array;
      const moved = b.reduce((m, x, k) => Math.max(m, Math.abs(x - start[i][k])), 0);
      expect(moved).toBeGreaterThan(0.01);
      b.forEach((x, k) => expect(Math.abs(a[k] - x)).toBeLessThan(1e-6));
    });
  });
});
