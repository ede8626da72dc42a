import * as tf from '@tensorflow/tfjs';
/**
 * Per-example loss, averaged over classes, weighted per example, summed and divided by the batch size.
 * Probabilities are clipped away from 0 and 1 so log stays finite (the model ends in a sigmoid, not logits).
 * `batchSize` is the whole batch's when these rows are one thread's share of it (src/train/replicas.ts):
 * the shares' losses, and so their gradients, then add up to the whole batch's.
 */
export function lossOf(y, p, weights, focalGamma, batchSize = y.shape[0]) {
    return tf.tidy(() => {
        const eps = 1e-7;
        const pc = tf.clipByValue(p, eps, 1 - eps);
        let perClass = tf.neg(tf.add(tf.mul(y, tf.log(pc)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, pc)))));
        if (focalGamma > 0) {
            // Focal loss (Lin et al. 2017): scale by (1 - p_t)^gamma so easy, confident examples count less.
            const pt = tf.add(tf.mul(y, pc), tf.mul(tf.sub(1, y), tf.sub(1, pc)));
            perClass = tf.mul(perClass, tf.pow(tf.sub(1, pt), focalGamma));
        }
        return tf.div(tf.sum(tf.mul(tf.mean(perClass, 1), weights)), batchSize);
    });
}
//# sourceMappingURL=loss.js.map