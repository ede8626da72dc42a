import * as tf from '@tensorflow/tfjs';
import { BirdcallError } from "../errors.js";
/**
 * Class probabilities for each input (inference mode: batchnorm uses its moving statistics).
 * `inputs` are [h * w * c] arrays in the layout the model was trained on (row-major, channels last);
 * `shape` is [h, w] or [h, w, c] (c defaults to 1). Runs in batches of `batchSize` to bound memory.
 */
export function predictBatch(model, inputs, shape, batchSize = 32) {
    const [h, w, c = 1] = shape;
    const size = h * w * c;
    const expected = model.inputs[0].shape.slice(1);
    if (expected.some((d, i) => d !== null && d !== [h, w, c][i])) {
        throw new BirdcallError('INPUT_SHAPE_MISMATCH', `the model expects inputs of shape [${expected.join(', ')}], got [${h}, ${w}, ${c}]`);
    }
    inputs.forEach((input, i) => {
        if (input.length !== size)
            throw new BirdcallError('INPUT_SHAPE_MISMATCH', `input ${i} has ${input.length} values, expected ${size} (${h}x${w}x${c})`);
    });
    const results = [];
    for (let start = 0; start < inputs.length; start += batchSize) {
        const part = inputs.slice(start, start + batchSize);
        const x = new Float32Array(part.length * size);
        part.forEach((input, b) => x.set(input, b * size));
        const probabilities = predictFlat(model, x, part.length, [h, w, c]);
        const classes = probabilities.length / part.length;
        for (let b = 0; b < part.length; b++)
            results.push(probabilities.slice(b * classes, (b + 1) * classes));
    }
    return results;
}
/** Inference-mode outputs of `rows` inputs stored flat in x (rows × input size), flattened in turn. */
export function predictFlat(model, x, rows, inputShape) {
    if (rows === 0)
        return new Float32Array(0);
    return tf.tidy(() => model.predict(tf.tensor(x, [rows, ...inputShape])).dataSync());
}
//# sourceMappingURL=predict.js.map