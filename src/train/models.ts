import * as tf from '@tensorflow/tfjs';
import { BirdcallError } from '../errors.ts';
import { batchNormalization, conv2d } from './layers.ts';
import type { InputShape } from './dataset.ts';
import { MODEL_NAMES, type ModelName } from './params.ts';

/**
 * The model zoo. All are plain CNNs over a [bins, frames, 1] spectrogram ending in global average pooling
 * (so any input size works) and one sigmoid per class (multi-label: several species can call at once).
 * No dropout layers: tfjs's Dropout either repeats one mask every step (seeded) or breaks repeatability
 * (unseeded); augmentation and batchnorm regularise instead.
 */
export { MODEL_NAMES, type ModelName } from './params.ts';

export const MODEL_DOCS: Record<ModelName, string> = {
  tiny: '2 conv blocks (8/16 filters): for tests and smoke runs',
  compact: '3 conv blocks (16/32/64 filters) with batchnorm: the default, sized for a 2-core machine',
  wide: '4 conv blocks (32/64/128/256 filters) with batchnorm: about 20x the compute of compact',
  resnet: 'ResNet-style: a 32-filter stem and 3 residual stages (32/64/128), two 3x3 convs per block',
  strided: '3 stride-2 conv blocks (16/32/64) and a 96-filter conv with batchnorm: 3x the weights of compact at about 0.4x its training compute',
};

export interface ModelOptions {
  name: ModelName;
  inputShape: InputShape;
  classes: number;
  /** Seeds every initialiser, so the same seed gives the same starting weights. */
  seed: number;
}

/**
 * One untrained model from the zoo (MODEL_NAMES; `MODEL_DOCS` says what each is), for a [bins, frames, 1]
 * input and `classes` sigmoid outputs. `trainModel` calls it; call `initBackend` first if you use it directly.
 *
 * @param options - `name` (from MODEL_NAMES), `inputShape` ([height = frequency bins, width = frames,
 *   channels = 1]; at least 4 (tiny) or 8 (compact, resnet, strided) or 16 (wide) in each of height and width),
 *   `classes` (outputs, >= 1) and `seed` (initial weights).
 * @returns a tfjs LayersModel (not compiled: the trainer has its own optimiser and loss).
 * @throws BirdcallError PARAM_INVALID for an unknown name, no class, or an input too small for the model's pooling.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { buildModel, initBackend } from 'birdcall/train';
 *
 * await initBackend();
 * const model = buildModel({ name: 'tiny', inputShape: [32, 22, 1], classes: 3, seed: 0 });
 * assert.deepEqual(model.outputs[0].shape, [null, 3]); // one probability per class
 * assert.throws(() => buildModel({ name: 'wide', inputShape: [8, 8, 1], classes: 3, seed: 0 }), /too small/);
 * ```
 */
export function buildModel(options: ModelOptions): tf.LayersModel {
  if (!(MODEL_NAMES as readonly string[]).includes(options.name)) {
    throw new BirdcallError('PARAM_INVALID', `unknown model "${options.name}"; choose one of ${MODEL_NAMES.join(', ')}`);
  }
  if (options.classes < 1) throw new BirdcallError('PARAM_INVALID', 'a model needs at least one class');
  const [h, w] = options.inputShape;
  const pools = { tiny: 2, compact: 3, wide: 4, resnet: 3, strided: 3 }[options.name];
  if (h < 2 ** pools || w < 2 ** pools) {
    throw new BirdcallError('PARAM_INVALID', `input ${h}x${w} is too small for model "${options.name}" (needs at least ${2 ** pools} in each dimension)`);
  }
  let seed = options.seed;
  const init = (): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: seed++ });
  const input = tf.input({ shape: options.inputShape });
  const x =
    options.name === 'resnet'
      ? resnetBody(input, init)
      : options.name === 'strided'
        ? stridedBody(input, init)
        : plainBody(input, { tiny: [8, 16], compact: [16, 32, 64], wide: [32, 64, 128, 256] }[options.name as 'tiny' | 'compact' | 'wide'], init);
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: options.classes, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), name: 'classes' })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: options.name });
}

type Init = () => ReturnType<typeof tf.initializers.heNormal>;

/**
 * Batchnorm momentum 0.9 rather than tfjs's 0.99: small bird datasets give few steps per epoch, and at 0.99
 * the moving statistics used at inference lag the weights for hundreds of steps.
 */
const BN_MOMENTUM = 0.9;

function convBnRelu(x: tf.SymbolicTensor, filters: number, init: Init, strides = 1, relu = true): tf.SymbolicTensor {
  // No conv bias: the batchnorm's beta that follows does the same job.
  let y = conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  y = batchNormalization({ axis: -1, momentum: BN_MOMENTUM }).apply(y) as tf.SymbolicTensor;
  return relu ? (tf.layers.reLU().apply(y) as tf.SymbolicTensor) : y;
}

function plainBody(input: tf.SymbolicTensor, filters: number[], init: Init): tf.SymbolicTensor {
  let x = input;
  for (const f of filters) {
    x = convBnRelu(x, f, init);
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
  }
  return x;
}

function resnetBody(input: tf.SymbolicTensor, init: Init): tf.SymbolicTensor {
  let x = convBnRelu(input, 32, init);
  x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
  let channels = 32;
  for (const [filters, stride] of [
    [32, 1],
    [64, 2],
    [128, 2],
  ] as const) {
    let shortcut = x;
    if (stride !== 1 || filters !== channels) {
      shortcut = conv2d({ filters, kernelSize: 1, strides: stride, padding: 'same', useBias: false, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
      shortcut = batchNormalization({ axis: -1, momentum: BN_MOMENTUM }).apply(shortcut) as tf.SymbolicTensor;
    }
    let y = convBnRelu(x, filters, init, stride);
    y = convBnRelu(y, filters, init, 1, false);
    x = tf.layers.add().apply([y, shortcut]) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
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
function stridedBody(input: tf.SymbolicTensor, init: Init): tf.SymbolicTensor {
  let x = input;
  for (const f of [16, 32, 64]) x = convBnRelu(x, f, init, 2);
  return convBnRelu(x, 96, init);
}
