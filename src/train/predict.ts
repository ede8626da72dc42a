import * as tf from '@tensorflow/tfjs';
import { BirdcallError } from '../errors.ts';
import { rollTime, ttaShifts } from './tta.ts';

/**
 * Class probabilities for each input (inference mode: batchnorm uses its moving statistics). The low-level
 * step under `predictSource` and `predictFiles`, for inputs you decoded yourself (e.g. with `loadInput`).
 *
 * @param model - a model from `loadModel` (or `buildModel`, `trainModel`), with one sigmoid output per class.
 * @param inputs - one Float32Array of h * w * c values per input, in the layout the model was trained on
 *   (row-major, channels last: mel bins × frames × channels).
 * @param shape - [h, w] or [h, w, c] of one input (c defaults to 1); must match the model's input shape.
 * @param batchSize - inputs run through the model at a time (default 32): bounds memory, not the result.
 * @param tta - time-shifted copies of each input whose probabilities are averaged (default 1: none; see
 *   `ttaShifts`).
 * @returns one Float32Array per input, in input order, holding a probability in [0, 1] per class (the model's
 *   class order, classes.json).
 * @throws BirdcallError INPUT_SHAPE_MISMATCH when `shape` differs from the model's input shape or an input
 *   does not hold h * w * c values.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { buildModel, initBackend, predictBatch } from 'birdcall/train';
 *
 * await initBackend();
 * const model = buildModel({ name: 'tiny', inputShape: [16, 24, 1], classes: 3, seed: 0 }); // or (await loadModel(dir)).model
 * const inputs = Array.from({ length: 5 }, (_, k) => Float32Array.from({ length: 16 * 24 }, (_, i) => Math.sin(i * (k + 1))));
 * const scores = predictBatch(model, inputs, [16, 24], 2); // batches of 2, 2 and 1
 * assert.equal(scores.length, 5);
 * assert.ok(scores.every((s) => s.length === 3 && s.every((p) => p >= 0 && p <= 1)));
 * // The batch size bounds memory only: one batch of 5 gives the same probabilities.
 * predictBatch(model, inputs, [16, 24], 5).forEach((s, k) => s.forEach((p, c) => assert.ok(Math.abs(p - scores[k][c]) < 1e-5)));
 * assert.equal(predictBatch(model, inputs, [16, 24], 32, 3).length, 5); // each the mean of 3 time-shifted copies
 * assert.throws(() => predictBatch(model, inputs, [24, 16]), { code: 'INPUT_SHAPE_MISMATCH' });
 * ```
 */
export function predictBatch(
  model: tf.LayersModel,
  inputs: readonly Float32Array[],
  shape: readonly number[],
  batchSize = 32,
  tta = 1,
): Float32Array[] {
  const [h, w, c = 1] = shape;
  const size = h * w * c;
  const expected = model.inputs[0].shape.slice(1);
  if (expected.some((d, i) => d !== null && d !== [h, w, c][i])) {
    throw new BirdcallError('INPUT_SHAPE_MISMATCH', `the model expects inputs of shape [${expected.join(', ')}], got [${h}, ${w}, ${c}]`);
  }
  inputs.forEach((input, i) => {
    if (input.length !== size) throw new BirdcallError('INPUT_SHAPE_MISMATCH', `input ${i} has ${input.length} values, expected ${size} (${h}x${w}x${c})`);
  });
  const results: Float32Array[] = [];
  for (let start = 0; start < inputs.length; start += batchSize) {
    const part = inputs.slice(start, start + batchSize);
    const x = new Float32Array(part.length * size);
    part.forEach((input, b) => x.set(input, b * size));
    const probabilities = predictFlatTta(model, x, part.length, [h, w, c], tta);
    const classes = probabilities.length / part.length;
    for (let b = 0; b < part.length; b++) results.push(probabilities.slice(b * classes, (b + 1) * classes));
  }
  return results;
}

/** Inference-mode outputs of `rows` inputs stored flat in x (rows × input size), flattened in turn. */
export function predictFlat(model: tf.LayersModel, x: Float32Array, rows: number, inputShape: readonly number[]): Float32Array {
  if (rows === 0) return new Float32Array(0);
  return tf.tidy(() => (model.predict(tf.tensor(x, [rows, ...inputShape])) as tf.Tensor).dataSync() as Float32Array);
}

/** Inference outputs of `rows` inputs stored flat in x, each the mean over `copies` time-shifted copies. */
export function predictFlatTta(model: tf.LayersModel, x: Float32Array, rows: number, shape: readonly number[], copies: number): Float32Array {
  if (copies <= 1 || rows === 0) return predictFlat(model, x, rows, shape);
  const [h, w, c = 1] = shape;
  const size = h * w * c;
  const row = new Float32Array(w * c);
  let sum: Float32Array | undefined;
  for (const shift of ttaShifts(copies, w)) {
    const shifted = x.slice(0, rows * size);
    for (let b = 0; b < rows; b++) rollTime(shifted, b * size, shape, shift, row);
    const scores = predictFlat(model, shifted, rows, shape);
    if (sum === undefined) sum = Float32Array.from(scores);
    else for (let i = 0; i < sum.length; i++) sum[i] += scores[i];
  }
  const out = sum ?? new Float32Array(0);
  for (let i = 0; i < out.length; i++) out[i] /= copies;
  return out;
}
