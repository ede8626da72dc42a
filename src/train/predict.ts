import * as tf from '@tensorflow/tfjs';
import { BirdcallError } from '../errors.ts';
import { rollTime, ttaShifts } from './tta.ts';

/**
 * Class probabilities for each input (inference mode: batchnorm uses its moving statistics).
 * `inputs` are [h * w * c] arrays in the layout the model was trained on (row-major, channels last);
 * `shape` is [h, w] or [h, w, c] (c defaults to 1). Runs in batches of `batchSize` to bound memory. With
 * `tta` above 1, each input's probabilities are the mean over that many time-shifted copies (src/train/tta.ts).
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
