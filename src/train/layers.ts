import * as tf from '@tensorflow/tfjs';
import { batchNormTrain, canBatchNormTrain } from './kernels/batchnorm-train.ts';

type BatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** What tfjs-layers' BatchNormalization keeps (private in its typings, read here to train it faster). */
interface BatchNormState {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type LayerClass = new (args?: BatchNormArgs) => tf.layers.Layer;
type Conv2DArgs = Parameters<typeof tf.layers.conv2d>[0];
type Conv2DClass = new (args: Conv2DArgs) => tf.layers.Layer;

/**
 * tfjs does not export its layer classes; its serialization registry holds them under their Keras names.
 * The subclasses below keep those names (static className is inherited), so a saved model holds plain
 * Keras layers that load in any tfjs, and only training takes the faster path.
 */
function stockLayerClass<T>(name: string): T {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[name] as [unknown, unknown] | undefined;
  if (entry === undefined) throw new Error(`tfjs-layers has no ${name} class registered`);
  return entry[0] as T;
}

const StockBatchNormalization = stockLayerClass<LayerClass>('BatchNormalization');

/**
 * tfjs-layers' BatchNormalization, trained through one fused kernel pair on wasm (src/train/kernels/
 * batchnorm-train.ts) instead of the tf.moments graph. Same weights, same moving-average update, same
 * inference path and the same Keras class name when saved, so artifacts load in any tfjs as a plain
 * BatchNormalization. Elsewhere (other backends, channels not last, centre or scale off) it is the stock layer.
 */
class FusedBatchNormalization extends StockBatchNormalization {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const state = this as unknown as BatchNormState;
    const lastAxis = state.axis === -1 || state.axis === x.rank - 1;
    if (kwargs.training !== true || !lastAxis || !state.center || !state.scale || !canBatchNormTrain(x)) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormTrain(x, state.gamma.read() as tf.Tensor1D, state.beta.read() as tf.Tensor1D, state.epsilon);
      // The moving averages exactly as tfjs-layers updates them: v -= (v - batch value) * (1 - momentum).
      for (const [moving, value] of [
        [state.movingMean, mean],
        [state.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const current = moving.read();
          moving.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - state.momentum)));
        });
      }
      return y;
    });
  }
}

/** A drop-in for tf.layers.batchNormalization that trains faster on wasm. */
export function batchNormalization(args: BatchNormArgs = {}): tf.layers.Layer {
  return new FusedBatchNormalization(args);
}

/** What tfjs-layers' Conv2D keeps (private in its typings). */
interface Conv2DState {
  rank: number;
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: 'valid' | 'same';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: [number, number];
  activation: { getClassName(): string };
}

const StockConv2D = stockLayerClass<Conv2DClass>('Conv2D');

/**
 * tfjs-layers' Conv2D, trained through the plain conv2d op. The layer's usual fused op computes its
 * gradient in one closure that always evaluates the input gradient, also for the first layer, whose input
 * is the data: about a tenth of a training step of the compact model spent on a gradient nobody reads. The
 * plain op's gradients are evaluated only when needed. Inference, and anything but a linear NHWC conv
 * without dilation, stays on the stock path.
 */
class LazyGradConv2D extends StockConv2D {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const state = this as unknown as Conv2DState;
    const plain =
      kwargs.training === true &&
      state.rank === 2 &&
      x.rank === 4 &&
      state.dataFormat === 'channelsLast' &&
      state.dilationRate.every((d) => d === 1) &&
      state.activation.getClassName() === 'linear';
    if (!plain) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, state.kernel.read() as tf.Tensor4D, state.strides, state.padding);
      return state.bias === null ? y : tf.add(y, state.bias.read());
    });
  }
}

/** A drop-in for tf.layers.conv2d whose training skips gradients nobody reads. */
export function conv2d(args: Conv2DArgs): tf.layers.Layer {
  return new LazyGradConv2D(args);
}

// Models read back from JSON (saved artifacts, the topology data-parallel workers rebuild) get these classes
// too. SerializationMap.register only maps the Keras name to the class; registerClass would also rename the
// class to "Custom>..." when saving, which plain tfjs could not load.
tf.serialization.SerializationMap.register(FusedBatchNormalization as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
tf.serialization.SerializationMap.register(LazyGradConv2D as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
