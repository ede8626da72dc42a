import { parseParams } from "../params.js";
import { z } from 'zod';
export const normalizeParams = z.object({
    method: z
        .enum(['minmax', 'standardize'])
        .default('minmax')
        .describe("per-chunk scaling: 'minmax' maps to [0, 1] (unitless); 'standardize' to zero mean, unit standard deviation"),
});
/**
 * Scales one spectrogram (one chunk) on its own statistics. Statistics use finite values only; NaN and
 * ±Inf pass through unchanged so that downstream checks still see them (the PNG encoder maps them to its
 * minimum and counts them). A constant spectrogram becomes all zeros rather than 0/0 = NaN.
 * `standardize` uses the population standard deviation (ddof = 0), as numpy's `std` and sklearn's
 * StandardScaler do.
 */
export function normalizeSpectrogram(spec, params = {}) {
    const { method } = parseParams(normalizeParams, params, 'normalize');
    const x = spec.values;
    const out = x instanceof Float64Array ? new Float64Array(x.length) : new Float32Array(x.length);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let count = 0;
    for (let i = 0; i < x.length; i++) {
        const v = x[i];
        if (!Number.isFinite(v))
            continue;
        if (v < min)
            min = v;
        if (v > max)
            max = v;
        sum += v;
        count++;
    }
    // Constant (or empty, or all non-finite) input: exact comparison, because a computed std of identical
    // float32 values can come out as a tiny non-zero rounding residue and blow noise up to unit scale.
    const constant = count === 0 || max === min;
    let record;
    if (method === 'minmax') {
        const lo = count === 0 ? 0 : min;
        const hi = count === 0 ? 0 : max;
        const scale = constant ? 0 : 1 / (hi - lo);
        for (let i = 0; i < x.length; i++) {
            const v = x[i];
            out[i] = Number.isFinite(v) ? (v - lo) * scale : v;
        }
        record = { method, min: lo, max: hi };
    }
    else {
        const mean = count === 0 ? 0 : sum / count;
        let sq = 0;
        // Two passes (mean, then squared deviations) rather than sum of squares: no cancellation for dB values
        // sitting far from zero.
        for (let i = 0; i < x.length; i++) {
            const v = x[i];
            if (Number.isFinite(v))
                sq += (v - mean) * (v - mean);
        }
        const std = constant ? 0 : Math.sqrt(sq / count);
        const scale = constant ? 0 : 1 / std;
        for (let i = 0; i < x.length; i++) {
            const v = x[i];
            out[i] = Number.isFinite(v) ? (v - mean) * scale : v;
        }
        record = { method, mean, std };
    }
    return { ...spec, values: out, params: { ...spec.params, normalize: record } };
}
/** The normalization recorded on a spectrogram by `normalizeSpectrogram`, if any. */
export function normalizationOf(spec) {
    const r = spec.params.normalize;
    if (typeof r !== 'object' || r === null)
        return undefined;
    const m = r.method;
    return m === 'minmax' || m === 'standardize' ? r : undefined;
}
//# sourceMappingURL=normalize.js.map