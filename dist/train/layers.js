import * as tf from '@tensorflow/tfjs';
import { batchNormTrain, canBatchNormTrain } from "./kernels/batchnorm-train.js";
/**
 * tfjs does not export its layer classes; its serialization registry holds them under their Keras names.
 * The subclasses below keep those names (static className is inherited), so a saved model holds plain
 * Keras layers that load in any tfjs, and only training takes the faster path.
 */
function stockLayerClass(name) {
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[name];
    if (entry === undefined)
        throw new Error(`tfjs-layers has no ${name} class registered`);
    return entry[0];
}
const StockBatchNormalization = stockLayerClass('BatchNormalization');
/**
 * tfjs-layers' BatchNormalization, trained through one fused kernel pair on wasm (src/train/kernels/
 * batchnorm-train.ts) instead of the tf.moments graph. Same weights, same moving-average update, same
 * inference path and the same Keras class name when saved, so artifacts load in any tfjs as a plain
 * BatchNormalization. Elsewhere (other backends, channels not last, centre or scale off) it is the stock layer.
 */
class FusedBatchNormalization extends StockBatchNormalization {
    call(inputs, kwargs) {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const state = this;
        const lastAxis = state.axis === -1 || state.axis === x.rank - 1;
        if (kwargs.training !== true || !lastAxis || !state.center || !state.scale || !canBatchNormTrain(x))
            return super.call(inputs, kwargs);
        return tf.tidy(() => {
            const [y, mean, variance] = batchNormTrain(x, state.gamma.read(), state.beta.read(), state.epsilon);
            // The moving averages exactly as tfjs-layers updates them: v -= (v - batch value) * (1 - momentum).
            for (const [moving, value] of [
                [state.movingMean, mean],
                [state.movingVariance, variance],
            ]) {
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
export function batchNormalization(args = {}) {
    return new FusedBatchNormalization(args);
}
const StockConv2D = stockLayerClass('Conv2D');
/**
 * tfjs-layers' Conv2D, trained through the plain conv2d op. The layer's usual fused op computes its
 * gradient in one closure that always evaluates the input gradient, also for the first layer, whose input
 * is the data: about a tenth of a training step of the compact model spent on a gradient nobody reads. The
 * plain op's gradients are evaluated only when needed. Inference, and anything but a linear NHWC conv
 * without dilation, stays on the stock path.
 */
class LazyGradConv2D extends StockConv2D {
    call(inputs, kwargs) {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const state = this;
        const plain = kwargs.training === true &&
            state.rank === 2 &&
            x.rank === 4 &&
            state.dataFormat === 'channelsLast' &&
            state.dilationRate.every((d) => d === 1) &&
            state.activation.getClassName() === 'linear';
        if (!plain)
            return super.call(inputs, kwargs);
        return tf.tidy(() => {
            const y = tf.conv2d(x, state.kernel.read(), state.strides, state.padding);
            return state.bias === null ? y : tf.add(y, state.bias.read());
        });
    }
}
/** A drop-in for tf.layers.conv2d whose training skips gradients nobody reads. */
export function conv2d(args) {
    return new LazyGradConv2D(args);
}
// Models read back from JSON (saved artifacts, the topology data-parallel workers rebuild) get these classes
// too. SerializationMap.register only maps the Keras name to the class; registerClass would also rename the
// class to "Custom>..." when saving, which plain tfjs could not load.
tf.serialization.SerializationMap.register(FusedBatchNormalization);
tf.serialization.SerializationMap.register(LazyGradConv2D);
//# sourceMappingURL=layers.js.map