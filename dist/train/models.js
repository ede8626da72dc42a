import * as tf from '@tensorflow/tfjs';
import { BirdcallError } from "../errors.js";
import { batchNormalization, conv2d } from "./layers.js";
import { MODEL_NAMES } from "./params.js";
/**
 * The model zoo. All are plain CNNs over a [bins, frames, 1] spectrogram ending in global average pooling
 * (so any input size works) and one sigmoid per class (multi-label: several species can call at once).
 * No dropout layers: tfjs's Dropout either repeats one mask every step (seeded) or breaks repeatability
 * (unseeded); augmentation and batchnorm regularise instead.
 */
export { MODEL_NAMES } from "./params.js";
export const MODEL_DOCS = {
    tiny: '2 conv blocks (8/16 filters): for tests and smoke runs',
    compact: '3 conv blocks (16/32/64 filters) with batchnorm: the default, sized for a 2-core machine',
    wide: '4 conv blocks (32/64/128/256 filters) with batchnorm: about 20x the compute of compact',
    resnet: 'ResNet-style: a 32-filter stem and 3 residual stages (32/64/128), two 3x3 convs per block',
    strided: '3 stride-2 conv blocks (16/32/64) and a 96-filter conv with batchnorm: 3x the weights of compact at about 0.4x its training compute',
};
export function buildModel(options) {
    if (!MODEL_NAMES.includes(options.name)) {
        throw new BirdcallError('PARAM_INVALID', `unknown model "${options.name}"; choose one of ${MODEL_NAMES.join(', ')}`);
    }
    if (options.classes < 1)
        throw new BirdcallError('PARAM_INVALID', 'a model needs at least one class');
    const [h, w] = options.inputShape;
    const pools = { tiny: 2, compact: 3, wide: 4, resnet: 3, strided: 3 }[options.name];
    if (h < 2 ** pools || w < 2 ** pools) {
        throw new BirdcallError('PARAM_INVALID', `input ${h}x${w} is too small for model "${options.name}" (needs at least ${2 ** pools} in each dimension)`);
    }
    let seed = options.seed;
    const init = () => tf.initializers.heNormal({ seed: seed++ });
    const input = tf.input({ shape: options.inputShape });
    const x = options.name === 'resnet'
        ? resnetBody(input, init)
        : options.name === 'strided'
            ? stridedBody(input, init)
            : plainBody(input, { tiny: [8, 16], compact: [16, 32, 64], wide: [32, 64, 128, 256] }[options.name], init);
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x);
    const output = tf.layers
        .dense({ units: options.classes, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), name: 'classes' })
        .apply(pooled);
    return tf.model({ inputs: input, outputs: output, name: options.name });
}
/**
 * Batchnorm momentum 0.9 rather than tfjs's 0.99: small bird datasets give few steps per epoch, and at 0.99
 * the moving statistics used at inference lag the weights for hundreds of steps.
 */
const BN_MOMENTUM = 0.9;
function convBnRelu(x, filters, init, strides = 1, relu = true) {
    // No conv bias: the batchnorm's beta that follows does the same job.
    let y = conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x);
    y = batchNormalization({ axis: -1, momentum: BN_MOMENTUM }).apply(y);
    return relu ? tf.layers.reLU().apply(y) : y;
}
function plainBody(input, filters, init) {
    let x = input;
    for (const f of filters) {
        x = convBnRelu(x, f, init);
        x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x);
    }
    return x;
}
function resnetBody(input, init) {
    let x = convBnRelu(input, 32, init);
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x);
    let channels = 32;
    for (const [filters, stride] of [
        [32, 1],
        [64, 2],
        [128, 2],
    ]) {
        let shortcut = x;
        if (stride !== 1 || filters !== channels) {
            shortcut = conv2d({ filters, kernelSize: 1, strides: stride, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x);
            shortcut = batchNormalization({ axis: -1, momentum: BN_MOMENTUM }).apply(shortcut);
        }
        let y = convBnRelu(x, filters, init, stride);
        y = convBnRelu(y, filters, init, 1, false);
        x = tf.layers.add().apply([y, shortcut]);
        x = tf.layers.reLU().apply(x);
        channels = filters;
    }
    return x;
}
/**
 * Downsampling by stride-2 convolutions instead of full-resolution convs followed by max pooling: every
 * conv runs on a quarter of the positions its pooled counterpart would, so training costs about 0.4x the
 * compact model's on the wasm backend (measured at 64x94, batch 16) while holding 3x the weights. Chosen for
 * the real clips (docs/real-data.md), where a fold must train in minutes on a shared 2-core machine.
 */
function stridedBody(input, init) {
    let x = input;
    for (const f of [16, 32, 64])
        x = convBnRelu(x, f, init, 2);
    return convBnRelu(x, 96, init);
}
//# sourceMappingURL=models.js.map