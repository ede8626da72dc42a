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

// tfjs does not export the class itself; its serialization registry holds it under its Keras name.
const entry = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization as [unknown, unknown] | undefined;
if (entry === undefined) throw new Error('tfjs-layers has no BatchNormalization class registered');
const StockBatchNormalization = entry[0] as LayerClass;

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
