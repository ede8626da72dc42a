import * as tf from '@tensorflow/tfjs';
/**
 * Adam (Kingma & Ba 2015) with tfjs's defaults (beta1 0.9, beta2 0.999, epsilon 1e-7), as one JavaScript
 * loop per variable. tf.train.adam builds about ten tensor ops per variable and step; on wasm those small
 * ops cost 12 ms a step for the compact model (4-5% of it at 64x128, all of it on the main thread while the
 * data-parallel workers wait). The update is tfjs's, term for term:
 *
 *   m = beta1·m + (1 - beta1)·g,   v = beta2·v + (1 - beta2)·g²,
 *   w -= learningRate · (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 *
 * computed in float64 and stored in float32 (tfjs computes in float32 throughout: results agree to float32
 * rounding, see the tests).
 */
export class Adam {
    beta1;
    beta2;
    epsilon;
    /** Read at every step, so a schedule can change it between steps. */
    learningRate;
    step = 0;
    moments = new Map();
    constructor(learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.learningRate = learningRate;
    }
    /** One step: every variable moves by its gradient (grads keyed by variable name). */
    applyGradients(variables, grads) {
        this.step++;
        const c1 = 1 - this.beta1 ** this.step;
        const c2 = 1 - this.beta2 ** this.step;
        const { beta1, beta2, epsilon, learningRate } = this;
        for (const variable of variables) {
            const gradient = grads[variable.name];
            if (gradient === undefined)
                continue;
            const g = gradient.dataSync();
            const w = Float32Array.from(variable.dataSync());
            let state = this.moments.get(variable.name);
            if (state === undefined) {
                state = { m: new Float32Array(w.length), v: new Float32Array(w.length) };
                this.moments.set(variable.name, state);
            }
            const { m, v } = state;
            for (let i = 0; i < w.length; i++) {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                w[i] -= (learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + epsilon);
            }
            tf.tidy(() => variable.assign(tf.tensor(w, variable.shape, 'float32')));
        }
    }
    dispose() {
        this.moments.clear();
    }
}
//# sourceMappingURL=adam.js.map